/**
 * A `next` after sign-in as a path of the console: resolved as the browser would (`/\evil.example`
 * and `/\t/evil.example` are other hosts), kept only on `origin`, else the course list.
 */
export function safeNext(next: string | null | undefined, origin: string, fallback = "/courses"): string {
  if (!next) return fallback;
  try {
    const url = new URL(next, origin);
    if (url.origin !== origin) return fallback;
    // Leading slashes collapse: `//x` would be a host again for the router.
    return `/${url.pathname.replace(/^\/+/, "")}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
