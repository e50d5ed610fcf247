/**
 * `pnpm build:production <dir>`: the files production runs, and nothing else (decision 0060).
 * The image's build stage makes this tree and its final stage copies only it.
 *
 *   <dir>/apps/api/dist, apps/worker/dist, dist/migrate.js   the bundles (scripts/lib/bundle.ts)
 *   <dir>/prisma/migrations                                  what the migration job applies
 *   <dir>/node_modules/.pnpm/…                               the npm packages they load, laid out
 *                                                            as pnpm laid them out here
 *   <dir>/package.json, apps/{api,worker}/package.json, pnpm-workspace.yaml
 *
 * The packages are the ones the bundles import and those packages' own dependencies and optional
 * dependencies, found from each package's manifest and pnpm's links beside it. Peer dependencies
 * are linked only when a production package brings them: `pnpm install --prod` would also install
 * every peer the lockfile resolved, which brings the Prisma CLI, TypeScript and React (peers of
 * @prisma/client and @trpc/server, for their command line and types) into production.
 */
import { cp, lstat, mkdir, readdir, readFile, realpath, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { bundleAll, ROOT } from "./lib/bundle.ts";

const STORE = join(ROOT, "node_modules", ".pnpm");
const APPS = ["api", "worker"] as const;

interface Manifest {
  name: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

async function readManifest(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as Manifest;
}

/** The package folder a file belongs to: `…/node_modules/<name>` or `…/node_modules/@scope/<name>`. */
function packageRoot(file: string): string {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) throw new Error(`${file} is not inside node_modules`);
  const [first = "", second = ""] = file.slice(at + marker.length).split(sep);
  return file.slice(0, at + marker.length) + (first.startsWith("@") ? join(first, second) : first);
}

/** The folder holding a package and pnpm's links to what it depends on (`.pnpm/<key>/node_modules`). */
function linksFolder(pkg: string): string {
  const marker = `${sep}node_modules${sep}`;
  return pkg.slice(0, pkg.lastIndexOf(marker) + marker.length - 1);
}

/** The entries of a node_modules folder by package name (scoped ones included). */
async function entries(folder: string): Promise<string[]> {
  if (!(await exists(folder))) return [];
  const names: string[] = [];
  for (const entry of await readdir(folder)) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) {
      for (const scoped of await readdir(join(folder, entry))) names.push(`${entry}/${scoped}`);
    } else names.push(entry);
  }
  return names;
}

/** The npm packages production needs: what the bundles import, what the apps name, and their dependencies. */
async function packageClosure(imported: Set<string>): Promise<{ packages: Set<string>; missing: string[] }> {
  const packages = new Set<string>();
  const missing: string[] = [];
  const queue: string[] = [];
  const add = (pkg: string) => {
    if (packages.has(pkg)) return;
    if (!pkg.startsWith(STORE + sep)) throw new Error(`${pkg} is not in ${STORE}`);
    packages.add(pkg);
    queue.push(pkg);
  };
  for (const file of imported) add(await realpath(packageRoot(file)));
  for (const app of APPS) {
    for (const [name, spec] of Object.entries((await readManifest(join(ROOT, "apps", app))).dependencies ?? {})) {
      if (!spec.startsWith("workspace:")) add(await realpath(join(ROOT, "apps", app, "node_modules", name)));
    }
  }
  for (let pkg = queue.shift(); pkg; pkg = queue.shift()) {
    const manifest = await readManifest(pkg);
    const optional = manifest.optionalDependencies ?? {};
    for (const name of Object.keys({ ...manifest.dependencies, ...optional })) {
      const link = join(linksFolder(pkg), name);
      if (await exists(link)) add(await realpath(link));
      else if (!(name in optional)) missing.push(`${manifest.name} -> ${name}`); // optional: not for this platform
    }
  }
  return { packages, missing };
}

/** Recreates the link at `from` (relative to ROOT) in `out`, pointing where the original points. */
async function copyLink(out: string, from: string, target: string): Promise<void> {
  const at = join(out, relative(ROOT, from));
  await mkdir(dirname(at), { recursive: true });
  await symlink(relative(dirname(at), join(out, relative(ROOT, target))), at);
}

/** Copies the packages and recreates pnpm's links between them; returns the names left out. */
async function copyPackages(out: string, packages: Set<string>): Promise<string[]> {
  const leftOut = new Set<string>();
  const linkIfKept = async (from: string) => {
    if (!(await lstat(from)).isSymbolicLink()) return;
    const target = await realpath(from);
    if (packages.has(target)) await copyLink(out, from, target);
    else leftOut.add(relative(linksFolder(target), target));
  };
  for (const pkg of packages) {
    await cp(pkg, join(out, relative(ROOT, pkg)), { recursive: true, verbatimSymlinks: true });
  }
  const folders = new Set([...packages].map(linksFolder));
  for (const folder of folders) {
    for (const name of await entries(folder)) await linkIfKept(join(folder, name));
  }
  // pnpm's hoisted links (.pnpm/node_modules), which packages with undeclared imports rely on.
  for (const name of await entries(join(STORE, "node_modules"))) {
    const from = join(STORE, "node_modules", name);
    if ((await lstat(from)).isSymbolicLink() && packages.has(await realpath(from))) {
      await copyLink(out, from, await realpath(from));
    }
  }
  // Each app's own links: what createRequire(import.meta.url) in a bundle resolves (swagger-ui-dist).
  for (const app of APPS) {
    for (const name of await entries(join(ROOT, "apps", app, "node_modules"))) {
      const from = join(ROOT, "apps", app, "node_modules", name);
      if ((await lstat(from)).isSymbolicLink() && packages.has(await realpath(from).catch(() => ""))) {
        await copyLink(out, from, await realpath(from));
      }
    }
  }
  return [...leftOut].sort();
}

/** The manifests Node needs: `"type": "module"` for the bundles, and the marker the settings look for. */
async function writeManifests(out: string): Promise<void> {
  const root = await readManifest(ROOT);
  const write = (path: string, manifest: object) =>
    writeFile(join(out, path), `${JSON.stringify(manifest, null, 2)}\n`, { flag: "wx" });
  await write("package.json", { name: root.name, private: true, type: "module" });
  for (const app of APPS) {
    const { name, version } = await readManifest(join(ROOT, "apps", app));
    await write(join("apps", app, "package.json"), { name, version, private: true, type: "module" });
  }
  await cp(join(ROOT, "pnpm-workspace.yaml"), join(out, "pnpm-workspace.yaml"));
  await cp(join(ROOT, "prisma", "migrations"), join(out, "prisma", "migrations"), { recursive: true });
}

async function sizeOf(path: string): Promise<number> {
  const stat = await lstat(path);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

const target = process.argv[2];
if (!target) {
  process.stderr.write("usage: pnpm build:production <empty or new directory>\n");
  process.exit(2);
}
const out = resolve(target);
if ((await exists(out)) && (await readdir(out)).length > 0) {
  process.stderr.write(`${out} is not empty: give a new or empty directory\n`);
  process.exit(2);
}
await mkdir(out, { recursive: true });

const imported = await bundleAll(out);
const { packages, missing } = await packageClosure(imported);
if (missing.length) {
  process.stderr.write(`dependencies pnpm did not install:\n  ${missing.join("\n  ")}\n`);
  process.exit(1);
}
const leftOut = await copyPackages(out, packages);
await writeManifests(out);
// A link that points nowhere would fail only when the code path that loads it runs.
for (const folder of new Set([...packages].map(linksFolder))) {
  for (const name of await entries(join(out, relative(ROOT, folder)))) {
    const link = join(out, relative(ROOT, folder), name);
    if (!(await lstat(link)).isSymbolicLink()) continue;
    if (!(await exists(await realpath(link).catch(() => "")))) throw new Error(`${link} points nowhere`);
  }
}
const mib = (await sizeOf(join(out, "node_modules"))) / 2 ** 20;
process.stdout.write(
  `production tree in ${out}: ${packages.size} packages (${mib.toFixed(0)} MiB)\n` +
    `left out (peers no production package brings): ${leftOut.join(", ") || "none"}\n`,
);
