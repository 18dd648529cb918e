import pino, { type Logger } from 'pino';

/** Paths that may hold secrets are removed before anything is written. */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
  '*.password', '*.token', '*.apiKey', '*.authToken', '*.secret', 'config.SENDGRID_API_KEY', 'config.TWILIO_AUTH_TOKEN',
  'config.SLACK_BOT_TOKEN', 'config.X_APP_SECRET', 'config.X_ACCESS_SECRET', 'config.SECRET_KEY', 'config.API_TOKEN',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'crier' } }, destination);
}
