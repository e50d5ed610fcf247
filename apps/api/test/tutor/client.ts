/** Asking the tutor over REST as a phone would, and reading its event stream. */
import { expect } from "vitest";
import type { App } from "../../src/app.ts";
import { type SignedIn, type SseFrame, SseReader } from "../helpers.ts";

export interface AskBody {
  course_id: string;
  message: string;
  conversation_id?: string;
  module_id?: string;
  unit_id?: string;
}

export interface AskOptions {
  lang?: "fr" | "en";
  key?: string;
  signal?: AbortSignal;
}

export interface Meta {
  conversation_id: string;
  message_id: string;
  answer_id: string;
  messages_left: number;
  stream_url: string;
}

/**
 * POST /api/v1/tutor/messages, in process, or over HTTP when `app` is a base URL: a client that
 * leaves must go through a real socket (an in-process request's signal may not reach the server).
 */
export function post(app: App | string, user: SignedIn, body: AskBody, options: AskOptions = {}): Promise<Response> {
  const request = (path: string, init: RequestInit) =>
    typeof app === "string" ? fetch(`${app}${path}`, init) : app.request(path, init);
  return Promise.resolve(
    request("/api/v1/tutor/messages", {
      method: "POST",
      headers: {
        ...user.headers,
        "content-type": "application/json",
        "accept-language": options.lang ?? "fr",
        ...(options.key ? { "idempotency-key": options.key } : {}),
      },
      body: JSON.stringify(body),
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
}

/** Asks and reads the whole answer stream (200 expected). */
export async function ask(app: App, user: SignedIn, body: AskBody, options: AskOptions = {}): Promise<SseFrame[]> {
  const res = await post(app, user, body, options);
  expect(res.status, await peekError(res)).toBe(200);
  return new SseReader(res.body).rest();
}

async function peekError(res: Response): Promise<string> {
  if (res.status === 200) return "";
  return res.clone().text();
}

export const metaOf = (frames: SseFrame[]): Meta => frames.find((f) => f.event === "meta")?.data as Meta;
export const deltasOf = (frames: SseFrame[]): string[] =>
  frames.filter((f) => f.event === "delta").map((f) => (f.data as { text: string }).text);
/** The answer's text as the client assembles it: a `meta {reset}` voids what came before. */
export function answerText(frames: SseFrame[]): string {
  let text = "";
  for (const f of frames) {
    if (f.event === "meta" && (f.data as { reset?: boolean }).reset) text = "";
    if (f.event === "delta") text += (f.data as { text: string }).text;
  }
  return text;
}
export const citationsOf = (frames: SseFrame[]) =>
  (
    (frames.find((f) => f.event === "citation")?.data as { sources: { n: number; chunk_id: string }[] }) ?? {
      sources: [],
    }
  ).sources;
export const doneOf = (frames: SseFrame[]) =>
  frames.find((f) => f.event === "done")?.data as { answer_id: string; status: string } | undefined;
