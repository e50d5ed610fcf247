/**
 * After `next build`: the JavaScript each page loads on a first visit (the framework's shared
 * files plus the page's own), compressed as the app serves it (brotli, precompressed here next to
 * each file; gzip for clients without it), against the 150 KB budget; and the inline CSS every
 * page carries in its HTML. The catalog's HTML + CSS budget (30 KB) needs a rendered page: the
 * browser tests and `pnpm bench:web` measure it. Prints a table; `--strict` exits 1 over budget.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));
const next = join(root, ".next");
export const JS_BUDGET_BYTES = 150 * 1024;

function walk(dir: string, keep: (file: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}

/** Precompresses every script and stylesheet (brotli 11), as server.mjs serves them. */
function precompress(): void {
  for (const file of walk(join(next, "static"), (f) => /\.(js|css)$/.test(f))) {
    const bytes = readFileSync(file);
    writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}

const sizes = new Map<string, { raw: number; gzip: number; brotli: number }>();
function sizeOf(file: string) {
  let size = sizes.get(file);
  if (!size) {
    const bytes = readFileSync(join(next, file));
    size = {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 6 }).length,
      brotli: readFileSync(join(next, `${file}.br`)).length,
    };
    sizes.set(file, size);
  }
  return size;
}

interface RouteReport {
  route: string;
  files: number;
  raw: number;
  gzip: number;
  brotli: number;
  css: number;
}

export function routeReports(): RouteReport[] {
  const manifest = JSON.parse(readFileSync(join(next, "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const reports: RouteReport[] = [];
  for (const file of walk(join(next, "server", "app"), (f) => f.endsWith("page_client-reference-manifest.js"))) {
    const sandbox = { self: {} as Record<string, unknown>, globalThis: {} as Record<string, unknown> };
    new Function("self", "globalThis", readFileSync(file, "utf8"))(sandbox.self, sandbox.globalThis);
    const manifests = (sandbox.globalThis.__RSC_MANIFEST ?? sandbox.self.__RSC_MANIFEST) as Record<
      string,
      { entryJSFiles: Record<string, string[]>; entryCSSFiles: Record<string, { path: string; content?: string }[]> }
    >;
    for (const [route, m] of Object.entries(manifests)) {
      if (route.includes("_not-found") || route.includes("_global-error")) continue;
      const files = new Set([...manifest.rootMainFiles, ...Object.values(m.entryJSFiles).flat()]);
      const css = new Set(
        Object.values(m.entryCSSFiles)
          .flat()
          .map((c) => c.content ?? ""),
      );
      const total = { raw: 0, gzip: 0, brotli: 0 };
      for (const f of files) {
        const s = sizeOf(f);
        total.raw += s.raw;
        total.gzip += s.gzip;
        total.brotli += s.brotli;
      }
      const cssBytes = [...css].reduce((sum, text) => sum + gzipSync(text).length, 0);
      reports.push({ route: route.replace(/\/page$/, "") || "/", files: files.size, ...total, css: cssBytes });
    }
  }
  return reports.sort((a, b) => a.route.localeCompare(b.route));
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === "") {
  precompress();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const reports = routeReports();
  const over = reports.filter((r) => r.brotli > JS_BUDGET_BYTES);
  process.stdout.write(
    "\nFirst-visit JavaScript per page (brotli as served; gzip for clients without it), budget 150 KB:\n",
  );
  for (const r of reports) {
    process.stdout.write(
      `  ${r.brotli > JS_BUDGET_BYTES ? "OVER" : "ok  "} ${r.route.padEnd(42)} ${kb(r.brotli).padStart(9)} br  ${kb(r.gzip).padStart(9)} gz  ${kb(r.raw).padStart(9)} raw  ${String(r.files).padStart(2)} files  css ${kb(r.css)} gz (inline)\n`,
    );
  }
  process.stdout.write(
    over.length ? `${over.length} page(s) over the JavaScript budget\n` : "every page within the JavaScript budget\n",
  );
  if (over.length && process.argv.includes("--strict")) process.exit(1);
}
