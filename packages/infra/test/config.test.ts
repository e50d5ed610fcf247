import { describe, expect, it } from "vitest";
import { ConfigError, PRODUCTION_SECRETS, parseConfig, usesDevelopmentDefaults } from "../src/config.ts";

describe("configuration", () => {
  it("runs on embedded defaults with nothing but NODE_ENV=development", () => {
    const config = parseConfig({ NODE_ENV: "development" });
    expect(config.PORT).toBe(8000);
    expect(config.DATABASE_URL).toMatch(/^postgresql:\/\//);
    expect(config.REDIS_URL).toMatch(/^redis:\/\//);
    expect(config.RATE_LIMIT_PER_MINUTE).toBe(100);
    expect(config.ANTHROPIC_API_KEY).toBeUndefined();
  });

  it("parses numbers and lists from strings, and treats empty values as unset", () => {
    const config = parseConfig({
      NODE_ENV: "test",
      PORT: "9001",
      CORS_ORIGINS: "https://a.sira.africa, https://b.sira.africa",
      TRUST_PROXY_HOPS: "1",
      OPENAI_API_KEY: "",
    });
    expect(config.PORT).toBe(9001);
    expect(config.CORS_ORIGINS).toEqual(["https://a.sira.africa", "https://b.sira.africa"]);
    expect(config.TRUST_PROXY_HOPS).toBe(1);
    expect(config.TRUST_PROXY_ADDRESSES).toEqual([]);
    expect(config.OPENAI_API_KEY).toBeUndefined();
  });

  it("takes the trusted proxies as IP addresses and refuses anything else", () => {
    expect(parseConfig({ NODE_ENV: "test", TRUST_PROXY_ADDRESSES: "10.0.0.2, ::1" }).TRUST_PROXY_ADDRESSES).toEqual([
      "10.0.0.2",
      "::1",
    ]);
    expect(() => parseConfig({ NODE_ENV: "test", TRUST_PROXY_ADDRESSES: "web.internal" })).toThrow(
      /TRUST_PROXY_ADDRESSES/,
    );
  });

  it("keeps raw usage events longer than the roll-up rebuilds days from them", () => {
    // The roll-up rebuilds today and the 7 days before: deleting their events would shrink their totals.
    for (const days of ["7", "8"]) {
      expect(() => parseConfig({ NODE_ENV: "test", USAGE_RETENTION_DAYS: days })).toThrow(/USAGE_RETENTION_DAYS/);
    }
    expect(parseConfig({ NODE_ENV: "test", USAGE_RETENTION_DAYS: "9" }).USAGE_RETENTION_DAYS).toBe(9);
  });

  it("refuses a worker metrics port without the metrics token", () => {
    expect(() => parseConfig({ NODE_ENV: "test", WORKER_METRICS_PORT: "9464" })).toThrow(
      /WORKER_METRICS_PORT: needs METRICS_TOKEN/,
    );
    expect(() => parseConfig({ NODE_ENV: "test", METRICS_TOKEN: "short" })).toThrow(
      /METRICS_TOKEN: must be at least 32 characters/,
    );
    const token = "t".repeat(32);
    expect(parseConfig({ NODE_ENV: "test", WORKER_METRICS_PORT: "9464", METRICS_TOKEN: token })).toMatchObject({
      WORKER_METRICS_PORT: 9464,
      METRICS_TOKEN: token,
    });
  });

  it("fails fast, naming every bad setting", () => {
    const attempt = () => parseConfig({ PORT: "eighty", DATABASE_URL: "mysql://x", JWT_SECRET: "short" });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT/);
      expect(message).toMatch(/DATABASE_URL: must be a postgresql:\/\/ URL/);
      expect(message).toMatch(/JWT_SECRET: must be at least 32 characters/);
    }
  });

  it("treats an unset NODE_ENV as production: every public development secret is refused by name", () => {
    for (const env of [{}, { NODE_ENV: "" }, { NODE_ENV: "production" }]) {
      const message = (() => {
        try {
          parseConfig(env);
          return "parsed";
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          return (error as Error).message;
        }
      })();
      for (const key of PRODUCTION_SECRETS) expect(message).toMatch(new RegExp(`${key}: required`));
    }
    expect(() => parseConfig({})).toThrow(/NODE_ENV is unset/);
  });

  it("parses production once the three secrets are set, and development defaults only where asked", () => {
    const secrets = {
      JWT_SECRET: "j".repeat(40),
      TOTP_ENCRYPTION_KEYS: `1:${Buffer.alloc(32, 7).toString("base64")}`,
      HASH_PEPPER: "p".repeat(40),
    };
    expect(parseConfig(secrets).NODE_ENV).toBe("production");
    expect(usesDevelopmentDefaults(parseConfig(secrets))).toBe(false);
    expect(usesDevelopmentDefaults(parseConfig({ NODE_ENV: "test" }))).toBe(true);
    expect(usesDevelopmentDefaults(parseConfig({ NODE_ENV: "development" }))).toBe(true);
  });
});
