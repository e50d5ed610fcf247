/**
 * Builds the service worker after `next build`: src/sw.ts bundled with esbuild, then Serwist's
 * injectManifest writes the precache list into it: every script and stylesheet Next built (hashed
 * names, so cached for good), the offline page, the manifest and the icons.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { injectManifest } from "@serwist/build";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const buildId = readFileSync(`${root}.next/BUILD_ID`, "utf8").trim();
const out = `${root}public/sw.js`;

await build({
  entryPoints: [`${root}src/sw.ts`],
  outfile: out,
  bundle: true,
  format: "iife",
  target: "es2020",
  minify: true,
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});

const { count, size, warnings } = await injectManifest({
  swSrc: out,
  swDest: out,
  globDirectory: `${root}.next`,
  globPatterns: ["static/**/*.{js,css}"],
  globIgnores: ["**/*.map", "**/_buildManifest.js", "**/_ssgManifest.js", "**/_clientMiddlewareManifest.js"],
  modifyURLPrefix: { "static/": "/_next/static/" },
  dontCacheBustURLsMatching: /^\/_next\/static\//,
  maximumFileSizeToCacheInBytes: 1024 * 1024,
  additionalPrecacheEntries: [
    { url: "/offline", revision: buildId },
    { url: "/manifest.webmanifest", revision: buildId },
    { url: "/icons/icon.svg", revision: buildId },
    { url: "/icons/icon-192.png", revision: buildId },
    { url: "/icons/icon-512.png", revision: buildId },
  ],
});
for (const warning of warnings) process.stderr.write(`service worker: ${warning}\n`);
process.stdout.write(
  `service worker: public/sw.js precaches ${count} files (${Math.round(size / 1024)} KB before compression)\n`,
);
