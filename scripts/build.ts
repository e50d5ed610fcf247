/**
 * `pnpm build`: the API and the worker as production runs them, one ES module each in
 * apps/<app>/dist (decision 0054). esbuild bundles the workspace's TypeScript (our packages export
 * their sources) and leaves every npm package outside the bundle: each import of one is rewritten
 * to the file Node would load for it, relative to dist, so the bundle runs from the repository
 * (or the image) it was built in, with its node_modules, without a package of its own.
 * The text-extraction thread is its own entry (it is started from a file, not imported).
 */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));

/** npm packages stay outside the bundle, imported by the path of the file they resolve to. */
function externalPackages(outdir: string): Plugin {
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
        let path = relative(outdir, resolved.path);
        if (!path.startsWith(".")) path = `./${path}`;
        return { path, external: true };
      });
    },
  };
}

async function bundle(app: "api" | "worker"): Promise<void> {
  const outdir = join(root, "apps", app, "dist");
  await build({
    absWorkingDir: root,
    entryPoints: {
      index: join(root, "apps", app, "src/index.ts"),
      "extract-worker": join(root, "packages/domain/src/resources/extract-worker.ts"),
    },
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    sourcemap: true,
    logLevel: "warning",
    plugins: [externalPackages(outdir)],
  });
  process.stdout.write(`built ${relative(root, outdir)}/index.js\n`);
}

await Promise.all([bundle("api"), bundle("worker")]);
