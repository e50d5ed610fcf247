/**
 * TRUST_PROXY_HOPS decides whose address rate limits and sign-in delays count. A wrong value either
 * lumps every client behind a proxy into one key or lets clients pick their own: so the effective
 * setting is logged when the app starts, and the first request that contradicts it gets a warning.
 */
/** The two levels this check writes at (pino's logger has them). */
interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Logs the setting now; returns the per-request check, which warns once per kind of mismatch. */
export function proxyTrustCheck(log: Log, hops: number): (forwardedFor: string | undefined) => void {
  log.info(
    { trust_proxy_hops: hops },
    hops === 0
      ? "client address: the socket's; X-Forwarded-For is ignored (TRUST_PROXY_HOPS=0)"
      : `client address: entry ${hops} from the right of X-Forwarded-For`,
  );
  const warned = new Set<string>();
  const warnOnce = (kind: string, message: string) => {
    if (warned.has(kind)) return;
    warned.add(kind);
    log.warn({ trust_proxy_hops: hops }, message);
  };
  return (forwardedFor) => {
    const entries = forwardedFor ? forwardedFor.split(",").filter((entry) => entry.trim()).length : 0;
    if (hops === 0 && entries > 0) {
      warnOnce(
        "ignored",
        "requests carry X-Forwarded-For but TRUST_PROXY_HOPS=0: behind a proxy every client shares one " +
          "rate-limit and sign-in key; set TRUST_PROXY_HOPS to the number of proxies",
      );
    } else if (hops > 0 && entries < hops) {
      warnOnce(
        "short",
        "a request has fewer X-Forwarded-For entries than TRUST_PROXY_HOPS: it bypassed a proxy or the " +
          "setting is too high, and then clients can choose their own address",
      );
    }
  };
}
