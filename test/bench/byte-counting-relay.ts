import net from "node:net";

/** A TCP relay on 127.0.0.1 that counts the bytes passing through it. */
export interface ByteCountingRelay {
  /** The relay's port; connect here instead of to the target. */
  readonly port: number;
  /** Bytes client -> server and server -> client since the relay started (or the last reset). */
  counts(): { up: number; down: number };
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts a relay to `targetPort` that counts TCP payload bytes both ways:
 * the wire cost of a protocol (framing, headers, acks) without a packet
 * capture. It adds a hop, so it is for counting bytes, not for timing.
 */
export async function startByteCountingRelay(targetPort: number): Promise<ByteCountingRelay> {
  let up = 0;
  let down = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => (up += chunk.length));
    upstream.on("data", (chunk: Buffer) => (down += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    counts: () => ({ up, down }),
    reset() {
      up = 0;
      down = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
