/**
 * The production tree, for real: `pnpm build:production` (what the image's build stage runs) into
 * a temporary folder, then the migration job, the API and the worker started from that folder
 * with `node` alone, in production mode, as the image's final stage starts them (files in an
 * S3-compatible bucket, as compose's production profile keeps them). A fresh database is migrated
 * by it, an admin's PDF upload is stored in the bucket and indexed by it, and no dev dependency,
 * source file, test or demo file is in it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lstat, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ensureDatabase, readMigrations } from "@sira/infra/migrator";
import { dropDatabase, freePort, withDatabase } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../apps/api/test/helpers.ts";
import { bilingualPdf } from "../packages/domain/test/resources/helpers.ts";
import { courseAdmin } from "./e2e/courses.ts";
import { poll } from "./e2e/http.ts";
import { type LocalS3, startLocalS3 } from "./s3rver.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const base = process.env.DATABASE_URL_BASE ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const dbName = `sira_test_${process.env.SIRA_TEST_RUN}_prodtree_${process.env.VITEST_POOL_ID ?? "1"}`;
const databaseUrl = withDatabase(base, dbName);

let out: string;
let storage: string;
let bucket: LocalS3 | undefined;
const children: ChildProcess[] = [];

/** What production sets: no NODE_ENV default, the three secrets, nothing from the test runner. */
function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH as string,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL as string,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX as string,
    STORAGE_DIR: storage,
    JWT_SECRET: process.env.JWT_SECRET as string, // the harness signs the admin's token with it
    TOTP_ENCRYPTION_KEYS: `1:${randomBytes(32).toString("base64")}`,
    HASH_PEPPER: randomBytes(32).toString("base64"),
    LOG_LEVEL: "info",
    ...extra,
  };
}

/** Starts `node <args>` in the production tree; its output is kept for failure messages. */
function startNode(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, { cwd: out, env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Package names in a node_modules folder, scoped ones included. */
async function entries(folder: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(folder)) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@"))
      for (const scoped of await readdir(join(folder, entry))) names.push(`${entry}/${scoped}`);
    else names.push(entry);
  }
  return names;
}

/** Every file and link under `dir`, relative to `out`. */
async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else found.push(relative(out, path));
  }
  return found;
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const manifest = async (dir: string) => JSON.parse(await readFile(join(root, dir, "package.json"), "utf8")) as Manifest;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "sira-production-"));
  storage = await mkdtemp(join(tmpdir(), "sira-production-storage-"));
  await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/build-production.ts", out], {
    cwd: root,
  });
  await dropDatabase(base, dbName);
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await closeTestDeps();
  await dropDatabase(base, dbName);
  await rm(out, { recursive: true, force: true });
  await rm(storage, { recursive: true, force: true });
  await bucket?.close();
});

describe("the production tree", () => {
  it("holds the bundles, the migrations and the manifests Node needs, and no source, test or demo file", async () => {
    expect((await readdir(out)).sort()).toEqual([
      "apps",
      "dist",
      "node_modules",
      "package.json",
      "pnpm-workspace.yaml",
      "prisma",
    ]);
    const ours = [
      ...(await walk(join(out, "apps"))),
      ...(await walk(join(out, "dist"))),
      ...(await walk(join(out, "prisma"))),
    ];
    const outside = ours.filter((f) => !/\/node_modules\//.test(f));
    for (const file of outside) {
      expect(file).toMatch(
        /^(apps\/(api|worker)\/(dist\/[\w-]+\.js(\.map)?|package\.json)|dist\/migrate\.js(\.map)?|prisma\/migrations\/(\w+\/migration\.sql|migration_lock\.toml))$/,
      );
    }
    expect(outside).toEqual(
      expect.arrayContaining(["apps/api/dist/index.js", "apps/worker/dist/index.js", "dist/migrate.js"]),
    );
    // The demo seed and its documents are bundled into nothing production runs.
    for (const map of outside.filter((f) => f.endsWith(".map"))) {
      const { sources } = JSON.parse(await readFile(join(out, map), "utf8")) as { sources: string[] };
      expect(
        sources.filter((s) => /packages\/demo\/|\/test\//.test(s)),
        map,
      ).toEqual([]);
    }
  });

  it("holds no package that only development, tests or the admin console use", async () => {
    const workspace = [
      "apps/api",
      "apps/worker",
      ...(await readdir(join(root, "packages"))).map((p) => `packages/${p}`),
    ];
    const ours = new Set<string>();
    for (const dir of workspace) {
      for (const name of Object.keys((await manifest(dir)).dependencies ?? {})) ours.add(name);
    }
    // Named only by the root, a package's devDependencies or the admin console: unless a production
    // package depends on it, it must not be in the tree. These few never may.
    const never = ["prisma", "typescript", "tsx", "vitest", "esbuild", "@biomejs/biome", "next", "react"];
    const devOnly = new Set(never);
    for (const dir of [".", ...workspace, "apps/admin"]) {
      const { dependencies = {}, devDependencies = {} } = await manifest(dir);
      const named = Object.keys(devDependencies).concat(dir === "apps/admin" ? Object.keys(dependencies) : []);
      for (const name of named) if (!ours.has(name)) devOnly.add(name);
    }
    const store = join(out, "node_modules", ".pnpm");
    const needed = new Set<string>();
    const installed = new Map<string, string>(); // package name -> its folder
    for (const key of await readdir(store)) {
      if (key === "node_modules") continue;
      for (const name of await entries(join(store, key, "node_modules"))) {
        const dir = join(store, key, "node_modules", name);
        if ((await lstat(dir)).isSymbolicLink()) continue;
        installed.set(name, dir);
        const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as Record<string, object>;
        for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) needed.add(dep);
      }
    }
    expect(never.filter((name) => installed.has(name))).toEqual([]);
    expect([...devOnly].filter((name) => installed.has(name) && !needed.has(name))).toEqual([]);
    expect(devOnly.size).toBeGreaterThan(20);
  });

  it("migrates a fresh database with node dist/migrate.js", async () => {
    const all = (await readMigrations(join(root, "prisma", "migrations"))).map((m) => m.name);
    const job = startNode(["dist/migrate.js"], productionEnv());
    expect(await job.exited, job.output()).toBe(0);
    expect(job.output()).toContain("created database");
    expect(job.output()).toContain(`applied ${all.length} migration(s)`);
    expect(await ensureDatabase(databaseUrl)).toBe(false);
  });

  it("serves the API and indexes an upload on the worker, both started from the tree by node alone", async () => {
    bucket = await startLocalS3();
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const api = startNode(
      ["--enable-source-maps", "apps/api/dist/index.js"],
      productionEnv({ ...bucket.settings, PORT: String(port), WEB_CONCURRENCY: "1" }),
    );
    const worker = startNode(["--enable-source-maps", "apps/worker/dist/index.js"], productionEnv(bucket.settings));
    await poll(
      () =>
        fetch(`${origin}/health`).then(
          (r) => r.status,
          () => 0,
        ),
      (status) => status === 200 || api.child.exitCode !== null,
      "the API",
      { context: api.output },
    );
    await poll(
      async () => worker.output(),
      (text) => text.includes("Sira worker started") || worker.child.exitCode !== null,
      "the worker",
      { context: worker.output },
    );
    expect(api.child.exitCode, api.output()).toBeNull();
    expect(worker.child.exitCode, worker.output()).toBeNull();

    const ready = await fetch(`${origin}/health/ready`);
    expect(await ready.json()).toEqual({ status: "ready", checks: { postgres: "up", redis: "up", totp_keys: "up" } });
    // The docs' assets come from swagger-ui-dist through the app's own node_modules link.
    expect((await fetch(`${origin}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);

    const admin: SignedIn = await signIn(testDeps({ DATABASE_URL: databaseUrl }), { role: "admin" });
    const { createCourse, upload } = courseAdmin(origin, admin, (read, done, what) =>
      poll(read, done, what, { context: worker.output }),
    );
    const courseId = await createCourse("Santé communautaire", "Paludisme et réhydratation.");
    const resource = await upload(courseId, await bilingualPdf(), "guide.pdf");
    expect(resource).toMatchObject({ index_status: "done", page_count: 3 });
    expect(resource.chunk_count).toBeGreaterThan(0);
    // The upload went to the bucket (the AWS SDK loads from the tree), and the worker read it there.
    expect(bucket.requests).toContainEqual(expect.stringMatching(/^PUT \/sira-test\//));
    expect(bucket.requests).toContainEqual(expect.stringMatching(/^GET \/sira-test\//));

    api.child.kill("SIGTERM");
    worker.child.kill("SIGTERM");
    expect(await api.exited, api.output()).toBe(0);
    expect(await worker.exited, worker.output()).toBe(0);
  }, 120_000); // a bound on hanging: two processes start, then the worker indexes a PDF
});
