/**
 * The shared stream reader on a real Redis: a hundred tails on a hundred streams hold one dedicated
 * connection between them (not one each, and not the command connection), each gets exactly its
 * stream's entries in order, a tail that joins late gets the stream from its start while an earlier
 * tail of the same stream goes on from where it was, and a closed tail gets nothing more.
 */
import { randomUUID } from "node:crypto";
import { createRedis, parseConfig } from "@sira/infra";
import { afterAll, describe, expect, it } from "vitest";
import { compareIds, type RawEntry, SharedStreamReader } from "../../src/content/stream-reader.ts";

const config = parseConfig(process.env);
const redis = createRedis(config.REDIS_URL);
const reader = new SharedStreamReader(redis);
afterAll(async () => {
  reader.close();
  await redis.quit();
});

const key = () => `sira:test:reader:${randomUUID()}`;
const add = (k: string, value: string) => redis.xadd(k, "*", "e", value);

/** Collects a tail's entries; `until(n)` resolves once it holds n. */
function tail(k: string, from = "0-0") {
  const got: RawEntry[] = [];
  let waiting: { n: number; resolve: () => void } | null = null;
  const subscription = reader.subscribe(k, from, (entries) => {
    got.push(...entries);
    if (waiting && got.length >= waiting.n) waiting.resolve();
  });
  return {
    got,
    subscription,
    until: (n: number) =>
      got.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiting = { n, resolve };
          }),
  };
}

async function readerConnections(): Promise<number> {
  const list = (await redis.client("LIST")) as string;
  return list.split("\n").filter((line) => line.includes("name=sira-stream-reader")).length;
}

describe("the shared stream reader", () => {
  it("serves a hundred tails on one blocking connection, each with its own stream in order", async () => {
    const keys = Array.from({ length: 100 }, key);
    const tails = keys.map((k) => tail(k));
    for (const [i, k] of keys.entries()) {
      await add(k, `a${i}`);
      await add(k, `b${i}`);
    }
    await Promise.all(tails.map((t) => t.until(2)));
    for (const [i, t] of tails.entries()) expect(t.got.map((e) => e.data)).toEqual([`a${i}`, `b${i}`]);
    expect(await readerConnections()).toBe(1);
    for (const t of tails) t.subscription.close();
  });

  it("gives a late tail the stream from its start while an earlier tail goes on", async () => {
    const k = key();
    const early = tail(k);
    await add(k, "1");
    await add(k, "2");
    await early.until(2);
    const late = tail(k);
    await late.until(2);
    await add(k, "3");
    await Promise.all([early.until(3), late.until(3)]);
    expect(early.got.map((e) => e.data)).toEqual(["1", "2", "3"]);
    expect(late.got.map((e) => e.data)).toEqual(["1", "2", "3"]);
    // From a given id: only what comes after it.
    const fromSecond = tail(k, early.got[1]?.id ?? "0-0");
    await fromSecond.until(1);
    expect(fromSecond.got.map((e) => e.data)).toEqual(["3"]);
    for (const t of [early, late, fromSecond]) t.subscription.close();
  });

  it("delivers nothing more to a closed tail", async () => {
    const k = key();
    const closed = tail(k);
    const open = tail(k);
    await add(k, "1");
    await Promise.all([closed.until(1), open.until(1)]);
    closed.subscription.close();
    await add(k, "2");
    await open.until(2);
    expect(closed.got.map((e) => e.data)).toEqual(["1"]);
    open.subscription.close();
  });

  it("orders ids as numbers, not strings", () => {
    expect(compareIds("9-0", "10-0")).toBeLessThan(0);
    expect(compareIds("10-2", "10-10")).toBeLessThan(0);
    expect(compareIds("10-1", "10-1")).toBe(0);
  });
});
