import net from 'node:net';

/**
 * A loopback TCP relay in front of a server. It records when each client connection opened (to
 * count an agent's attempts without trusting its own log) and can be closed like a gate: while
 * closed, new connections are reset at once (the server looks unreachable) and open ones are cut.
 */
export class LoopbackProxy {
  readonly opened: number[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  open = true;
  port = 0;

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      this.opened.push(Date.now());
      if (!this.open) {
        client.resetAndDestroy();
        return;
      }
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

  close(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  reopen(): void {
    this.open = true;
  }

  async stop(): Promise<void> {
    this.close();
    await new Promise((r) => this.server.close(r));
  }
}
