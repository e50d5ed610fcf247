/**
 * Unbounded bodies, through the real API on a port with raw sockets: multipart is refused off the
 * upload route without reading it, an oversize body is a 413 long before the client finishes
 * sending it, and the API keeps serving. Only the real upload route takes a body over 1 MiB.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, listen, resetState, signIn, testApp } from "./helpers.ts";
import { makeCourse, SAMPLE_TEXT, upload } from "./resources/fixtures.ts";

const MiB = 1024 * 1024;
/** What a hostile client offers to send: far more than the API should ever read. */
const HOSTILE_BYTES = 64 * MiB;
/** The refusal must arrive before the client has sent this much (socket buffers included). */
const REFUSED_WITHIN_BYTES = 16 * MiB;

const { app, deps } = testApp();
let base: URL;

beforeAll(async () => {
  base = new URL(await listen(app));
});
beforeEach(resetState);
afterAll(closeTestDeps);

interface Flood {
  status: number;
  headers: string;
  body: string;
  /** Body bytes written before the answer arrived (or the server closed the connection). */
  sentBeforeAnswer: number;
}

/**
 * Sends `head` and then up to HOSTILE_BYTES of body in 64 KiB writes (chunked when `chunked`),
 * stopping as soon as the server answers; resolves with the answer and how much was sent by then.
 */
function flood(head: string, chunked: boolean): Promise<Flood> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    const chunk = Buffer.alloc(64 * 1024, "a");
    const frame = chunked
      ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
      : chunk;
    let sent = 0;
    let sentBeforeAnswer = -1;
    let received = "";
    const finish = () => {
      const [headPart = "", ...rest] = received.split("\r\n\r\n");
      const status = Number(headPart.split(" ")[1]);
      if (!status) {
        reject(new Error(`no answer after ${sent} bytes`));
        return;
      }
      let body = rest.join("\r\n\r\n");
      if (/transfer-encoding: chunked/i.test(headPart))
        body = body.replace(/^[0-9a-f]+\r\n/i, "").replace(/\r\n0\r\n\r\n$/, "");
      resolve({
        status,
        headers: headPart.toLowerCase(),
        body,
        sentBeforeAnswer: sentBeforeAnswer < 0 ? sent : sentBeforeAnswer,
      });
    };
    socket.on("data", (data) => {
      if (sentBeforeAnswer < 0) sentBeforeAnswer = sent;
      received += data.toString("utf8");
    });
    socket.on("error", () => undefined); // EPIPE / ECONNRESET once the server closes on us
    socket.on("close", finish);
    const pump = () => {
      while (sentBeforeAnswer < 0 && sent < HOSTILE_BYTES && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(frame)) {
          socket.once("drain", pump);
          return;
        }
      }
      if (sent >= HOSTILE_BYTES && !socket.destroyed) socket.end(chunked ? "0\r\n\r\n" : "");
    };
    socket.on("connect", () => {
      socket.write(head);
      pump();
    });
    // A server that answers but keeps the connection open would leave us hanging: stop after a while.
    setTimeout(() => socket.destroy(), 20_000).unref();
  });
}

function requestHead(path: string, contentType: string, length: number | "chunked"): string {
  const sizing = length === "chunked" ? "Transfer-Encoding: chunked" : `Content-Length: ${length}`;
  return `POST ${path} HTTP/1.1\r\nHost: ${base.host}\r\nContent-Type: ${contentType}\r\n${sizing}\r\nAccept-Language: en\r\n\r\n`;
}

const MULTIPART = "multipart/form-data; boundary=----sira-flood";

async function expectStillServing(): Promise<void> {
  const health = await fetch(new URL("/health", base));
  expect(health.status).toBe(200);
}

describe("request bodies off the upload route", () => {
  it.each([
    ["/trpc/auth.register", HOSTILE_BYTES],
    ["/trpc/auth.register", "chunked"],
    ["/trpc/users.updateProfile,auth.login?batch=1", "chunked"],
    ["/api/v1/auth/register", HOSTILE_BYTES],
    ["/api/v1/auth/register", "chunked"],
  ] as const)("refuse an anonymous multipart POST to %s (%s) with 415 before reading it", async (path, length) => {
    const started = Date.now();
    const answer = await flood(requestHead(path, MULTIPART, length), length === "chunked");
    expect(answer.status).toBe(415);
    expect(answer.headers).toContain("content-type: application/problem+json");
    expect(JSON.parse(answer.body)).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE" });
    expect(answer.headers).toContain("connection: close");
    expect(answer.sentBeforeAnswer).toBeLessThan(REFUSED_WITHIN_BYTES);
    expect(Date.now() - started).toBeLessThan(15_000);
    await expectStillServing();
  });

  it("refuses a declared Content-Length over 1 MiB with 413 before reading the body", async () => {
    const answer = await flood(requestHead("/api/v1/auth/register", "application/json", HOSTILE_BYTES), false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(answer.headers).toContain("connection: close");
    expect(answer.sentBeforeAnswer).toBeLessThan(REFUSED_WITHIN_BYTES);
    await expectStillServing();
  });

  it.each(["/api/v1/auth/register", "/trpc/auth.register"])(
    "refuses a chunked JSON body to %s with 413 as soon as it crosses 1 MiB",
    async (path) => {
      const answer = await flood(requestHead(path, "application/json", "chunked"), true);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      expect(answer.sentBeforeAnswer).toBeGreaterThan(MiB);
      expect(answer.sentBeforeAnswer).toBeLessThan(REFUSED_WITHIN_BYTES);
      await expectStillServing();
    },
  );

  it("does not lift the limit for another method on the upload path", async () => {
    const courseId = await makeCourse(deps);
    const answer = await flood(
      requestHead(`/api/v1/admin/courses/${courseId}/resources/x`, MULTIPART, "chunked"),
      true,
    );
    expect(answer.status).toBe(415);
    expect(answer.sentBeforeAnswer).toBeLessThan(REFUSED_WITHIN_BYTES);
  });

  it("still takes a small JSON body", async () => {
    const res = await fetch(new URL("/api/v1/auth/register", base), {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify({ email: "not-an-address" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

describe("the upload route", () => {
  it("still streams a document over 1 MiB for an admin", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const courseId = await makeCourse(deps);
    const paragraph = `${SAMPLE_TEXT.en}\n\n`;
    const text = paragraph.repeat(Math.ceil((2 * MiB) / paragraph.length) + 1);
    const bytes = new TextEncoder().encode(text);
    expect(bytes.length).toBeGreaterThan(2 * MiB);
    const res = await upload(app, admin, courseId, bytes, "notes.txt");
    expect(res.status).toBe(201);
  });

  it("refuses an anonymous upload without reading its body", async () => {
    const courseId = await makeCourse(deps);
    const answer = await flood(requestHead(`/api/v1/admin/courses/${courseId}/resources`, MULTIPART, "chunked"), true);
    expect(answer.status).toBe(401);
    expect(answer.sentBeforeAnswer).toBeLessThan(REFUSED_WITHIN_BYTES);
    await expectStillServing();
  });
});
