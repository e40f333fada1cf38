/**
 * A loopback TCP proxy that can be switched into a black hole: bytes in both directions are read and
 * dropped, and no socket is closed or reset, so neither end learns anything; exactly what a silent
 * network partition looks like to a ZooKeeper client and server (unlike a closed connection, which
 * both would notice at once).
 */
import { type Server, type Socket, connect, createServer } from 'node:net';

export interface BlackHoleProxy {
  /** host:port to connect clients to. */
  readonly connectString: string;
  /** Drop everything from now on, both directions (sockets stay open). */
  blackHole(): void;
  /** Forward again (bytes dropped meanwhile are lost). */
  restore(): void;
  close(): Promise<void>;
}

export function startProxy(upstreamHost: string, upstreamPort: number): Promise<BlackHoleProxy> {
  let holed = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((downstream) => {
    const upstream = connect({ host: upstreamHost, port: upstreamPort });
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => s.destroy());
    }
    downstream.on('data', (d) => {
      if (!holed) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!holed) downstream.write(d);
    });
    // A close is news too: while black-holed the other end must not hear of it.
    const link = (from: Socket, to: Socket) =>
      from.on('close', () => {
        sockets.delete(from);
        if (!holed) to.destroy();
      });
    link(downstream, upstream);
    link(upstream, downstream);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        connectString: `127.0.0.1:${port}`,
        blackHole: () => {
          holed = true;
        },
        restore: () => {
          holed = false;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
