/**
 * A local HTTP server speaking Anthropic's Messages API: POST /v1/messages answered with the real
 * SSE event sequence (message_start, content_block_start, ping, content_block_delta text_delta…,
 * content_block_stop, message_delta with stop_reason and usage, message_stop), an `error` event,
 * or a JSON error body with the API's status codes. Each request takes the next scripted reply.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Config, parseConfig } from "@sira/infra";

export type FakeReply =
  | {
      text: string;
      deltaSize?: number;
      /** Pause between deltas, as a provider paces its tokens. */
      delayMs?: number;
      stopReason?: string;
      inputTokens?: number;
      outputTokens?: number;
    }
  | { status: number; errorType: string; message: string; retryAfterMs?: number }
  /** Text, then (after `delayMs`) an error event in the middle of the stream. */
  | { streamError: { type: string; message: string }; textBefore?: string; delayMs?: number }
  /** Sends the start of a stream, then waits for the client to leave. */
  | { hangAfter: string };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: {
    model: string;
    system: string;
    messages: { role: string; content: string }[];
    max_tokens: number;
    stream?: boolean;
    temperature?: number;
  };
}

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  replies: FakeReply[];
  /** Answers a request by its content before the scripted queue is used (null: use the queue). */
  route?: (body: RecordedRequest["body"]) => FakeReply | null;
  /** Resolves when a hanging reply's connection is closed by the client. */
  closed: Promise<void>;
  close(): Promise<void>;
}

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function start(res: ServerResponse, model: string, inputTokens: number): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": "req_fake" });
  send(res, "message_start", {
    type: "message_start",
    message: {
      id: "msg_fake",
      type: "message",
      role: "assistant",
      content: [],
      model,
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
  send(res, "content_block_start", {
    type: "content_block_start",
    index: 0,
    content_block: { type: "text", text: "" },
  });
  send(res, "ping", { type: "ping" });
}

function delta(res: ServerResponse, text: string): void {
  send(res, "content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } });
}

export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""));
  return out;
}

export async function startFakeAnthropic(replies: FakeReply[] = []): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => {
      raw += chunk.toString("utf8");
    });
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as RecordedRequest["body"];
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const key = req.headers["x-api-key"] ?? req.headers.authorization?.replace(/^Bearer /, "");
      if (!key || !req.headers["anthropic-version"]) {
        res.writeHead(401, { "content-type": "application/json", "request-id": "req_fake" });
        res.end(
          JSON.stringify({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } }),
        );
        return;
      }
      const reply = fake.route?.(body) ?? fake.replies.shift();
      if (!reply || req.method !== "POST" || req.url !== "/v1/messages") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "Not found" } }));
        return;
      }
      if ("status" in reply) {
        const headers: Record<string, string> = { "content-type": "application/json", "request-id": "req_fake" };
        if (reply.retryAfterMs !== undefined) headers["retry-after-ms"] = String(reply.retryAfterMs);
        res.writeHead(reply.status, headers);
        res.end(
          JSON.stringify({
            type: "error",
            error: { type: reply.errorType, message: reply.message },
            request_id: "req_fake",
          }),
        );
        return;
      }
      if ("streamError" in reply) {
        start(res, body.model, 10);
        if (reply.textBefore) delta(res, reply.textBefore);
        setTimeout(() => {
          send(res, "error", { type: "error", error: reply.streamError });
          res.end();
        }, reply.delayMs ?? 0);
        return;
      }
      if ("hangAfter" in reply) {
        start(res, body.model, 10);
        delta(res, reply.hangAfter);
        res.on("close", () => resolveClosed());
        return;
      }
      void (async () => {
        start(res, body.model, reply.inputTokens ?? 100);
        for (const piece of pieces(reply.text, reply.deltaSize ?? 4)) {
          if (res.destroyed) return;
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
          delta(res, piece);
        }
        send(res, "content_block_stop", { type: "content_block_stop", index: 0 });
        send(res, "message_delta", {
          type: "message_delta",
          delta: { stop_reason: reply.stopReason ?? "end_turn", stop_sequence: null },
          usage: { output_tokens: reply.outputTokens ?? 50 },
        });
        send(res, "message_stop", { type: "message_stop" });
        res.end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeAnthropic = {
    url: `http://127.0.0.1:${port}`,
    requests,
    replies: [...replies],
    closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** A test configuration whose Claude client talks to `fake`. */
export function claudeConfigFor(fake: FakeAnthropic): Config {
  return parseConfig({
    NODE_ENV: "test",
    ANTHROPIC_API_KEY: "sk-ant-test-key",
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_MODEL: "claude-test-model",
  });
}
