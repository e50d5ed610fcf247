/**
 * Assertions the learner error and security suites share: a refusal's status, code, message in the
 * request's language and named fields over REST, and the same code over tRPC.
 */
import { ERROR_CODES, type ErrorCode, type Language, type Problem } from "@sira/contracts";
import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import type { App } from "../src/app.ts";
import type { SignedIn } from "./helpers.ts";

/** A JSON request as a learner (null: anonymous) in `lang`, with extra headers. */
export function learnerRequest(
  app: App,
  user: SignedIn | null,
  method: string,
  path: string,
  options: { body?: unknown; lang?: Language; headers?: Record<string, string> } = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method,
      headers: {
        ...(user?.headers ?? {}),
        "content-type": "application/json",
        "accept-language": options.lang ?? "en",
        ...(options.headers ?? {}),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
  );
}

/**
 * Asserts a problem+json refusal: status, code, the code's own message in `lang` (unless the
 * domain words it itself), and, when given, the field a validation error names.
 */
export async function expectProblem(
  res: Response,
  expected: { status: number; code: ErrorCode; lang?: Language; field?: string; customDetail?: true },
): Promise<Problem> {
  const lang = expected.lang ?? "en";
  const problem = (await res.json()) as Problem;
  expect([res.status, problem.code]).toEqual([expected.status, expected.code]);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(res.headers.get("content-language")).toBe(lang);
  if (!expected.customDetail) expect(problem.detail).toBe(ERROR_CODES[expected.code][lang]);
  if (expected.field) expect(problem.errors?.map((e) => e.field)).toContain(expected.field);
  return problem;
}

/** The TRPCError a call was refused with (undefined when it succeeded); any other error fails the test. */
async function trpcRefusalOf(call: Promise<unknown>): Promise<TRPCError | undefined> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return error as TRPCError;
  }
  return undefined;
}

const causeCodeOf = (error: TRPCError) => (error.cause as { code?: string } | undefined)?.code;

/** The Sira error code a tRPC call was refused with (undefined when it succeeded). */
export async function trpcCodeOf(call: Promise<unknown>): Promise<string | undefined> {
  const refusal = await trpcRefusalOf(call);
  return refusal && (causeCodeOf(refusal) ?? refusal.code);
}

/**
 * The Sira error code a tRPC refusal carries in its cause, with no fallback to tRPC's own code:
 * proof that the domain named the refusal (undefined when the call succeeded).
 */
export async function siraCodeOf(call: Promise<unknown>): Promise<string | undefined> {
  const refusal = await trpcRefusalOf(call);
  return refusal && causeCodeOf(refusal);
}

/**
 * Calls a procedure over HTTP as a client does (GET with ?input= for queries, POST for mutations)
 * and asserts the refusal: HTTP status, `data.code`, the code's message in `lang` and, when given,
 * the field a validation error names.
 */
export async function expectTrpcProblem(
  app: App,
  user: SignedIn | null,
  call: { procedure: string; input: unknown; mutation?: true },
  expected: { status: number; code: ErrorCode; lang: Language; field?: string },
): Promise<void> {
  const headers = { ...(user?.headers ?? {}), "accept-language": expected.lang };
  const res = call.mutation
    ? await app.request(`/trpc/${call.procedure}`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(call.input),
      })
    : await app.request(`/trpc/${call.procedure}?input=${encodeURIComponent(JSON.stringify(call.input))}`, {
        headers,
      });
  const body = (await res.json()) as {
    error: { message: string; data: { code: string; httpStatus: number; errors?: { field: string }[] } };
  };
  expect([call.procedure, res.status, body.error.data.code]).toEqual([call.procedure, expected.status, expected.code]);
  expect(body.error.message).toBe(ERROR_CODES[expected.code][expected.lang]);
  if (expected.field) expect(body.error.data.errors?.map((e) => e.field)).toContain(expected.field);
}
