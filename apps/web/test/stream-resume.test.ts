/**
 * The lesson reader's stream client (src/lib/sse.ts, as the page runs it) against the real API
 * and worker, through a TCP relay that cuts the first stream after its third text frame, as a 2G
 * link drops. The lesson is written by the real Claude client at a provider's pace (a local server
 * speaking Anthropic's protocol), so it arrives in many frames. The client reconnects with
 * Last-Event-ID (the text offset it had) and the API sends the rest: the text read equals the
 * stored lesson, with nothing repeated or lost.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LessonProvider, slowly, startLessonProvider } from "../../../test/e2e/claude-lessons.ts";
import { type Stack, startStack } from "../../../test/e2e/processes.ts";
import { closeTestDeps, signIn, testDeps } from "../../api/test/helpers.ts";
import { adopt } from "../src/lib/session.ts";
import { followStream } from "../src/lib/sse.ts";
import { type Course, indexDocument, makeCourse } from "./course.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let course: Course;
let relay: Server;
let relayBase: string;
let provider: LessonProvider;
const requests: string[] = [];
const sockets = new Set<Socket>();

/** Forwards to the API; the first event stream is cut once three `delta` frames have gone through. */
function startRelay(apiPort: number): Promise<number> {
  let cut = false;
  relay = createServer((client) => {
    const upstream = connect(apiPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    let head = "";
    let sent = "";
    let cutThis = false;
    client.on("data", (chunk) => {
      head += chunk.toString("latin1");
      if (head.includes("\r\n\r\n") && head.includes("/stream")) {
        requests.push(head.slice(0, head.indexOf("\r\n\r\n")));
        if (!cut) {
          cut = true;
          cutThis = true;
        }
        head = "";
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!cutThis) return void client.write(chunk);
      // Pass the answer up to the end of its third delta frame, then drop the link.
      const before = sent.length;
      sent += chunk.toString("latin1");
      let at = -1;
      for (let n = 0, from = 0; n < 3; n++) {
        const frame = sent.indexOf("event: delta", from);
        if (frame < 0) return void client.write(chunk);
        at = sent.indexOf("\n\n", frame);
        if (at < 0) return void client.write(chunk);
        from = at;
      }
      client.write(Buffer.from(sent.slice(before, at + 2), "latin1"));
      client.destroy();
      upstream.destroy();
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
  });
  return new Promise((resolve) =>
    relay.listen(0, "127.0.0.1", () => resolve((relay.address() as { port: number }).port)),
  );
}

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  // Each text delta in a frame of its own, so the drop falls between frames mid-lesson.
  provider = await startLessonProvider();
  provider.frenchReplies.push(slowly(40));
  stack = await startStack({ ...provider.settings, SSE_COALESCE_MS: "0", RATE_LIMIT_PER_MINUTE: "10000" });
  course = await makeCourse(db, "paludisme-resume");
  await indexDocument(stack.base, await signIn(testDeps(), { role: "admin" }), course.id);
  relayBase = `http://127.0.0.1:${await startRelay(Number(new URL(stack.base).port))}`;
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => relay?.close(resolve));
  await stack?.stop();
  await provider?.fake.close();
  await db.$disconnect();
  await closeTestDeps();
});

describe("the lesson stream after a drop", () => {
  it("resumes from the last text offset and ends with the stored lesson", async () => {
    const learner = await signIn(testDeps(), { role: "learner", preferredLanguage: "fr", country: "SN" });
    expect(
      (await fetch(`${stack.base}/api/v1/courses/${course.id}/enroll`, { method: "POST", headers: learner.headers }))
        .status,
    ).toBe(200);
    adopt({
      access_token: learner.accessToken,
      expires_in: 900,
      user: { id: learner.userId, role: "learner", preferred_language: "fr" },
    });
    const module1 = course.modules[0];
    const path = `/api/v1/modules/${module1?.id}/lessons/${module1?.units[0]?.id}`;

    let text = "";
    let reconnects = 0;
    let done = false;
    await followStream(`${relayBase}${path}/stream`, {
      onReconnect: () => {
        reconnects += 1;
      },
      onEvent: ({ event, data }) => {
        const d = data as { text?: string; reset?: boolean };
        if (event === "meta" && d.reset) text = "";
        if (event === "delta") text += d.text ?? "";
        if (event === "done") done = true;
        return event === "done" || event === "error";
      },
    });

    expect(done).toBe(true);
    expect(reconnects).toBe(1);
    expect(requests).toHaveLength(2);
    // A lesson's event id names its text and counts an offset in it: `tag:offset`.
    const offset = Number(/last-event-id: [0-9a-f]{8}:(\d+)/i.exec(requests[1] ?? "")?.[1]);
    expect(offset).toBeGreaterThan(0);
    const stored = (await (await fetch(`${stack.base}${path}`, { headers: learner.headers })).json()) as {
      content: { markdown: string };
    };
    expect(text).toBe(stored.content.markdown);
    expect(offset).toBeLessThan(text.length);
  }, 120_000);
});
