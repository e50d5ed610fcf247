/**
 * Every setting Sira reads, validated once at start-up. A bad value stops the process with a
 * message naming the variable, instead of failing later in a request.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseStorageUrl } from "./storage-url.ts";

/** The repository root: the nearest folder up holding pnpm-workspace.yaml (sources or a build's dist). */
function repositoryRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
  }
  return resolve(here, "../../..");
}

const REPO_ROOT = repositoryRoot();

const csv = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Days the usage roll-up rebuilds from raw events on each run (today and the week before it). */
export const USAGE_REROLL_DAYS = 8;

export const configSchema = z.object({
  /** Unset counts as production: the public development defaults need an explicit development or test. */
  NODE_ENV: z.enum(["development", "test", "production"]).default("production"),
  /** The name a process logs and connects under; each entry point sets its own (sira-api, sira-worker…). */
  SIRA_SERVICE: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(1).max(65535).default(8000),
  /** API processes sharing PORT (node:cluster); 0 means one per core (docs/operations.md). */
  WEB_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(0),
  PUBLIC_BASE_URL: z.url().default("http://127.0.0.1:8000"),
  /**
   * On SIGTERM a process stops taking work and lets what it holds finish for this long (the API its
   * requests in flight, the worker its running jobs), then exits; open event streams end at once
   * with a reconnect hint. Keep it under the orchestrator's kill timeout (decision 0061).
   */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(8_000),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .default("postgresql://postgres@127.0.0.1:5432/sira"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
  /**
   * How long a request may wait for a pooled connection (and an interactive transaction to start)
   * before it is refused with 503: bursts queue instead of failing at once.
   */
  DATABASE_POOL_WAIT_MS: z.coerce.number().int().min(100).default(10_000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .default("redis://127.0.0.1:6379/0"),
  QUEUE_PREFIX: z.string().min(1).default("sira"),
  /**
   * A running job's lock lasts this long and is renewed at half of it; when its worker dies, the job
   * is noticed as stalled once the lock lapses and runs again elsewhere (decision 0061).
   */
  JOB_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** How often each worker looks for stalled jobs (locks that lapsed) and queues them again. */
  JOB_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),

  CORS_ORIGINS: csv.default(["http://localhost:3000", "http://127.0.0.1:3000"]),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  /** Calls of /health/ready per minute per client network: it touches PostgreSQL and Redis. */
  READY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /**
   * The bearer token Prometheus sends for GET /metrics (the API's port, and the worker's
   * WORKER_METRICS_PORT). Unset: the API answers /metrics 404 and the worker serves no metrics.
   */
  METRICS_TOKEN: z.string().min(32, "must be at least 32 characters").optional(),
  /** The worker serves GET /metrics on this port (on HOST) when set; it needs METRICS_TOKEN. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Figures a scrape reads from Redis or PostgreSQL (queue depth, dependency checks) are reused this long. */
  METRICS_CACHE_MS: z.coerce.number().int().min(0).default(10_000),
  /** Reverse proxies in front of the API that append to X-Forwarded-For (0: use the socket address). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * When set, X-Forwarded-For is read (TRUST_PROXY_HOPS deep) only on connections from these
   * addresses (the learner app's server, a load balancer); any other caller counts by its socket.
   * Lets one API serve a proxy in front and browsers that call it directly.
   */
  TRUST_PROXY_ADDRESSES: csv
    .pipe(z.array(z.union([z.ipv4(), z.ipv6()], { error: "must be IP addresses, comma-separated" })))
    .default([]),
  COMPRESSION_MIN_BYTES: z.coerce.number().int().min(0).default(1024),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(1000).default(15_000),
  /** A lesson or tutor stream with nothing new for this long ends with `reconnect` (the work may be queued). */
  SSE_IDLE_MS: z.coerce.number().int().min(100).default(120_000),
  SSE_COALESCE_MS: z.coerce.number().int().min(0).default(200),
  /** A coalesced SSE frame also waits for this many characters (the whole stream ≤ ~1.3× the text: 0056)… */
  SSE_MIN_FRAME_CHARS: z.coerce.number().int().min(0).default(360),
  /** …for at most this long after its first character. */
  SSE_MAX_FRAME_WAIT_MS: z.coerce.number().int().min(0).default(1500),
  /** Event streams one user may hold open at once, across API processes (decision 0028). */
  SSE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).default(3),
  /** New on-demand generations (lessons) one learner may start per UTC day (decision 0028). */
  GENERATION_DAILY_QUOTA: z.coerce.number().int().min(1).default(20),
  /**
   * The countries content is written for (ISO 3166-1 alpha-2); a learner from elsewhere reads the
   * first one's. Bounds how many versions of each lesson a change of profile can create (decision 0028).
   */
  GENERATION_COUNTRIES: csv
    .pipe(z.array(z.string().regex(/^[A-Za-z]{2}$/, "must be ISO 3166-1 alpha-2 codes")).min(1))
    .transform((codes) => [...new Set(codes.map((code) => code.toUpperCase()))])
    .default(["SN", "CI", "ML", "BF", "NE", "GN", "BJ", "TG", "GH", "NG"]),
  /** The language model's price in US dollars per million input tokens (for the cost figures). */
  AI_INPUT_PRICE_PER_MTOK_USD: z.coerce.number().min(0).default(3),
  /** The language model's price in US dollars per million output tokens. */
  AI_OUTPUT_PRICE_PER_MTOK_USD: z.coerce.number().min(0).default(15),
  /** Usage events are written in bulk this often (and as soon as 500 are waiting). */
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(50).default(2_000),
  /** Usage events one process buffers at most; past it new events are dropped and counted. */
  USAGE_BUFFER_MAX: z.coerce.number().int().min(100).default(20_000),
  /** Raw usage events are kept this many days (the daily roll-ups are kept for good), beyond the days rebuilt. */
  USAGE_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(USAGE_REROLL_DAYS + 1)
    .default(400),
  /** Tokens a tutor prompt may hold (system, memory, summary, recent turns, sources, question). */
  TUTOR_PROMPT_BUDGET_TOKENS: z.coerce.number().int().min(1_000).default(6_000),
  /** The rolling summary of older turns is kept within this many tokens. */
  TUTOR_SUMMARY_MAX_TOKENS: z.coerce.number().int().min(50).default(400),
  /** Tokens the tutor may write in one answer. */
  TUTOR_ANSWER_MAX_TOKENS: z.coerce.number().int().min(50).default(900),
  /**
   * An answer nobody has listened to for this long is stopped (provider request aborted) and kept
   * as incomplete; a reconnect within it resumes the same answer.
   */
  TUTOR_ABANDON_AFTER_MS: z.coerce.number().int().min(200).default(30_000),
  /** Answers one learner may have waiting or being written at once; another question is refused (429). */
  TUTOR_MAX_ANSWERS_IN_FLIGHT: z.coerce.number().int().min(1).default(3),
  /** A retrieved chunk counts as relevant from this cosine similarity (real embedders only). */
  TUTOR_RELEVANCE_FLOOR: z.coerce.number().min(0).max(1).default(0.3),
  /** How long a stored first answer is replayed; covers the whole offline-replay window. */
  IDEMPOTENCY_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(31 * 24),
  /** How far back an offline-queued request may claim to have happened. */
  OFFLINE_REPLAY_MAX_AGE_DAYS: z.coerce.number().int().min(1).default(30),
  DEFAULT_LANGUAGE: z.enum(["fr", "en"]).default("fr"),

  /** Where the PWA lives: magic links in emails point there. */
  APP_BASE_URL: z.url().default("http://localhost:3000"),
  /** Signs access tokens (HS256). Required in production; development uses a fixed, public default. */
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  JWT_ISSUER: z.string().default("sira-api"),
  JWT_AUDIENCE: z.string().default("sira-app"),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** A session (refresh-token family) ends this long after sign-in, however often it is refreshed (90 days). */
  REFRESH_SESSION_MAX_AGE_SECONDS: z.coerce.number().int().min(1).default(7_776_000),
  /** A refresh retried this soon after it succeeded gets the same successor back instead of revoking the session. */
  REFRESH_RETRY_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /**
   * AES-256-GCM keys sealing TOTP secrets, as `version:base64key` pairs separated by commas; the
   * highest version seals, every listed version opens (see docs/decisions/0012-auth.md on rotation).
   */
  TOTP_ENCRYPTION_KEYS: z
    .string()
    .regex(/^\d+:[A-Za-z0-9+/=_-]{43,44}(,\d+:[A-Za-z0-9+/=_-]{43,44})*$/, "must be version:base64(32 bytes) pairs")
    .optional(),
  /** Keys the hashes of backup codes and activation codes, so a database dump alone cannot test guesses. */
  HASH_PEPPER: z.string().min(32, "must be at least 32 characters").optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url().optional(),
  ANTHROPIC_MODEL: z.string().default("claude-sonnet-4-5"),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  EMBEDDING_MODEL: z.string().default("text-embedding-3-small"),
  /** Lesson audio through OpenAI speech (when OPENAI_API_KEY is set; espeak-ng offline otherwise). */
  TTS_MODEL: z.string().default("gpt-4o-mini-tts"),
  TTS_VOICE: z.string().default("alloy"),
  SMTP_URL: z.string().optional(),
  EMAIL_FROM: z.string().default("Sira <no-reply@sira.local>"),
  /** Where uploaded and generated files live; a relative path is taken from the repository root. */
  STORAGE_DIR: z
    .string()
    .default(".data/storage")
    .transform((dir) => resolve(REPO_ROOT, dir)),
  /**
   * An S3-compatible bucket instead of STORAGE_DIR (decision 0058):
   * `s3://<bucket>?endpoint=<URL>&region=<region>&force_path_style=true`. Unset: the local directory.
   */
  STORAGE_URL: z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseStorageUrl(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    })
    .optional(),
  /** The bucket's credentials; unset, the AWS SDK's chain (AWS_ACCESS_KEY_ID…, profiles, roles). */
  STORAGE_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  STORAGE_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /**
   * Lesson audio, images and module media answer a GET with a 302 to a presigned URL of the
   * bucket (access checked first), so their bytes do not pass through the API. Needs STORAGE_URL.
   */
  STORAGE_PRESIGNED_MEDIA: z
    .enum(["true", "false"], "must be true or false")
    .default("false")
    .transform((v) => v === "true"),
  /** How long a presigned media URL lives; each one is issued with at least half of this left. */
  STORAGE_PRESIGNED_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(50 * 1024 * 1024),
  /** Document text extraction runs in a worker thread stopped after this long (decision 0030). */
  EXTRACTION_TIMEOUT_MS: z.coerce.number().int().min(1).default(60_000),
  /** The extraction thread's JavaScript heap; past it the thread dies and the document is refused. */
  EXTRACTION_MAX_HEAP_MB: z.coerce.number().int().min(32).default(512),
  SMS_RELAY_HMAC_SECRET: z.string().optional(),
  /**
   * A stored object no row names is removed once it is this many hours old (decision 0047): an
   * object is written before the row that names it commits, so a young one may be about to be named.
   */
  STORAGE_ORPHAN_GRACE_HOURS: z.coerce.number().int().min(1).default(24),
  /** Structure proposals rejected, failed or never decided are removed after this many days. */
  STRUCTURE_PROPOSAL_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
});

/** Secrets that every environment but development and test must set: their defaults are public. */
export const PRODUCTION_SECRETS = ["JWT_SECRET", "TOTP_ENCRYPTION_KEYS", "HASH_PEPPER"] as const;

/** Whether the public development keys may stand in for missing secrets. */
export function usesDevelopmentDefaults(config: Pick<Config, "NODE_ENV">): boolean {
  return config.NODE_ENV === "development" || config.NODE_ENV === "test";
}

export type Config = z.infer<typeof configSchema>;

/** Storage settings that are each valid but do not go together. */
function storageProblems(config: Config): string[] {
  const problems: string[] = [];
  if (Boolean(config.STORAGE_S3_ACCESS_KEY_ID) !== Boolean(config.STORAGE_S3_SECRET_ACCESS_KEY)) {
    problems.push("  STORAGE_S3_ACCESS_KEY_ID, STORAGE_S3_SECRET_ACCESS_KEY: set both or neither");
  }
  if (config.STORAGE_PRESIGNED_MEDIA && !config.STORAGE_URL) {
    problems.push("  STORAGE_PRESIGNED_MEDIA: needs STORAGE_URL (the local directory cannot presign URLs)");
  }
  return problems;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses settings from an environment object; throws a ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = configSchema.safeParse(cleaned);
  const lines = result.success ? [] : result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  if (result.success && !usesDevelopmentDefaults(result.data)) {
    const unsetEnv = !cleaned.NODE_ENV;
    for (const key of PRODUCTION_SECRETS) {
      if (result.data[key]) continue;
      lines.push(
        unsetEnv
          ? `  ${key}: required (NODE_ENV is unset, so production rules apply; set NODE_ENV=development or test for the public development defaults)`
          : `  ${key}: required in production`,
      );
    }
  }
  if (result.success) lines.push(...storageProblems(result.data));
  if (result.success && result.data.WORKER_METRICS_PORT && !result.data.METRICS_TOKEN) {
    lines.push("  WORKER_METRICS_PORT: needs METRICS_TOKEN (metrics are never served without it)");
  }
  if (!result.success || lines.length) throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  return result.data;
}

let cached: Config | undefined;

/** The process-wide settings, parsed on first use. */
export function loadConfig(): Config {
  cached ??= parseConfig();
  return cached;
}

/** For entry points: the settings, or a message naming every bad one on stderr and exit code 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${process.env.SIRA_SERVICE ?? "sira"}: refusing to start. ${error.message}\n`);
    process.exit(1);
  }
}
