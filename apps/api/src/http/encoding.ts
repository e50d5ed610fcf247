/** Content-coding negotiation and the compressors behind it (brotli, zstd, gzip). */
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { init as initZstd, compress as zstdCompress } from "@bokuweb/zstd-wasm";

export type Encoding = "br" | "zstd" | "gzip";
const SERVER_PREFERENCE: Encoding[] = ["br", "zstd", "gzip"];

/** The best coding the client accepts, or null for identity. Ties go to the smaller output. */
export function negotiateEncoding(acceptEncoding: string | undefined | null): Encoding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const wildcard = weights.get("*");
  let best: Encoding | null = null;
  let bestWeight = 0;
  for (const encoding of SERVER_PREFERENCE) {
    const weight = weights.get(encoding) ?? wildcard ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
let zstdReady: Promise<void> | undefined;

/** Compresses with settings tuned for small JSON on slow links: good ratio, little CPU. */
export async function compressBytes(data: Uint8Array, encoding: Encoding): Promise<Uint8Array> {
  switch (encoding) {
    case "br":
      return brotliAsync(data, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 5,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: data.byteLength,
        },
      });
    case "gzip":
      return gzipAsync(data, { level: 6 });
    case "zstd":
      zstdReady ??= initZstd();
      await zstdReady;
      return zstdCompress(data, 6);
  }
}
