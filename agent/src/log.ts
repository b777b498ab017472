import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout: the service manager (journald, launchd, Windows) keeps them. */
export function createLogger(level: string): Logger {
  return pino({ name: 'siaga-agent', level, base: { pid: process.pid } });
}
