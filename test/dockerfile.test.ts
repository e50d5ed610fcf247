/**
 * The production image, read from its Dockerfile (no Docker on the CI machine): a multi-stage
 * build whose final stage copies only the production tree, runs as an unprivileged user and has a
 * healthcheck, and a build context that leaves secrets, local state and tests out.
 * test/production-build.test.ts runs that tree for real.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), "utf8");

/** Instructions with their continuation lines joined, comments dropped, grouped by stage. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    const continued = line.endsWith("\\");
    current += `${continued ? line.slice(0, -1) : line} `;
    if (!continued) {
      if (current.trim()) logical.push(current.trim().replace(/\s+/g, " "));
      current = "";
    }
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [op = "", ...rest] = line.split(" ");
    const args = rest.join(" ");
    if (op.toUpperCase() === "FROM") {
      const [, from = "", name = ""] = /^(\S+)(?: AS (\S+))?$/i.exec(args) ?? [];
      stages.push({ name, from, instructions: [] });
    } else stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

const stages = parseDockerfile(read("Dockerfile"));
const final = stages.at(-1) as Stage;
const stageNames = new Set(stages.map((s) => s.name));
const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op);

/** The stage a stage starts from, followed back to the base image. */
function ancestry(stage: Stage): string[] {
  const chain = [stage.name];
  for (let from = stage.from; stageNames.has(from); ) {
    chain.push(from);
    from = stages.find((s) => s.name === from)?.from ?? "";
  }
  return chain;
}

describe("the Dockerfile", () => {
  it("is a multi-stage build whose final stage, runtime, does not start from the build stages", () => {
    expect(stages.map((s) => s.name)).toEqual(["system", "base", "deps", "build", "runtime"]);
    expect(final.name).toBe("runtime");
    // system has Node and the Debian tools; base adds pnpm, deps the packages, build the workspace.
    expect(ancestry(final)).toEqual(["runtime", "system"]);
    expect(ops(stages[0] as Stage, "RUN").map((r) => r.args)).toEqual([
      expect.stringMatching(/apt-get install .*tesseract-ocr .*poppler-utils .*espeak-ng opus-tools lame/),
    ]);
  });

  it("compiles in the build stage and makes the production tree there", () => {
    const build = stages.find((s) => s.name === "build") as Stage;
    const run = ops(build, "RUN")
      .map((r) => r.args)
      .join(" && ");
    expect(run).toContain("pnpm install --frozen-lockfile --offline");
    expect(run).toContain("pnpm -s build ");
    expect(run).toContain("pnpm -s build:production /out");
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["build:production"]).toBe("tsx scripts/build-production.ts");
  });

  it("copies only the production tree into the final stage, and installs nothing there", () => {
    expect(ops(final, "COPY").map((c) => c.args)).toEqual(["--from=build /out /app"]);
    expect(ops(final, "ADD")).toEqual([]);
    for (const { args } of ops(final, "RUN")) {
      expect(args).not.toMatch(/\b(pnpm|npm|yarn|npx|corepack)\s+(install|add|i|ci|fetch)\b/);
    }
    // The package managers of the base image are removed.
    expect(ops(final, "RUN").map((r) => r.args)).toContainEqual(
      expect.stringMatching(/^rm -rf \/usr\/local\/lib\/node_modules \/usr\/local\/bin\/npm \/usr\/local\/bin\/npx/),
    );
    expect(ops(final, "ENV").map((e) => e.args)).toContainEqual(expect.stringContaining("NODE_ENV=production"));
  });

  it("runs as the unprivileged node user from its USER instruction to the end", () => {
    const users = ops(final, "USER");
    expect(users.map((u) => u.args)).toEqual(["node"]);
    const at = final.instructions.findIndex((i) => i.op === "USER");
    const after = final.instructions.slice(at + 1).map((i) => i.op);
    expect(after).not.toContain("RUN");
    expect(after).not.toContain("COPY");
    expect(after).toContain("CMD");
  });

  it("has a healthcheck on the API's /health and starts node itself on the compiled bundle", () => {
    const [check] = ops(final, "HEALTHCHECK");
    expect(check?.args).toMatch(/^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD \[/);
    const command = JSON.parse(check?.args.slice(check.args.indexOf("[")) ?? "[]") as string[];
    expect(command.slice(0, 2)).toEqual(["node", "-e"]);
    expect(command[2]).toContain("'/health'");
    expect(command[2]).toContain("process.env.PORT");

    const [cmd] = ops(final, "CMD");
    expect(JSON.parse(cmd?.args ?? "[]")).toEqual(["node", "--enable-source-maps", "apps/api/dist/index.js"]);
  });
});

describe(".dockerignore", () => {
  const ignored = read(".dockerignore")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));

  it("keeps secrets, local state, backups, dependencies and builds out of the build context", () => {
    expect(ignored).toEqual(
      expect.arrayContaining([
        "**/.env",
        "**/.env.*",
        "!.env.example",
        "**/.data",
        "*.dump",
        "backups",
        ".git",
        "**/node_modules",
        "**/dist",
        "**/generated",
      ]),
    );
  });

  it("keeps tests, benches and docs out", () => {
    expect(ignored).toEqual(expect.arrayContaining(["test", "**/test", "**/*.test.ts", "bench", "docs"]));
  });
});
