import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Refuses new connections and cuts open ones (the upstream looks down). */
  goDown(): Promise<void>;
  goUp(): Promise<void>;
  /** Delays every chunk in both directions by `ms` (a slow network or server). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

/** A small TCP proxy on 127.0.0.1 for fault tests: outage and latency in front of a real server. */
export async function startTcpProxy(upstreamPort: number, port = 0): Promise<TcpProxy> {
  let latency = 0;
  const sockets = new Set<net.Socket>();
  const delayed = (from: net.Socket, to: net.Socket) =>
    from.on('data', (chunk) => {
      if (latency === 0) to.write(chunk);
      else setTimeout(() => to.writable && to.write(chunk), latency);
    });
  const handle = (client: net.Socket) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    delayed(client, upstream);
    delayed(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  };
  let server = net.createServer(handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.address() as net.AddressInfo).port;
  const closeServer = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      server.close(() => resolve());
    });
  return {
    port: actualPort,
    goDown: closeServer,
    async goUp() {
      server = net.createServer(handle);
      await new Promise<void>((resolve) => server.listen(actualPort, '127.0.0.1', resolve));
    },
    setLatency(ms) {
      latency = ms;
    },
    close: closeServer,
  };
}
