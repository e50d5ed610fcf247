/**
 * The logger writes standard output off the main thread, in batches; nothing may be lost or held
 * back for it. A process that logs a burst and exits at once (as a refused start-up does) still
 * writes every line, in order, and a lone line goes out while the process runs on.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("the process logger", () => {
  it("writes every line of a burst before an immediate exit", async () => {
    const script = `
      import { createLogger } from "./packages/infra/src/logger.ts";
      const log = createLogger("burst", "info");
      for (let i = 0; i < 2000; i++) log.info({ i }, "line");
      process.exit(3);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    // "close": the process exited and its output was read to the end.
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(3);
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { i: number; service: string });
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(lines[0]?.service).toBe("burst");
  });

  it("writes a lone line while the process runs on, without waiting for more lines or an exit", async () => {
    // Lines are written in batches: one line is far below a batch, so only the periodic flush sends it.
    const script = `
      import { createLogger } from "./packages/infra/src/logger.ts";
      createLogger("lone", "info").info("only line");
      setTimeout(() => {}, 120_000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
          if (out.includes("\n")) resolve(out);
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code} before writing: ${out}`)));
      });
      expect(JSON.parse(line)).toMatchObject({ service: "lone", msg: "only line" });
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill("SIGKILL");
    }
  });
});
