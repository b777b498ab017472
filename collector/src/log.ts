import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ name: 'siaga-collector', level, base: { pid: process.pid } });
}
