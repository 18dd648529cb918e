import { startTestCrier } from '../support/crier';
it('probe baseline', async () => {
  const t = await startTestCrier('sqlite', { recipients: 50, env: { PROVIDER_TIMEOUT_MS: '400', MAX_ATTEMPTS: '40' } });
  try {
    const started = Date.now();
    const { broadcastId } = await t.publish();
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const s: Record<string, unknown> = {};
      for (const c of ['email', 'sms', 'slack', 'x']) s[c] = JSON.stringify(await t.states(broadcastId, c));
      console.log(Date.now() - started, s, 'smtp', t.sandbox.smtp.received.length, 'sg', t.sandbox.sendgrid.requestCount, 'slack', t.sandbox.slack.requestCount);
    }
  } finally { await t.stop(); }
}, 60_000);
