/**
 * The publisher on a real Redis when an append fails: its connection is cut mid-run (the server
 * drops it, as on a network blip), a delta written while it reconnects is lost, and `finish`
 * publishes the run's whole text again as a new run before `done`. A reader that follows the
 * stream contract (a new run restarts the text) ends with every word; a healthy run is published
 * once, with no second run.
 */
import { randomUUID } from "node:crypto";
import { createRedis, parseConfig, type Redis } from "@sira/infra";
import { afterAll, describe, expect, it } from "vitest";
import { GenerationPublisher, tailGeneration } from "../../src/content/generation-stream.ts";
import type { TutorEntry } from "../../src/tutor/answer-stream.ts";

const config = parseConfig(process.env);
const redis = createRedis(config.REDIS_URL);
// Commands fail at once while it reconnects, instead of waiting: the lost append is certain.
const publishing = createRedis(config.REDIS_URL, { enableOfflineQueue: false });
afterAll(async () => {
  await redis.quit();
  await publishing.quit();
});

const key = () => `sira:test:publisher:${randomUUID()}`;
const done: TutorEntry = { type: "done", status: "complete", sources: [] };

/** Every entry of the stream until its terminal one, as a reader tails it. */
async function readAll(k: string): Promise<TutorEntry[]> {
  const entries: TutorEntry[] = [];
  const signal = AbortSignal.timeout(10_000);
  for await (const entry of tailGeneration<TutorEntry>(redis, k, { signal })) {
    if (entry.type === "idle") throw new Error("the stream went quiet before its end");
    entries.push(entry);
    if (entry.type === "done" || entry.type === "error") break;
  }
  return entries;
}

/** The text a reader holds at the end: a start with another run restarts it. */
function readerText(entries: TutorEntry[]): string {
  let run: string | null = null;
  let text = "";
  for (const entry of entries) {
    if (entry.type === "start") {
      if (run !== entry.run) text = "";
      run = entry.run;
    }
    if (entry.type === "delta") text += entry.text;
  }
  return text;
}

const waitFor = async (ready: () => boolean) => {
  for (let i = 0; i < 500 && !ready(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ready()).toBe(true);
};

async function cutConnection(client: Redis): Promise<void> {
  const id = await client.client("ID");
  const closed = new Promise((resolve) => client.once("close", resolve));
  await redis.client("KILL", "ID", String(id));
  await closed;
}

describe("GenerationPublisher", () => {
  it("publishes the whole text again as a new run when an append was lost", async () => {
    const k = key();
    const publisher = new GenerationPublisher<TutorEntry>(publishing, k);
    await waitFor(() => publishing.status === "ready");
    await publisher.start("run-1", 1);
    const reading = readAll(k);
    publisher.delta("Le paludisme se transmet par la piqûre. ");
    await publisher.settle();

    await cutConnection(publishing);
    publisher.delta("La moustiquaire protège la nuit. ");
    await publisher.settle();
    const afterCut = await redis.xrange(k, "-", "+");
    expect(afterCut.map(([, fields]) => fields[1])).not.toContainEqual(expect.stringContaining("moustiquaire"));

    await waitFor(() => publishing.status === "ready");
    publisher.delta("Consultez vite en cas de fièvre.");
    await publisher.finish(done);

    const entries = await reading;
    const starts = entries.filter((e) => e.type === "start");
    expect(starts).toHaveLength(2);
    expect(starts[1]).toMatchObject({ attempt: 2 });
    expect(readerText(entries)).toBe(
      "Le paludisme se transmet par la piqûre. La moustiquaire protège la nuit. Consultez vite en cas de fièvre.",
    );
    expect(entries.at(-1)).toEqual(done);
    // A reader that comes later gets the new run alone, whole.
    const late = await readAll(k);
    expect(late.filter((e) => e.type === "start")).toHaveLength(1);
    expect(readerText(late)).toBe(readerText(entries));
  });

  it("publishes a healthy run once", async () => {
    const k = key();
    const publisher = new GenerationPublisher<TutorEntry>(publishing, k);
    await waitFor(() => publishing.status === "ready");
    await publisher.start("run-1", 1);
    publisher.delta("Une réponse ");
    await publisher.settle();
    publisher.delta("sans incident.");
    await publisher.finish(done);
    const entries = await readAll(k);
    expect(entries.filter((e) => e.type === "start")).toHaveLength(1);
    expect(readerText(entries)).toBe("Une réponse sans incident.");
  });
});
