/**
 * Dashboard invalidation is best effort: with Redis unreachable it logs and resolves, never throws;
 * and a learner whose invalidation failed during an outage has their cached dashboard invalidated
 * once Redis is back (a Redis of the test's own, killed and restarted from its append-only file).
 */

import { createRedis } from "@sira/infra";
import { freePort } from "@sira/infra/testing";
import { afterAll, describe, expect, it } from "vitest";
import { type OwnRedis, startRedis } from "../../../../test/own-services.ts";
import { readCachedDashboard, storeCachedDashboard } from "../../src/learning/dashboard/cache.ts";
import { invalidateDashboard } from "../../src/learning/dashboard/index.ts";

let server: OwnRedis | undefined;
afterAll(() => server?.destroy());

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

  it("invalidates what it missed during an outage once Redis is back", async () => {
    server = await startRedis();
    const redis = createRedis(server.url);
    redis.on("error", () => {});
    try {
      const userId = crypto.randomUUID();
      await invalidateDashboard(redis, userId);
      const { version } = await readCachedDashboard(redis, userId, "fr");
      expect(version).toBe(1);
      await storeCachedDashboard(redis, userId, "fr", version, '{"courses":[]}');
      expect((await readCachedDashboard(redis, userId, "fr")).hit).toBe('{"courses":[]}');

      await server.kill();
      await eventually(async () => redis.status === "reconnecting");
      await invalidateDashboard(redis, userId, { warn: () => undefined });
      await server.start();
      // Back from its append-only file with the stale entry, which the missed invalidation removes.
      await eventually(async () => (await readCachedDashboard(redis, userId, "fr")).hit === null);
      expect((await readCachedDashboard(redis, userId, "fr")).version).toBe(2);
    } finally {
      redis.disconnect();
    }
  });
});

/** Polls until `probe` holds; the bound only proves it does not hang. */
async function eventually(probe: () => Promise<boolean>, boundMs = 20_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
