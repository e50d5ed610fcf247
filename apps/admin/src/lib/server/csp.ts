/**
 * The console's content security policy. Next's inline bootstrap scripts need 'unsafe-inline'.
 * The browser calls the API itself (tRPC and the upload), at an address known when the console
 * starts, not when it is built: so the policy is written per request by proxy.ts, and connect-src
 * names the console's own origin and that API origin only.
 */
export function consolePolicy(apiUrl: string, development = process.env.NODE_ENV === "development"): string {
  return [
    `script-src 'self' 'unsafe-inline'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${new URL(apiUrl).origin}`,
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
