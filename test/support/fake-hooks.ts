/** A provider fake a test injects faults into and reads requests from. */
export interface ResettableFake {
  setFault(fault: undefined): Promise<void>;
  clear(): void;
  stop(): Promise<void>;
}

/**
 * The hooks every provider test registers around its fake: after each test the fault is lifted
 * and the records cleared; after all, what holds sockets (the provider, an agent) is released,
 * then the fake stops. `fake` is read late, since it is started in the test's beforeAll.
 */
export function resetFakeBetweenTests(fake: () => ResettableFake, release: () => Promise<void> | void = () => undefined): void {
  afterEach(async () => {
    await fake().setFault(undefined);
    fake().clear();
  });
  afterAll(async () => {
    await release();
    await fake().stop();
  });
}
