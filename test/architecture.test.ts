/** The layering rules of docs/architecture.md, checked on the source itself (decision 0036). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  bannedImports,
  cycles,
  dependentsOf,
  importsInto,
  importsOf,
  loadWorkspace,
  packageGraph,
  packagesImportingApps,
  sourcePaths,
  type Workspace,
} from "./architecture/workspace-graph.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const sources = (dir: string) => sourcePaths(root, dir);
const workspace = loadWorkspace(root);

const ioModules =
  /^(@sira\/(domain|ai|infra|api|worker)|node:(fs|net|http|child_process)|pg$|ioredis|bullmq|@prisma\/|hono)/;
const httpFrameworks = /^(hono|@hono\/|@trpc\/)/;
const domainBanned = /^(hono$|hono\/|@hono\/|@trpc\/|bullmq$|bullmq\/)/;

describe("package layering", () => {
  it("no file under packages/ imports an app, by name or by path, not even a type", () => {
    expect(packagesImportingApps(workspace)).toEqual([]);
  });

  it("no cycle between workspace packages (package.json dependencies plus real imports)", () => {
    const graph = packageGraph(workspace);
    expect(graph.get("@sira/api")?.has("@sira/contracts")).toBe(true);
    expect(cycles(graph)).toEqual([]);
  });

  it("no app or other package loads the demo data: only scripts and tests do (decision 0037)", () => {
    expect(dependentsOf(packageGraph(workspace), "@sira/demo")).toEqual([]);
  });

  it("contracts and algorithms hold no server code and no I/O", () => {
    expect(bannedImports(workspace, "packages/contracts/src", ioModules, { runtimeOnly: true })).toEqual([]);
    expect(bannedImports(workspace, "packages/algorithms/src", ioModules, { runtimeOnly: true })).toEqual([]);
  });

  it("domain never imports Hono, tRPC or BullMQ, and ai never sees an HTTP framework (types included)", () => {
    expect(bannedImports(workspace, "packages/domain", domainBanned)).toEqual([]);
    expect(bannedImports(workspace, "packages/ai", httpFrameworks)).toEqual([]);
  });

  it("domain content never imports learning; access and the unlock rule import neither (decision 0040)", () => {
    expect(domainLayerBreaches(workspace)).toEqual([]);
  });

  it("in the API, definitions and tRPC import nothing from the hand-written REST routes (decision 0039)", () => {
    expect(apiLayerBreaches(workspace)).toEqual([]);
  });
});

/** The API's layers: endpoint lists and their machinery, and tRPC, sit below the hand-written routes. */
function apiLayerBreaches(ws: Workspace): string[] {
  const src = "apps/api/src";
  return ["endpoints", "definition", "trpc"].flatMap((low) => importsInto(ws, `${src}/${low}`, `${src}/rest`));
}

/** Learning may use content (generation, cache, the lesson target); content, access and unlock stay below it. */
function domainLayerBreaches(ws: Workspace): string[] {
  const src = "packages/domain/src";
  return [
    ...importsInto(ws, `${src}/content`, `${src}/learning`),
    ...["access", "unlock"].flatMap((low) =>
      ["content", "learning"].flatMap((high) => importsInto(ws, `${src}/${low}`, `${src}/${high}`)),
    ),
  ];
}

/** A small workspace in memory, so each rule is seen to fail on the import it forbids. */
function fixture(files: Record<string, string>, deps: Record<string, string[]> = {}): Workspace {
  const packages = [
    { name: "@sira/api", dir: "apps/api" },
    { name: "@sira/worker", dir: "apps/worker" },
    { name: "@sira/contracts", dir: "packages/contracts" },
    { name: "@sira/demo", dir: "packages/demo" },
    { name: "@sira/domain", dir: "packages/domain" },
    { name: "@sira/infra", dir: "packages/infra" },
  ].map((p) => ({ ...p, dependencies: deps[p.name] ?? [] }));
  return { packages, files: Object.entries(files).map(([path, text]) => ({ path, text })) };
}

describe("the layering rules catch what they forbid", () => {
  it("reads every kind of import, and nothing in comments or strings", () => {
    const refs = importsOf({
      path: "x.ts",
      text: [
        'import type { A } from "a";',
        'import { type B, c } from "b";',
        'export type { D } from "d";',
        'export * from "e";',
        'import "f";',
        'const g = await import("g");',
        'let h: import("h").H;',
        '// import x from "../../apps/api/src/app.ts"',
        "const s = 'from \"apps/worker\"';",
      ].join("\n"),
    });
    expect(refs).toEqual([
      { specifier: "a", typeOnly: true },
      { specifier: "b", typeOnly: false },
      { specifier: "d", typeOnly: true },
      { specifier: "e", typeOnly: false },
      { specifier: "f", typeOnly: false },
      { specifier: "g", typeOnly: false },
      { specifier: "h", typeOnly: true },
    ]);
  });

  it("flags a package importing an app by name, by relative path or by an import() type", () => {
    const ws = fixture({
      "packages/contracts/src/app-router.ts": 'export type { AppRouter } from "../../../apps/api/src/trpc/router.ts";',
      "packages/domain/src/jobs.ts": 'import { processors } from "@sira/worker";',
      "packages/infra/src/router.ts": 'export type R = import("@sira/api/router").AppRouter;',
      "packages/domain/src/ok.ts":
        'import { z } from "zod";\nimport { db } from "@sira/infra";\nimport "./apps/local.ts";',
      "apps/api/src/app.ts": 'import { AppError } from "@sira/contracts";',
    });
    expect(packagesImportingApps(ws)).toEqual([
      "packages/contracts/src/app-router.ts → ../../../apps/api/src/trpc/router.ts",
      "packages/domain/src/jobs.ts → @sira/worker",
      "packages/infra/src/router.ts → @sira/api/router",
    ]);
  });

  it("finds a cycle made by an import against a declared dependency, and one made by dependencies alone", () => {
    const typeCycle = fixture(
      {
        "packages/contracts/src/app-router.ts":
          'export type { AppRouter } from "../../../apps/api/src/trpc/router.ts";',
      },
      { "@sira/api": ["@sira/contracts", "@sira/domain", "hono"] },
    );
    expect(cycles(packageGraph(typeCycle))).toEqual(["@sira/api → @sira/contracts → @sira/api"]);

    const declared = fixture(
      {},
      { "@sira/domain": ["@sira/infra"], "@sira/infra": ["@sira/contracts"], "@sira/contracts": ["@sira/domain"] },
    );
    expect(cycles(packageGraph(declared))).toEqual(["@sira/contracts → @sira/domain → @sira/infra → @sira/contracts"]);

    const layered = fixture(
      { "packages/domain/src/a.ts": 'import { db } from "@sira/infra/db";\nimport { x } from "./b.ts";' },
      { "@sira/api": ["@sira/domain", "@sira/contracts"], "@sira/domain": ["@sira/infra", "@sira/contracts"] },
    );
    expect(cycles(packageGraph(layered))).toEqual([]);
  });

  it("finds what depends on the demo data, by declaration, by name or by path, but not the demo's own imports", () => {
    const ws = fixture(
      {
        "apps/api/src/dev.ts": 'import { seedDemo } from "@sira/demo";',
        "apps/worker/test/corpus.ts": 'const doc = await import("../../../packages/demo/src/documents.ts");',
        "packages/demo/src/seed.ts":
          'import { authKeys } from "@sira/domain";\nimport { DEMO_USERS } from "./content.ts";',
      },
      { "@sira/infra": ["@sira/demo"], "@sira/demo": ["@sira/domain"] },
    );
    expect(dependentsOf(packageGraph(ws), "@sira/demo").sort()).toEqual(["@sira/api", "@sira/infra", "@sira/worker"]);
    expect(
      dependentsOf(packageGraph(fixture({ "packages/demo/src/seed.ts": 'import "@sira/domain";' })), "@sira/demo"),
    ).toEqual([]);
  });

  it("flags content importing learning, and access or unlock importing either, even for a type", () => {
    const ws = fixture({
      "packages/domain/src/content/target.ts": 'import { assertModuleUnlocked } from "../learning/progress/lock.ts";',
      "packages/domain/src/access/learner.ts": 'import type { CacheKey } from "../content/cache-key.ts";',
      "packages/domain/src/unlock/rules.ts": 'import { x } from "../learning/progress/read.ts";',
      "packages/domain/src/learning/quiz/bank.ts":
        'import { findCachedContent } from "../../content/cache.ts";\nimport { y } from "../../access/learner.ts";',
      "packages/domain/src/content/lessons.ts": 'import { z } from "../access/learner.ts";',
    });
    expect(domainLayerBreaches(ws)).toEqual([
      "packages/domain/src/content/target.ts → ../learning/progress/lock.ts",
      "packages/domain/src/access/learner.ts → ../content/cache-key.ts",
      "packages/domain/src/unlock/rules.ts → ../learning/progress/read.ts",
    ]);
  });

  it("flags an endpoint list or a tRPC router importing a hand-written REST route", () => {
    const ws = fixture({
      "apps/api/src/trpc/router.ts": 'import { lessonStreamPath } from "../rest/lessons.ts";',
      "apps/api/src/endpoints/lessons.ts": 'import type { X } from "../rest/lessons.ts";',
      "apps/api/src/rest/lessons.ts": 'import { contentEndpoints } from "../endpoints/lessons.ts";',
      "apps/api/src/definition/rest.ts": 'import { etag } from "../http/etag.ts";',
    });
    expect(apiLayerBreaches(ws)).toEqual([
      "apps/api/src/endpoints/lessons.ts → ../rest/lessons.ts",
      "apps/api/src/trpc/router.ts → ../rest/lessons.ts",
    ]);
  });

  it("flags domain importing Hono, tRPC or BullMQ, even for a type", () => {
    const ws = fixture({
      "packages/domain/src/a.ts": 'import type { Context } from "hono";',
      "packages/domain/src/b.ts": 'import { TRPCError } from "@trpc/server";',
      "packages/domain/test/c.ts": 'import type { Job } from "bullmq";',
      "packages/domain/src/ok.ts":
        'import { getQueue } from "@sira/infra";\nimport { honorific } from "./honorific.ts";',
    });
    expect(bannedImports(ws, "packages/domain", domainBanned)).toEqual([
      "packages/domain/src/a.ts → hono",
      "packages/domain/src/b.ts → @trpc/server",
      "packages/domain/test/c.ts → bullmq",
    ]);
  });
});

describe("project rules", () => {
  const code = [...sources("apps"), ...sources("packages")].filter((f) => !/\.test\.ts$|\/test\//.test(f));

  it("logs through pino, never console", () => {
    const hits = code.filter((f) =>
      /\bconsole\.(log|debug|info|warn|error)\(/.test(readFileSync(join(root, f), "utf8")),
    );
    expect(hits).toEqual([]);
  });

  it("changes the schema only through migrations", () => {
    const all = [...code, ...sources("scripts"), ...sources("test")].filter((f) => f !== "test/architecture.test.ts");
    const hits = all.filter((f) =>
      /prisma\s+db\s+push|\$executeRawUnsafe|\$queryRawUnsafe/.test(readFileSync(join(root, f), "utf8")),
    );
    expect(hits).toEqual([]);
  });

  it("gives the transaction type, the embedding width and the chunk writes one owner each (decision 0037)", () => {
    const owned: [owner: string, pattern: RegExp][] = [
      ["packages/infra/src/db.ts", /\bTransactionClient\b/],
      ["packages/ai/src/rag/vector-literal.ts", /\bEMBEDDING_DIMENSIONS\s*=/],
      [
        "packages/ai/src/rag/chunk-store.ts",
        /\b(INSERT\s+INTO|DELETE\s+FROM|UPDATE)\s+document_chunks\b|\bdocumentChunk\.(create|update|upsert|delete)/i,
      ],
    ];
    for (const [owner, pattern] of owned) {
      const holders = code.filter((f) => pattern.test(readFileSync(join(root, f), "utf8")));
      expect(holders).toEqual([owner]);
    }
  });

  it("queues, reads and fails jobs through the one job registry (decision 0041)", () => {
    const owned: [owners: string[], pattern: RegExp][] = [
      // The queue's owner, the producers' one door, and the worker's schedules (queue from the registry).
      [
        ["apps/worker/src/index.ts", "packages/domain/src/jobs/enqueue.ts", "packages/infra/src/queues.ts"],
        /\bgetQueue\(/,
      ],
      [["packages/domain/src/jobs/enqueue.ts"], /\benqueueOnce\(/],
      [["apps/worker/src/dispatch.ts"], /\bjob\.data\b|\bnew UnrecoverableError\(/],
    ];
    for (const [owners, pattern] of owned) {
      const holders = code.filter((f) => pattern.test(readFileSync(join(root, f), "utf8")));
      expect(holders.sort()).toEqual(owners);
    }
  });
});
