/** Dashboard invalidation is best effort: with Redis unreachable it logs and resolves, never throws. */

import { createRedis } from "@sira/infra";
import { freePort } from "@sira/infra/testing";
import { describe, expect, it } from "vitest";
import { invalidateDashboard } from "../../src/learning/dashboard/index.ts";

describe("invalidateDashboard", () => {
  it("resolves and logs a warning when Redis cannot be reached", async () => {
    const redis = createRedis(`redis://127.0.0.1:${await freePort()}/0`);
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
