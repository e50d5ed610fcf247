import type { Context } from "hono";

/**
 * Swaps a middleware's answer for one built from scratch. Assigning `c.res` directly makes Hono
 * copy the old answer's headers over the new one's, undoing a changed Content-Length or ETag.
 */
export function replaceResponse(c: Context, res: Response): void {
  c.res = undefined;
  c.res = res;
}
