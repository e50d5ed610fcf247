/**
 * What proxy.ts does with a browser's /api/v1 or /trpc request, judged on the path the API will
 * route, not on the characters the browser sent: the URL parser resolves dot segments (`%2e%2e`
 * included) and the API's router then percent-decodes, so `/api/v1/auth/%6Cogin` is the login
 * route and `/api/v1/images/%2e%2e/users/me` is not an image.
 */
const TOKEN_ROUTES = /^\/api\/v1\/auth\/(login|refresh|totp\/confirm)\/?$/;
/** The same through tRPC (`/trpc/auth.login`, or inside a batch `/trpc/a,auth.refresh`). */
const TOKEN_PROCEDURES = new Set(["auth.login", "auth.refresh", "auth.confirmTotp"]);
const BYTE_ROUTES = /^\/api\/v1\/(images\/[^/]+|media\/[^/]+\/file|lessons\/[^/]+\/audio\/sections\/\d+)\/?$/;

export type Forwarding =
  /** Not forwarded: a route that hands out tokens, or a path outside /api/v1 and /trpc once resolved. */
  | { forward: false }
  /** Forwarded to `target`; `bytes`: a GET of image or audio bytes, which may carry the access cookie's token. */
  | { forward: true; target: URL; bytes: boolean };

/** tRPC reads its procedure list with decodeURIComponent (a `%2C` is a comma to it). */
function tokenProcedure(path: string): boolean {
  if (!path.startsWith("/trpc/")) return false;
  let procedures: string;
  try {
    procedures = decodeURIComponent(path.slice("/trpc/".length));
  } catch {
    return true;
  }
  return procedures.split(",").some((p) => TOKEN_PROCEDURES.has(p.trim().replace(/\/$/, "")));
}

export function forwarding(pathname: string, search: string, apiOrigin: string, method: string): Forwarding {
  const target = new URL(`${pathname}${search}`, apiOrigin);
  let path: string;
  try {
    path = decodeURI(target.pathname).replace(/\/{2,}/g, "/");
  } catch {
    return { forward: false };
  }
  const api = path.startsWith("/api/v1/") || path === "/trpc" || path.startsWith("/trpc/");
  if (!api || TOKEN_ROUTES.test(path) || tokenProcedure(path)) return { forward: false };
  return { forward: true, target, bytes: method === "GET" && BYTE_ROUTES.test(path) };
}
