import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.ts";

describe("configuration", () => {
  it("runs on embedded defaults with no settings at all", () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(8000);
    expect(config.DATABASE_URL).toMatch(/^postgresql:\/\//);
    expect(config.REDIS_URL).toMatch(/^redis:\/\//);
    expect(config.RATE_LIMIT_PER_MINUTE).toBe(100);
    expect(config.ANTHROPIC_API_KEY).toBeUndefined();
  });

  it("parses numbers and lists from strings, and treats empty values as unset", () => {
    const config = parseConfig({
      PORT: "9001",
      CORS_ORIGINS: "https://a.sira.africa, https://b.sira.africa",
      TRUST_PROXY_HOPS: "1",
      OPENAI_API_KEY: "",
    });
    expect(config.PORT).toBe(9001);
    expect(config.CORS_ORIGINS).toEqual(["https://a.sira.africa", "https://b.sira.africa"]);
    expect(config.TRUST_PROXY_HOPS).toBe(1);
    expect(config.OPENAI_API_KEY).toBeUndefined();
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
});
