/** The layering rules of docs/architecture.md, checked on the source itself. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!["node_modules", "generated", "dist"].includes(entry.name)) out.push(...sources(path));
    } else if (/\.ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** Runtime imports (type-only imports and re-exports are erased and never reach a bundle). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gms)) {
    if (!m[2]) found.push(m[3] as string);
  }
  for (const m of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) found.push(m[1] as string);
  return found;
}

const violations = (dir: string, banned: RegExp) =>
  sources(dir).flatMap((f) =>
    runtimeImports(f)
      .filter((i) => banned.test(i))
      .map((i) => `${relative(root, join(root, f))} → ${i}`),
  );

describe("package layering", () => {
  it("packages never import an app at run time", () => {
    expect(violations("packages", /(^@sira\/(api|worker)\b)|apps\//)).toEqual([]);
  });

  it("contracts and algorithms hold no server code and no I/O", () => {
    const io =
      /^(@sira\/(domain|ai|infra|api|worker)|node:(fs|net|http|child_process)|pg$|ioredis|bullmq|@prisma\/|hono)/;
    expect(violations("packages/contracts/src", io)).toEqual([]);
    expect(violations("packages/algorithms/src", io)).toEqual([]);
  });

  it("domain and ai never see HTTP frameworks", () => {
    const http = /^(hono|@hono\/|@trpc\/)/;
    expect(violations("packages/domain/src", http)).toEqual([]);
    expect(violations("packages/ai/src", http)).toEqual([]);
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
});
