/**
 * The compiled entry points (decision 0054): the API, the worker and the migration job, one ES
 * module each. esbuild bundles the workspace's TypeScript (our packages export their sources) and
 * leaves every npm package outside the bundle: each import of one is rewritten to the file Node
 * would load for it, relative to the bundle's folder in this repository, so the bundle runs from a
 * tree laid out like this one (the checkout, or the production tree of scripts/build-production.ts)
 * with its node_modules, without a package of its own.
 * The text-extraction thread is its own entry (it is started from a file, not imported).
 */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Each bundle: its entry files and its folder, relative to the repository root. */
export const BUNDLES = {
  api: {
    dir: "apps/api/dist",
    entries: { index: "apps/api/src/index.ts", "extract-worker": "packages/domain/src/resources/extract-worker.ts" },
  },
  worker: {
    dir: "apps/worker/dist",
    entries: {
      index: "apps/worker/src/index.ts",
      "extract-worker": "packages/domain/src/resources/extract-worker.ts",
    },
  },
  // `node dist/migrate.js`: the release job, which finds prisma/migrations beside dist.
  migrate: { dir: "dist", entries: { migrate: "scripts/migrate.ts" } },
} as const;

export type BundleName = keyof typeof BUNDLES;

/**
 * npm packages stay outside the bundle, imported by the path of the file they resolve to; every
 * such file is added to `imported` (absolute paths), so a production tree knows what to carry.
 */
function externalPackages(dir: string, imported: Set<string>): Plugin {
  return {
    name: "external-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith("node:") || args.pluginData === "resolving") return undefined;
        if (args.path.startsWith("@sira/")) return undefined; // workspace sources: bundled
        const resolved = await b.resolve(args.path, {
          importer: args.importer,
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: "resolving",
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.external || !resolved.path.includes("/node_modules/")) return resolved;
        imported.add(resolved.path);
        let path = relative(dir, resolved.path);
        if (!path.startsWith(".")) path = `./${path}`;
        return { path, external: true };
      });
    },
  };
}

/**
 * Bundles one entry point into `<outRoot>/<its dir>`; the npm imports are relative to its dir in
 * this repository, so `outRoot` must be this repository or a tree that mirrors its layout.
 * Returns the npm files the bundle imports.
 */
export async function bundle(name: BundleName, outRoot = ROOT): Promise<Set<string>> {
  const { dir, entries } = BUNDLES[name];
  const imported = new Set<string>();
  await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([out, src]) => [out, join(ROOT, src)])),
    outdir: join(outRoot, dir),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    sourcemap: true,
    logLevel: "warning",
    plugins: [externalPackages(join(ROOT, dir), imported)],
  });
  return imported;
}

/** Every bundle into `outRoot`; the npm files they import, together. */
export async function bundleAll(outRoot = ROOT): Promise<Set<string>> {
  const names = Object.keys(BUNDLES) as BundleName[];
  const sets = await Promise.all(names.map((name) => bundle(name, outRoot)));
  return new Set(sets.flatMap((set) => [...set]));
}
