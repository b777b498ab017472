import { InfluxDB } from 'influx';
import type { InfluxConfig } from '../config.js';
import type { Logger } from '../log.js';

/**
 * What the sink asks InfluxDB besides writes: is it there, and create the database. Through the
 * `influx` package; writes do not use it (see influx-http.ts).
 */
export class InfluxAdmin {
  private readonly influx: InfluxDB;

  constructor(
    private readonly config: InfluxConfig,
    private readonly log: Logger,
  ) {
    const url = new URL(config.url);
    const password = config.password ?? config.token;
    this.influx = new InfluxDB({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      database: config.database,
      ...(config.username || password ? { username: config.username ?? 'siaga' } : {}),
      ...(password ? { password } : {}),
    });
  }

  /** The server's version when it answers a ping within 3 s (or the write timeout, if shorter). */
  async ping(): Promise<{ version: string; rttMs: number } | undefined> {
    const [host] = await this.influx.ping(Math.min(this.config.timeoutMs, 3_000)).catch(() => []);
    return host?.online ? { version: host.version, rttMs: host.rtt } : undefined;
  }

  /** Creates the database; false (logged) when it could not. */
  async createDatabase(): Promise<boolean> {
    try {
      // Bounded: a server that takes the connection but never answers must not hold up the start.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.config.timeoutMs} ms`)), this.config.timeoutMs);
      });
      await Promise.race([this.influx.createDatabase(this.config.database), timeout]).finally(() => clearTimeout(timer));
      return true;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not create the InfluxDB database (it may already exist or the user lacks the right)');
      return false;
    }
  }
}
