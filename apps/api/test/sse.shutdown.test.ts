/**
 * A shutdown and the open event streams (its own file: a shutdown is for the rest of the process).
 * Open streams end with a `reconnect` event whose id is the text sent so far and whose `retry`
 * field asks the client to come back; their producers stop; a stream opened afterwards ends the
 * same way at once, without running its producer.
 */
import { afterAll, describe, expect, it } from "vitest";
import { endOpenStreams, type SseWriter, sseResponse } from "../src/http/sse.ts";
import { closeTestDeps, SseReader, testApp } from "./helpers.ts";

const { app } = testApp();
let produced = 0;
let stopped: () => void = () => undefined;
const producerStopped = new Promise<void>((resolve) => {
  stopped = resolve;
});
app.get("/test/stream", (c) =>
  sseResponse(
    c,
    async (writer: SseWriter, signal: AbortSignal) => {
      produced += 1;
      writer.send("meta", {});
      writer.delta("Bonjour");
      // Held back by coalescing when the shutdown comes: it must still reach the client first.
      writer.delta(" à tous");
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      stopped();
    },
    { coalesceMs: 60_000, minFrameChars: 1_000, maxFrameWaitMs: 60_000, heartbeatMs: 60_000 },
  ),
);
afterAll(closeTestDeps);

describe("a shutdown", () => {
  it("ends open streams with a reconnect hint at the text sent so far, and stops their producers", async () => {
    const stream = new SseReader((await app.request("/test/stream")).body);
    await stream.until((f) => f.event === "meta");
    expect(endOpenStreams(1_000)).toBe(1);
    const frames = await stream.rest();
    expect(frames.map((f) => [f.event, f.id])).toEqual([
      ["meta", "0"],
      ["delta", "14"],
      ["reconnect", "14"],
    ]);
    expect(frames.at(-1)).toMatchObject({ retry: "1000", data: { retry_ms: 1000 } });
    await producerStopped;

    const late = await new SseReader((await app.request("/test/stream")).body).rest();
    expect(late).toEqual([{ id: "0", event: "reconnect", retry: "1000", data: { retry_ms: 1000 } }]);
    expect(produced).toBe(1);
  });
});
