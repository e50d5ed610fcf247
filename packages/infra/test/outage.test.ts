/**
 * Outages told apart from bugs, on the real drivers: a PostgreSQL or Redis that is not there gives
 * errors that name it; an error of the query itself names nothing. A queue whose Redis is down
 * refuses at once instead of waiting for it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createDb, Prisma, readRows } from "../src/db.ts";
import { DependencyUnavailableError, unavailableDependency } from "../src/outage.ts";
import { closeQueues, getQueue, queueReachable } from "../src/queues.ts";
import { createProducerRedis, createRedis, redisDown } from "../src/redis.ts";
import { freePort } from "../src/testing.ts";

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await closeQueues();
  await Promise.all(closers.map((close) => close()));
});

const rejection = (work: Promise<unknown>) =>
  work.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );

describe("unavailableDependency", () => {
  it("names PostgreSQL for a server that is not there, through the ORM and raw queries alike", async () => {
    const db = createDb({ url: `postgresql://postgres@127.0.0.1:${await freePort()}/sira`, poolMax: 1 });
    closers.push(() => db.$disconnect());
    expect(unavailableDependency(await rejection(db.user.count()))).toBe("postgres");
    expect(unavailableDependency(await rejection(db.$queryRaw`SELECT 1`))).toBe("postgres");
    expect(unavailableDependency(await rejection(db.$transaction((tx) => tx.user.count())))).toBe("postgres");
    expect(unavailableDependency(await rejection(readRows(db, Prisma.sql`SELECT 1`)))).toBe("postgres");
  });

  it("names nothing for a query that fails on a server that answers", async () => {
    const db = createDb({ url: process.env.DATABASE_URL as string, poolMax: 1 });
    closers.push(() => db.$disconnect());
    expect(unavailableDependency(await rejection(db.$queryRaw`SELECT 1 / 0`))).toBeNull();
    expect(unavailableDependency(await rejection(db.$queryRaw`SELECT * FROM no_such_table`))).toBeNull();
    expect(unavailableDependency(await rejection(readRows(db, Prisma.sql`SELECT 1 / ${0}::int`)))).toBeNull();
    expect(unavailableDependency(new Error("boom"))).toBeNull();
    expect(unavailableDependency(null)).toBeNull();
  });

  it("names Redis for commands to a server that is not there, on both kinds of connection", async () => {
    const port = await freePort();
    const cache = createRedis(`redis://127.0.0.1:${port}/0`);
    const producer = createProducerRedis(`redis://127.0.0.1:${port}/0`);
    for (const client of [cache, producer]) {
      client.on("error", () => undefined);
      closers.push(async () => client.disconnect());
    }
    expect(unavailableDependency(await rejection(cache.get("k")))).toBe("redis");
    expect(unavailableDependency(await rejection(producer.get("k")))).toBe("redis");
    expect(redisDown(cache)).toBe(true);
  });
});

describe("queueReachable", () => {
  it("refuses at once while the queue's Redis is down, and passes while it answers", async () => {
    await expect(queueReachable(getQueue("maintenance"))).resolves.toBeUndefined();

    const dead = createProducerRedis(`redis://127.0.0.1:${await freePort()}/0`);
    dead.on("error", () => undefined);
    closers.push(async () => dead.disconnect());
    const down = getQueue("maintenance", { connection: dead, prefix: "sira-outage-test" });
    await poll(() => redisDown(dead));
    const error = await rejection(queueReachable(down));
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(unavailableDependency(error)).toBe("redis");
  });
});

/** Polls until `probe` holds; the bound only proves it does not hang. */
async function poll(probe: () => boolean, boundMs = 10_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
