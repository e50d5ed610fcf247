/** One supported runtime everywhere: the set-up script, engines, the Docker image and this process. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);

describe("the Node.js runtime", () => {
  const installed = /^NODE_VERSION=(\S+)$/m.exec(read("scripts/install-system.sh"))?.[1] ?? "";
  const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
  const image = /^ARG NODE_IMAGE=node:(\d+)/m.exec(read("Dockerfile"))?.[1] ?? "";

  it("is Node 24 LTS in the set-up script, engines and the Docker image alike", () => {
    expect(major(installed)).toBe(24);
    // The LTS line only: a later major is a new runtime to move to on purpose.
    expect(engines).toBe("24.x");
    expect(major(image)).toBe(24);
  });

  it("is the runtime these tests run on", () => {
    expect(major(process.versions.node)).toBe(major(installed));
  });

  it("is what CI installs and what both README commands set up", () => {
    const commands = /```bash\n([\s\S]*?)```/.exec(read("README.md"))?.[1] ?? "";
    const scripts = [...commands.matchAll(/^bash (scripts\/\S+\.sh)/gm)].map((m) => m[1] as string);
    expect(scripts).toEqual(["scripts/dev.sh", "scripts/test.sh"]);
    for (const script of scripts) expect(read(script)).toMatch(/^bash scripts\/setup\.sh$/m);
    expect(read("scripts/setup.sh")).toMatch(/^bash scripts\/install-system\.sh$/m);
    expect(read(".ci/run")).toMatch(/^bash scripts\/install-system\.sh$/m);
    expect(read(".ci/run")).toMatch(/bash scripts\/test\.sh$/m);
  });
});
