/** HTTP helpers for the end-to-end tests: JSON calls as a signed-in user, and polling. */
import type { SignedIn } from "../../apps/api/test/helpers.ts";

export interface CallInit extends RequestInit {
  as?: SignedIn;
}

/** A JSON request to the running API; the body is parsed when there is one. */
export async function callJson<T>(
  base: string,
  path: string,
  init: CallInit = {},
): Promise<{ status: number; body: T }> {
  const { as, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (as) headers.set("authorization", `Bearer ${as.accessToken}`);
  if (typeof rest.body === "string") headers.set("content-type", "application/json");
  const res = await fetch(`${base}${path}`, { ...rest, headers });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Reads until `done` holds; after `ms` it fails with the last value and `context()` (e.g. a service's log). */
export async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  options: { ms?: number; context?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.ms ?? 90_000);
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}\n${options.context?.() ?? ""}`);
    }
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}
