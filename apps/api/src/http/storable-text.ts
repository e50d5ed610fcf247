/**
 * Text PostgreSQL cannot store is refused up front: a NUL character (no text column takes it) or
 * a lone UTF-16 surrogate (no jsonb column takes its escape). Both would otherwise fail deep in a
 * query as a 500. Checked in the URL (path and query, tRPC GET input included) and in JSON bodies,
 * which the body limit has already capped; streamed uploads are bytes, not text, and skip it.
 */
import { UNSTORABLE_CHAR, unstorableText } from "@sira/domain";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-types.ts";
import { mayHaveBody } from "./body-limit.ts";

const BACKSLASH = 0x5c;
const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** A hex digit's value from its character code, or -1. */
function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** The four hex digits at `at` as a number, or -1. */
function hex4(text: string, at: number): number {
  let value = 0;
  for (let k = at; k < at + 4; k++) {
    const digit = k < text.length ? hexDigit(text.charCodeAt(k)) : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/**
 * The same in JSON source: a raw NUL, a `\u0000` escape, or a surrogate escape without its other
 * half. One linear pass (a regular expression with look-behinds slowed down on long runs of
 * backslashes); an escaped backslash is skipped whole, so `\\u0000` is ordinary text.
 */
export function unstorableInJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0) return true;
    if (char !== BACKSLASH) continue;
    if (text[i + 1] !== "u") {
      i += 1;
      continue;
    }
    const unit = hex4(text, i + 2);
    i += 5;
    if (unit === 0 || isLow(unit)) return true;
    if (isHigh(unit)) {
      const next = text.startsWith("\\u", i + 1) ? hex4(text, i + 3) : -1;
      if (!isLow(next)) return true;
      i += 6;
    }
  }
  return false;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text; // a malformed escape is the router's or the validator's to refuse
  }
}

/** The path and query of a request URL (`http://host/path?query`), without parsing a URL object. */
function target(url: string): { pathname: string; search: string } {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return { pathname: "/", search: "" };
  const query = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = hash < 0 ? url.length : hash;
  return query < 0 || query > end
    ? { pathname: url.slice(start, end), search: "" }
    : { pathname: url.slice(start, query), search: url.slice(query, end) };
}

export const storableText = createMiddleware<AppEnv>(async (c, next) => {
  const { pathname, search } = target(c.req.url);
  if (UNSTORABLE_CHAR.test(decoded(pathname))) throw unstorableText("(path)", c.get("lang"));
  if (search && UNSTORABLE_CHAR.test(decoded(search))) throw unstorableText("(query)", c.get("lang"));
  // A tRPC query's input is JSON in the query string: its escapes count too.
  const trpcInput = pathname.startsWith("/trpc/") && search ? new URL(c.req.url).searchParams.get("input") : null;
  if (trpcInput && unstorableInJson(trpcInput)) throw unstorableText("(query)", c.get("lang"));
  const type = c.req.header("content-type") ?? "";
  if (mayHaveBody(c.req.raw) && c.req.raw.body && /json/i.test(type)) {
    if (unstorableInJson(await c.req.raw.clone().text())) throw unstorableText("(body)", c.get("lang"));
  }
  await next();
});
