/**
 * `pnpm --filter @sira/web start`: Next's production server, plus brotli for the built scripts and
 * stylesheets. Next itself compresses with gzip only; the brotli files (written at build time by
 * scripts/budgets.ts, quality 11) are about 15 % smaller, which on EDGE is ~1 s of a first visit.
 * Everything else is Next's own handler (pages, proxy.ts, the API forwarding, public files).
 * WEB_HOST and WEB_PORT say where it listens (PORT belongs to the API in the shared .env).
 */
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";

const dir = dirname(fileURLToPath(import.meta.url));
const hostname = process.env.WEB_HOST ?? "127.0.0.1";
const port = Number(process.env.WEB_PORT ?? 3000);
const TYPES = { ".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

const app = next({ dev: false, dir, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

/** The precompressed file for /_next/static/… when the client takes brotli, else null. */
function brotliFile(req) {
  if ((req.method !== "GET" && req.method !== "HEAD") || !req.url?.startsWith("/_next/static/")) return null;
  if (!/\bbr\b/.test(String(req.headers["accept-encoding"] ?? ""))) return null;
  const path = normalize(decodeURIComponent(req.url.split("?")[0] ?? "").slice("/_next/".length));
  const type = TYPES[path.slice(path.lastIndexOf("."))];
  if (!type || path.startsWith("..") || !path.startsWith("static/")) return null;
  try {
    const file = join(dir, ".next", `${path}.br`);
    return { file, size: statSync(file).size, type };
  } catch {
    return null;
  }
}

/** Forwarding to the API through proxy.ts would name its internal address in this header: not sent. */
function hideRewriteTarget(res) {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) =>
    String(name).toLowerCase() === "x-middleware-rewrite" ? res : setHeader(name, value);
}

/**
 * The app forwards the browser's API calls (proxy.ts): like any proxy it appends the address it got
 * the request from to X-Forwarded-For, which the API reads with TRUST_PROXY_HOPS (decision 0063).
 */
function forwardedFor(req) {
  const previous = req.headers["x-forwarded-for"];
  const address = req.socket.remoteAddress ?? "";
  req.headers["x-forwarded-for"] = previous ? `${previous}, ${address}` : address;
}

const server = createServer((req, res) => {
  const br = brotliFile(req);
  if (!br) {
    forwardedFor(req);
    hideRewriteTarget(res);
    return void handle(req, res);
  }
  res.writeHead(200, {
    "content-type": br.type,
    "content-encoding": "br",
    "content-length": br.size,
    "cache-control": "public, max-age=31536000, immutable",
    vary: "Accept-Encoding",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") return void res.end();
  createReadStream(br.file).pipe(res);
});

server.listen(port, hostname, () => {
  process.stdout.write(`Sira web app ready on http://${hostname}:${port}\n`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
