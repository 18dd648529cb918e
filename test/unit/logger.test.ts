import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';

function capture(): { stream: Writable; lines: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => out };
}

describe('logger', () => {
  it('when a record carries credentials, then they are redacted before anything is written', () => {
    const { stream, lines } = capture();
    const logger = createLogger('info', stream);
    logger.info({ req: { headers: { authorization: 'Bearer live-secret-token' } }, config: { SENDGRID_API_KEY: 'SG.live-key', TWILIO_AUTH_TOKEN: 'twilio-secret' }, provider: { authToken: 'abc-secret' } }, 'starting');
    const written = lines();
    expect(written).toContain('starting');
    for (const secret of ['live-secret-token', 'SG.live-key', 'twilio-secret', 'abc-secret']) expect(written).not.toContain(secret);
    expect(written).toContain('[redacted]');
  });
});
