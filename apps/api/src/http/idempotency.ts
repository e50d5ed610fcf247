/**
 * `Idempotency-Key` on mutations (REST and tRPC): the first answer is stored and every replay of
 * the same request gets it back with `Idempotent-Replayed: true`, without the work running twice.
 * The same key on a different request is a 422; a replay racing the first attempt is a 409.
 * REST routes run it when their definition allows (every mutation but the sign-in routes and the
 * streamed upload, idempotent by content hash); tRPC runs it at /trpc/*. Sign-in calls answer with
 * credentials, which are never stored: their own rules make a retry safe (decision 0027).
 */
import { createHash } from "node:crypto";
import { AppError } from "@sira/contracts";
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from "@sira/domain";
import { type Logger, unavailableDependency } from "@sira/infra";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";

const KEY = /^[\x21-\x7e]{8,128}$/;

/** The request's Idempotency-Key for routes whose domain dedupes by it (400 when malformed). */
export function idempotencyKeyOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  if (!KEY.test(header)) throw new AppError("INVALID_IDEMPOTENCY_KEY");
  return header;
}
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const TRPC_PREFIX = "/trpc/";

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** tRPC procedures whose answers are secrets shown once (new activation codes): never stored. */
const SECRET_ANSWERS = new Set(["admin.codes.generate"]);

/**
 * True for a tRPC call (or batch) naming any `auth.*` procedure or one that answers a secret shown
 * once. REST routes of the kind never run this middleware: their definitions say `idempotency: false`.
 */
export function answersWithCredentials(pathname: string): boolean {
  if (!pathname.startsWith(TRPC_PREFIX)) return false;
  return decoded(pathname.slice(TRPC_PREFIX.length))
    .split(",")
    .some((name) => {
      const procedure = name.trim();
      return procedure.startsWith("auth.") || SECRET_ANSWERS.has(procedure);
    });
}

export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (!key || !MUTATING.has(c.req.method)) return next();
  if (answersWithCredentials(c.req.path)) return next();
  if (!KEY.test(key)) throw new AppError("INVALID_IDEMPOTENCY_KEY");
  // A streamed tRPC answer (JSON lines) cannot be stored for the retry: the retry would run again.
  if (c.req.path.startsWith(TRPC_PREFIX) && (c.req.header("trpc-accept") ?? "").includes("jsonl")) {
    throw new AppError("INVALID_IDEMPOTENCY_KEY", {
      details: {
        en: "A keyed call cannot stream its answer: send it without trpc-accept: application/jsonl.",
        fr: "Un appel avec une clé ne peut pas diffuser sa réponse : envoyez-le sans trpc-accept: application/jsonl.",
      },
    });
  }

  const { db, config } = c.get("deps");
  const actor = c.get("actor");
  const url = new URL(c.req.url);
  const body = await c.req.raw.clone().text();
  const claim = await claimIdempotencyKey(db, {
    scope: actor ? `user:${actor.userId}` : `ip:${c.get("clientIp")}`,
    key,
    userId: actor?.userId ?? null,
    method: c.req.method,
    path: url.pathname + url.search,
    requestHash: createHash("sha256").update(`${c.req.method} ${url.pathname}${url.search}\n${body}`).digest("hex"),
    ttlHours: config.IDEMPOTENCY_TTL_HOURS,
  });
  if (claim.kind === "mismatch") throw new AppError("IDEMPOTENCY_KEY_REUSED");
  if (claim.kind === "in_progress") throw new AppError("IDEMPOTENCY_IN_PROGRESS", { retryAfterSeconds: 2 });
  if (claim.kind === "replay") {
    // The first answer as it was sent: a tRPC error stays tRPC's JSON, in the first call's language.
    const headers: Record<string, string> = {
      "content-type": claim.contentType ?? storedTypeOf(c.req.path, claim.statusCode),
      "idempotent-replayed": "true",
    };
    if (claim.contentLanguage) headers["content-language"] = claim.contentLanguage;
    return new Response(claim.body === null ? null : JSON.stringify(claim.body), {
      status: claim.statusCode,
      headers,
    });
  }

  await next(); // errors reach here as problem responses (Hono's onError runs below us)
  const res = c.res;
  const type = res.headers.get("content-type") ?? "";
  const log = c.get("log");
  const answer = res.status < 500 && /json/.test(type) ? storedAnswer(await res.clone().text()) : undefined;
  if (answer === undefined) {
    // Server failures are retried for real; streams and files cannot be replayed from storage.
    await settle(() => releaseIdempotencyKey(db, claim.id), log);
    return;
  }
  // The language middleware names it after us when the answer did not: it is the request's.
  const media = { contentType: type || null, contentLanguage: res.headers.get("content-language") ?? c.get("lang") };
  await settle(() => completeIdempotencyKey(db, claim.id, res.status, answer, media), log);
});

/** The content type of an answer stored before types were kept: tRPC's JSON, REST's problem or JSON. */
function storedTypeOf(path: string, status: number): string {
  if (path.startsWith(TRPC_PREFIX) || status < 400) return "application/json";
  return "application/problem+json";
}

/** The answer to store: one JSON document (null when empty); undefined for a stream of JSON lines (tRPC's jsonl). */
function storedAnswer(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** How long a claim's outcome is retried: a claim older than this may be taken over anyway. */
const SETTLE_RETRY_MS = 2 * 60_000;

/**
 * Writes a claim's outcome (its answer, or its release). When PostgreSQL went away in the meantime
 * the client gets a 503, and the outcome is written as soon as it is back: the client's retry then
 * gets the first answer (or runs again) within seconds, not after the claim's two minutes.
 */
async function settle(write: () => Promise<void>, log: Logger): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (unavailableDependency(error) !== "postgres") throw error;
    void settleLater(write, log);
    throw error;
  }
}

async function settleLater(write: () => Promise<void>, log: Logger): Promise<void> {
  const deadline = Date.now() + SETTLE_RETRY_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
    try {
      await write();
      return;
    } catch (error) {
      if (unavailableDependency(error) !== "postgres") {
        log.warn({ err: error }, "idempotency key not settled");
        return;
      }
    }
  }
}
