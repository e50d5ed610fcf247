/**
 * Whether the session cookies carry `Secure`. `COOKIE_SECURE` decides when set. Otherwise they do,
 * unless the app's own origin (`APP_BASE_URL`) is plain http on this machine (development and the
 * tests) and the request did not come over https: a proxy that terminates TLS without sending
 * `X-Forwarded-Proto` still gets Secure cookies.
 */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function secureCookies(
  request: { protocol: string; forwardedProto: string | null },
  env: Record<string, string | undefined> = process.env,
): boolean {
  const configured = env.COOKIE_SECURE?.trim().toLowerCase();
  if (configured === "true" || configured === "1") return true;
  if (configured === "false" || configured === "0") return false;
  const proto = (request.forwardedProto?.split(",")[0]?.trim() || request.protocol.replace(":", "")).toLowerCase();
  if (proto === "https") return true;
  try {
    const origin = new URL(env.APP_BASE_URL ?? "");
    return !(origin.protocol === "http:" && LOOPBACK.has(origin.hostname));
  } catch {
    return true;
  }
}
