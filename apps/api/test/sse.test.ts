/**
 * The SSE writer behind lesson and tutor streams: first event at once, coalesced deltas, ids as
 * character offsets for Last-Event-ID resume, heartbeats, errors as events, and a clean stop when
 * the client leaves. No assertion depends on timing: the producers wait for what the client saw.
 */
import { AppError } from "@sira/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resumeOffset, resumePoint, type SseOptions, type SseWriter, sseResponse } from "../src/http/sse.ts";
import { closeTestDeps, listen, resetRedis, type SseFrame, SseReader, testApp } from "./helpers.ts";

type Producer = (writer: SseWriter, signal: AbortSignal) => Promise<void>;

/** A promise the test resolves from outside, to let a waiting producer go on. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

const { app } = testApp();
let producer: Producer = async () => {};
let options: Partial<SseOptions> = {};
app.get("/test/stream", (c) => sseResponse(c, (writer, signal) => producer(writer, signal), options));

function open(headers: Record<string, string> = {}, query = ""): Promise<Response> | Response {
  return app.request(`/test/stream${query}`, { headers });
}

const deltas = (frames: SseFrame[]) => frames.filter((f) => f.event === "delta");
const textOf = (frames: SseFrame[]) => deltas(frames).map((f) => (f.data as { text: string }).text);

beforeEach(async () => {
  options = { coalesceMs: 0, heartbeatMs: 60_000 };
  await resetRedis();
});
afterAll(closeTestDeps);

describe("resumeOffset", () => {
  it.each([
    ["12", 12],
    ["0", 0],
    ["-3", 0],
    ["1.5", 0],
    ["abc", 0],
    ["", 0],
    [undefined, 0],
  ])("Last-Event-ID %j → %i", (header, offset) => {
    expect(resumeOffset(header)).toBe(offset);
  });

  it.each([
    ["0a1b2c3d:40", { offset: 40, tag: "0a1b2c3d" }],
    ["40", { offset: 40, tag: null }],
    ["0a1b2c3d:0", { offset: 0, tag: null }],
    ["0A1B2C3D:40", { offset: 0, tag: null }],
    ["zz:40", { offset: 0, tag: null }],
  ])("a lesson's Last-Event-ID %j names its text", (header, point) => {
    expect(resumePoint(header)).toEqual(point);
  });
});

describe("sseResponse", () => {
  it("sends the first event at once, with a retry hint and streaming headers", async () => {
    const first = gate();
    producer = async (writer) => {
      writer.send("meta", { title: "Les fractions" });
      await first.wait;
      writer.send("done", {});
    };
    const res = await open();
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    expect(res.headers.get("content-language")).toBe("fr");
    const stream = new SseReader(res.body);
    await stream.until((f) => f.event === "meta");
    expect(stream.text).toBe('retry: 3000\nid: 0\nevent: meta\ndata: {"title":"Les fractions"}\n\n');
    first.open();
    expect((await stream.rest()).map((f) => f.event)).toEqual(["meta", "done"]);
    expect(stream.text.match(/retry:/g)).toHaveLength(1);
  });

  it("coalesces tiny deltas into one frame", async () => {
    options = { coalesceMs: 50, heartbeatMs: 60_000 };
    const seen = gate();
    const pieces = Array.from({ length: 20 }, (_, i) => `t${i} `);
    producer = async (writer) => {
      writer.send("meta", {});
      for (const piece of pieces) writer.delta(piece);
      await seen.wait; // only the coalescing timer can flush these before the stream ends
      writer.delta("fin");
    };
    const stream = new SseReader((await open()).body);
    await stream.until((f) => f.event === "delta");
    seen.open();
    const frames = await stream.rest();
    expect(textOf(frames)).toEqual([pieces.join(""), "fin"]);
  });

  it("holds a short frame until it has enough text, or until it has waited long enough", async () => {
    options = { coalesceMs: 10, minFrameChars: 12, maxFrameWaitMs: 300, heartbeatMs: 60_000 };
    const seen = gate();
    producer = async (writer) => {
      writer.send("meta", {});
      writer.delta("abc"); // short: several coalescing ticks pass without a frame
      await new Promise((r) => setTimeout(r, 60));
      writer.delta("defghijklmno"); // now the frame is full
      await seen.wait;
      writer.delta("z"); // alone: only the longest wait can send it before the gate opens
      await lastSeen.wait;
      writer.send("done", {});
    };
    const lastSeen = gate();
    const stream = new SseReader((await open()).body);
    await stream.until((f) => f.event === "delta");
    seen.open();
    await stream.until((f) => f.event === "delta" && (f.data as { text: string }).text === "z");
    lastSeen.open();
    const frames = await stream.rest();
    expect(textOf(frames)).toEqual(["abcdefghijklmno", "z"]);
    expect(frames.at(-1)?.event).toBe("done");
  });

  it("numbers events by the characters sent so far", async () => {
    producer = async (writer) => {
      writer.send("meta", {});
      for (const piece of ["Bon", "jour ", "à tous"]) writer.delta(piece);
      writer.send("citation", { chunk_id: "c1" });
      writer.send("done", {});
    };
    const frames = await new SseReader((await open()).body).rest();
    expect(frames.map((f) => [f.event, f.id])).toEqual([
      ["meta", "0"],
      ["delta", "3"],
      ["delta", "8"],
      ["delta", "14"],
      ["citation", "14"],
      ["done", "14"],
    ]);
  });

  describe("resuming with Last-Event-ID", () => {
    const full = "Bonjour à tous";
    beforeEach(() => {
      producer = async (writer) => {
        writer.send("meta", {});
        for (const piece of ["Bon", "jour ", "à tous"]) writer.delta(piece);
        writer.send("done", {});
      };
    });

    it.each([0, 3, 5, 13, 14, 40])("skips the first %i characters", async (n) => {
      const frames = await new SseReader((await open({ "last-event-id": String(n) })).body).rest();
      expect(textOf(frames).join("")).toBe(full.slice(n));
      expect(frames.at(-1)).toMatchObject({ event: "done", id: String(Math.max(n, full.length)) });
    });

    it("accepts ?last_event_id= from clients that cannot set the header", async () => {
      const frames = await new SseReader((await open({}, "?last_event_id=8")).body).rest();
      expect(textOf(frames)).toEqual(["à tous"]);
    });

    it("starts over on a malformed Last-Event-ID", async () => {
      const frames = await new SseReader((await open({ "last-event-id": "../../etc" })).body).rest();
      expect(textOf(frames).join("")).toBe(full);
    });
  });

  it("sends heartbeat comments while the producer is quiet", async () => {
    options = { coalesceMs: 0, heartbeatMs: 20 };
    const beat = gate();
    producer = async (writer) => {
      writer.send("meta", {});
      await beat.wait;
      writer.send("done", {});
    };
    const stream = new SseReader((await open()).body);
    await stream.until((f) => f.comment === "keep-alive");
    beat.open();
    const frames = await stream.rest();
    expect(frames[0]?.event).toBe("meta");
    expect(frames.at(-1)?.event).toBe("done");
  });

  it("turns a refused producer into an error event in the request's language", async () => {
    options = { coalesceMs: 50, heartbeatMs: 60_000 };
    producer = async (writer) => {
      writer.send("meta", {});
      writer.delta("Début");
      throw new AppError("LOCKED");
    };
    const fr = await new SseReader((await open()).body).rest();
    expect(fr.map((f) => f.event)).toEqual(["meta", "delta", "error"]);
    expect(fr[2]?.data).toEqual({ code: "LOCKED", message: "Ce contenu est verrouillé." });

    const en = await new SseReader((await open({ "accept-language": "en" })).body).rest();
    expect(en.at(-1)?.data).toEqual({ code: "LOCKED", message: "This content is locked." });
  });

  it("reports a crashed producer as INTERNAL without leaking its message", async () => {
    producer = async () => {
      throw new Error("connect ECONNREFUSED postgres://sira:s3cret@db");
    };
    const stream = new SseReader((await open()).body);
    const frames = await stream.rest();
    expect(frames).toEqual([
      { id: "0", event: "error", retry: "3000", data: { code: "INTERNAL", message: "Erreur interne du serveur." } },
    ]);
    expect(stream.text).not.toContain("s3cret");
  });
});

describe("a client leaving", () => {
  let base = "";
  beforeAll(async () => {
    base = await listen(app);
  });

  it("aborts the producer's signal and closes the writer", { timeout: 10_000 }, async () => {
    const stopped = new Promise<{ aborted: boolean; closed: boolean }>((resolve) => {
      producer = async (writer, signal) => {
        writer.send("meta", {});
        await new Promise((left) => signal.addEventListener("abort", left, { once: true }));
        writer.delta("nobody is listening"); // must be a no-op, not a throw
        resolve({ aborted: signal.aborted, closed: writer.closed });
      };
    });
    const client = new AbortController();
    const res = await fetch(`${base}/test/stream`, { signal: client.signal });
    const stream = new SseReader(res.body);
    await stream.until((f) => f.event === "meta");
    client.abort();
    expect(await stopped).toEqual({ aborted: true, closed: true });
  });
});
