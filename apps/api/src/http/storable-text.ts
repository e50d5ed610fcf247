/**
 * Text PostgreSQL cannot store is refused up front: a NUL character (no text column takes it) or
 * a lone UTF-16 surrogate (no jsonb column takes its escape). Both would otherwise fail deep in a
 * query as a 500. Checked in the URL (path and query, tRPC GET input included) and in JSON bodies,
 * which the body limit has already capped; streamed uploads are bytes, not text, and skip it.
 */
import { AppError, type FieldError, type Language } from "@sira/contracts";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";

/** A NUL or an unpaired surrogate in decoded text (with /u, a well-formed pair is one code point). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this refuses.
const UNSTORABLE_CHAR = /[\u0000\ud800-\udfff]/u;
/**
 * The same in JSON source, as escapes (a raw NUL too): `\u0000`, a high surrogate escape not
 * followed by a low one, or a low one not preceded by a high one. An escaped backslash before
 * `u0000` is ordinary text, so the escape must follow an even run of backslashes.
 */
const UNSTORABLE_JSON =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this refuses.
  /\u0000|(?<!\\)(?:\\\\)*\\u0000|(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)(?:\\\\)*\\u[dD][c-fC-F][0-9a-fA-F]{2}/;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text; // a malformed escape is the router's or the validator's to refuse
  }
}

function refusal(field: string, lang: Language): AppError {
  const message =
    lang === "fr"
      ? "Caractère interdit : NUL ou substitut UTF-16 isolé."
      : "Character not allowed: NUL or a lone UTF-16 surrogate.";
  const fieldErrors: FieldError[] = [{ field, code: "invalid_characters", message }];
  return new AppError("VALIDATION_FAILED", { fieldErrors });
}

export const storableText = createMiddleware<AppEnv>(async (c, next) => {
  const url = new URL(c.req.url);
  if (UNSTORABLE_CHAR.test(decoded(url.pathname))) throw refusal("(path)", c.get("lang"));
  if (UNSTORABLE_CHAR.test(decoded(url.search))) throw refusal("(query)", c.get("lang"));
  // A tRPC query's input is JSON in the query string: its escapes count too.
  const trpcInput = url.pathname.startsWith("/trpc/") ? url.searchParams.get("input") : null;
  if (trpcInput && UNSTORABLE_JSON.test(trpcInput)) throw refusal("(query)", c.get("lang"));
  const type = c.req.header("content-type") ?? "";
  if (c.req.raw.body && /json/i.test(type)) {
    if (UNSTORABLE_JSON.test(await c.req.raw.clone().text())) throw refusal("(body)", c.get("lang"));
  }
  await next();
});
