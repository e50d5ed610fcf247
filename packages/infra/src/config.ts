/**
 * Every setting Sira reads, validated once at start-up. A bad value stops the process with a
 * message naming the variable, instead of failing later in a request.
 */
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const csv = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(8000),
  PUBLIC_BASE_URL: z.url().default("http://127.0.0.1:8000"),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .default("postgresql://postgres@127.0.0.1:5432/sira"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .default("redis://127.0.0.1:6379/0"),
  QUEUE_PREFIX: z.string().min(1).default("sira"),

  CORS_ORIGINS: csv.default(["http://localhost:3000", "http://127.0.0.1:3000"]),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  /** What the rate limiter does when Redis is unreachable: let requests through, or refuse them. */
  RATE_LIMIT_WHEN_REDIS_DOWN: z.enum(["allow", "deny"]).default("allow"),
  TRUST_PROXY: bool.default(false),
  COMPRESSION_MIN_BYTES: z.coerce.number().int().min(0).default(1024),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(1000).default(15_000),
  SSE_COALESCE_MS: z.coerce.number().int().min(0).default(200),
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(1).default(72),
  /** How far back an offline-queued request may claim to have happened. */
  OFFLINE_REPLAY_MAX_AGE_DAYS: z.coerce.number().int().min(1).default(30),
  DEFAULT_LANGUAGE: z.enum(["fr", "en"]).default("fr"),

  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  TOTP_ENCRYPTION_KEY: z.string().optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  ANTHROPIC_MODEL: z.string().default("claude-sonnet-4-5"),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  EMBEDDING_MODEL: z.string().default("text-embedding-3-small"),
  SMTP_URL: z.string().optional(),
  EMAIL_FROM: z.string().default("Sira <no-reply@sira.local>"),
  STORAGE_DIR: z.string().default(".data/storage"),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(50 * 1024 * 1024),
  SMS_RELAY_HMAC_SECRET: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses settings from an environment object; throws a ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Config | undefined;

/** The process-wide settings, parsed on first use. */
export function loadConfig(): Config {
  cached ??= parseConfig();
  return cached;
}
