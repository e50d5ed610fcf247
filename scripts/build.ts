/**
 * `pnpm build`: the API, the worker and the migration job as production runs them, one ES module
 * each in apps/api/dist, apps/worker/dist and dist (decision 0054; scripts/lib/bundle.ts). They run
 * from this checkout with its node_modules; `pnpm build:production <dir>` makes the smaller tree
 * the image carries (decision 0060).
 */
import { BUNDLES, type BundleName, bundle } from "./lib/bundle.ts";

await Promise.all(
  (Object.keys(BUNDLES) as BundleName[]).map(async (name) => {
    await bundle(name);
    const [first] = Object.keys(BUNDLES[name].entries);
    process.stdout.write(`built ${BUNDLES[name].dir}/${first}.js\n`);
  }),
);
