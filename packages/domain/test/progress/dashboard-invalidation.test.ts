/** Dashboard invalidation is best effort: with Redis unreachable it logs and resolves, never throws. */

import { createServer } from "node:net";
import { createRedis } from "@sira/infra";
import { describe, expect, it } from "vitest";
import { invalidateDashboard } from "../../src/learning/dashboard/index.ts";

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("invalidateDashboard", () => {
  it("resolves and logs a warning when Redis cannot be reached", async () => {
    const redis = createRedis(`redis://127.0.0.1:${await deadPort()}/0`);
    redis.on("error", () => {});
    const warnings: unknown[] = [];
    try {
      await expect(
        invalidateDashboard(redis, crypto.randomUUID(), { warn: (obj: unknown) => warnings.push(obj) }),
      ).resolves.toBeUndefined();
      expect(warnings).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });
});
