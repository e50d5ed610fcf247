/**
 * s3rver as its own process, for test/s3rver.ts: serves `<directory>` on 127.0.0.1 at a free
 * port with one bucket, prints `{"port":…}` once listening, then one `{"request":"GET /…"}` line
 * per request it receives. Run with --openssl-legacy-provider: s3rver encrypts its listing
 * continuation tokens with DES, which OpenSSL 3 leaves out by default.
 */
import S3rver from "s3rver";

const [directory, bucket] = process.argv.slice(2);
if (!directory || !bucket) throw new Error("usage: s3rver-server.ts <directory> <bucket>");
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory,
  configureBuckets: [{ name: bucket, configs: [] }],
});
const address = (await server.run()) as unknown as { port: number };
const http = (server as unknown as { httpServer: import("node:http").Server }).httpServer;
http.on("request", (req) => process.stdout.write(`${JSON.stringify({ request: `${req.method} ${req.url}` })}\n`));
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
