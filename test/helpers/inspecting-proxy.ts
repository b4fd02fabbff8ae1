import { createServer, type Server } from "node:http";
import net, { type AddressInfo, type Socket } from "node:net";
import tls from "node:tls";

export interface InspectingProxy {
  /** `http://127.0.0.1:PORT`, for HTTPS_PROXY. */
  url: string;
  /** `host:port` of every CONNECT, in arrival order. */
  connects: string[];
  close(): Promise<void>;
}

export interface InspectingProxyOptions {
  /** What the proxy presents to clients for every host (a leaf signed by the "corporate" CA). */
  cert: Buffer;
  key: Buffer;
  /** The CA the proxy itself trusts when it re-originates the connection to the real server. */
  upstreamCa: Buffer;
}

/**
 * A TLS-inspecting CONNECT proxy on loopback, as Zscaler and friends work: it answers `CONNECT
 * host:port` with 200, terminates the client's TLS with its own certificate, opens a second TLS
 * connection to the real server (verifying it against `upstreamCa`) and relays the decrypted bytes.
 * A client trusts the connection only if it trusts the proxy's CA.
 *
 * @example
 * const proxy = await startInspectingProxy({ ...tlsPair("corp-leaf"), upstreamCa: readFileSync(tlsPath("ca.pem")) });
 * // HTTPS_PROXY=proxy.url SSL_CERT_FILE=corp-ca.pem hf download ...
 */
export async function startInspectingProxy(options: InspectingProxyOptions): Promise<InspectingProxy> {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const presented = tls.createSecureContext({ cert: options.cert, key: options.key });
  const server: Server = createServer((_req, res) => {
    res.writeHead(405).end("this proxy only tunnels (CONNECT)\n");
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    connects.push(target);
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    const i = target.lastIndexOf(":");
    const host = target.slice(0, i);
    const port = Number(target.slice(i + 1));
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) client.unshift(head);
    const inner = new tls.TLSSocket(client, { isServer: true, secureContext: presented });
    const upstream = tls.connect({
      host,
      port,
      ca: options.upstreamCa,
      servername: net.isIP(host) ? undefined : host,
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    const fail = () => {
      inner.destroy();
      upstream.destroy();
      client.destroy();
    };
    inner.on("error", fail);
    upstream.on("error", fail);
    inner.pipe(upstream);
    upstream.pipe(inner);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
