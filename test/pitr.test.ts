/**
 * The documented point-in-time recovery, rehearsed: scripts/pitr-drill.sh archives WAL from a
 * scratch primary, takes a base backup, drops a table, and recovers to the moment before it.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort } from "@sira/infra/testing";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe("scripts/pitr-drill.sh", () => {
  it("restores a base backup and archived WAL to the moment before a table was dropped", async () => {
    // The drill's primary listens on this port and its restore on the next one.
    let port = await freePort();
    while (port >= 65535 || !(await isFree(port + 1))) port = await freePort();
    const { stdout } = await promisify(execFile)("bash", ["scripts/pitr-drill.sh", String(port)], { cwd: root });
    expect(stdout).toMatch(/^pitr drill: ok \(rows 1,2 restored to /);
  }, 60_000);
});
