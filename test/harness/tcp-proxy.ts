import net from 'node:net';

/**
 * A loopback TCP relay in front of a server that records when each client connection opened:
 * lets a test count an agent's connection attempts without trusting the agent's own log.
 */
export class CountingProxy {
  readonly opened: number[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      this.opened.push(Date.now());
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections opened at or after `since` (epoch ms). */
  countSince(since: number): number {
    return this.opened.filter((t) => t >= since).length;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
