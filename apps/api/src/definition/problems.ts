/**
 * The error answers an operation can give, documented from what the stack really does: the
 * middleware every request crosses, the options an endpoint takes, and the domain errors it
 * declares. Each status lists its codes and points at the one problem+json schema.
 */
import { z } from "@hono/zod-openapi";
import { ERROR_CODES, type ErrorCode } from "@sira/contracts";
import type { AuthRule, HttpMethod } from "./endpoint.ts";

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
    retry_after: z.number().int().optional(),
    resets_at: z.string().optional().describe("When a daily allowance starts again (429 of a daily limit)"),
    price: z.number().int().optional().describe("What it costs, in credits (402)"),
    balance: z.number().int().optional().describe("The caller's credit balance (402)"),
    buy_credits_url: z.string().optional().describe("Where to buy credits (402)"),
  })
  .openapi("Problem");

/** What decides the errors of an operation, ordinary or hand-written. */
export interface ProblemFacts {
  method: HttpMethod;
  auth: AuthRule;
  /** It reads path params, a query or a body (a 400 when they do not parse). */
  input: boolean;
  body?: boolean;
  fields?: boolean;
  since?: boolean;
  /** Stored answers replay a repeated Idempotency-Key. */
  idempotency?: boolean;
  errors?: readonly ErrorCode[];
  /** Counted by a rate limiter (all but the liveness probe). */
  rateLimited?: boolean;
}

const MUTATIONS: ReadonlySet<HttpMethod> = new Set(["post", "put", "patch", "delete"]);

/** Every error code the operation can answer with. */
export function problemCodes(facts: ProblemFacts): ErrorCode[] {
  // Any request: a bearer token that is malformed or of an ended session; the per-IP limiter.
  const codes = new Set<ErrorCode>(["TOKEN_INVALID", "TOKEN_EXPIRED", "UNAUTHENTICATED"]);
  if (facts.rateLimited !== false) codes.add("RATE_LIMITED");
  if (facts.input) codes.add("VALIDATION_FAILED");
  if (facts.body) codes.add("MALFORMED_JSON");
  if (facts.fields) codes.add("UNKNOWN_FIELDS");
  if (facts.since) codes.add("INVALID_SINCE");
  if (facts.auth === "expert" || facts.auth === "admin") codes.add("FORBIDDEN");
  if (MUTATIONS.has(facts.method)) {
    for (const code of ["PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "INVALID_OFFLINE_TIMESTAMP"] as const) {
      codes.add(code);
    }
  }
  if (facts.idempotency) {
    for (const code of ["INVALID_IDEMPOTENCY_KEY", "IDEMPOTENCY_IN_PROGRESS", "IDEMPOTENCY_KEY_REUSED"] as const) {
      codes.add(code);
    }
  }
  for (const code of facts.errors ?? []) codes.add(code);
  return [...codes];
}

/** The OpenAPI responses for those errors: one per status, naming its codes. */
export function problemResponses(facts: ProblemFacts) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of problemCodes(facts)) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      status,
      {
        description: codes.map((code) => `${code}: ${ERROR_CODES[code].en}`).join(" · "),
        content: { "application/problem+json": { schema: problemSchema } },
      },
    ]),
  );
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export const notModified = { description: "Not modified: the If-None-Match tag still matches (no body)" };

export const bearer = [{ bearer: [] }];
