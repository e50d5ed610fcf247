/**
 * The API test harness: the real app on this worker's own PostgreSQL database and Redis database
 * (see test/worker-env.ts), a listening server for tests that need real sockets, and an SSE reader.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { DENYLIST_LOADED_KEY, startSession, tokenPair } from "@sira/domain";
import { createLogger, createRedis, getQueue, parseConfig, type Redis } from "@sira/infra";
import { createDb, onQuery } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type CourseFixture, enroll, makeCourse } from "../../../packages/domain/test/content/fixtures.ts";
import { type App, createApp } from "../src/app.ts";
import type { AppDeps } from "../src/app-types.ts";
import { createAppDeps } from "../src/deps.ts";

type Env = Record<string, string>;

const closers: (() => Promise<unknown>)[] = [];
let stateRedis: Redis | undefined;

function requiredEnv(name: "DATABASE_URL" | "REDIS_URL"): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through vitest (test/worker-env.ts sets it)`);
  return value;
}

/**
 * Real dependencies for the app. `overrides` are environment variables on top of this worker's
 * own, e.g. `{ RATE_LIMIT_PER_MINUTE: "3" }`, or `{ REDIS_URL: "redis://127.0.0.1:6390" }` for a
 * Redis that is down: the clients are built from the resulting config.
 */
export function testDeps(overrides: Env = {}): AppDeps {
  const config = parseConfig({ ...process.env, ...overrides });
  const db = createDb({
    url: config.DATABASE_URL,
    poolMax: overrides.DATABASE_POOL_MAX ? config.DATABASE_POOL_MAX : 4,
    poolWaitMs: config.DATABASE_POOL_WAIT_MS,
    logQueries: true,
  });
  const redis = createRedis(config.REDIS_URL);
  // Some tests point Redis at a dead port on purpose; without a listener ioredis prints each failure.
  redis.on("error", () => {});
  closers.push(
    () => db.$disconnect(),
    async () => redis.disconnect(),
  );
  const logger = createLogger("test", (process.env.TEST_LOG_LEVEL ?? "silent") as "silent");
  return createAppDeps({ config, db, redis, logger });
}

/** The real Hono app on fresh test dependencies. */
export function testApp(overrides: Env = {}): { app: App; deps: AppDeps } {
  const deps = testDeps(overrides);
  return { app: createApp(deps), deps };
}

/** Empties this worker's Redis database (rate-limit windows, counters): enough for DB-free tests. */
export async function resetRedis(): Promise<void> {
  if (!stateRedis) {
    const client = createRedis(requiredEnv("REDIS_URL"));
    stateRedis = client;
    closers.push(async () => client.disconnect());
  }
  await stateRedis.flushdb();
  // As the API's start-up leaves it: the list of ended sessions is whole (none are listed yet).
  await stateRedis.set(DENYLIST_LOADED_KEY, "1");
}

/** Empties this worker's database and Redis database, for tests that write rows. */
export async function resetState(): Promise<void> {
  await Promise.all([truncateAll(requiredEnv("DATABASE_URL")), resetRedis()]);
}

/** Closes every client and server the helpers opened: call it in afterAll. */
export async function closeTestDeps(): Promise<void> {
  const pending = closers.splice(0);
  stateRedis = undefined;
  await Promise.allSettled(pending.map((close) => close()));
}

/** Serves `app` on a free local port, as `pnpm start` does; closed by closeTestDeps. */
export async function listen(app: Pick<Parameters<typeof serve>[0], "fetch">): Promise<string> {
  let server: ReturnType<typeof serve> | undefined;
  const { port } = await new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, resolve);
  });
  closers.push(
    () =>
      new Promise<void>((done) => {
        server?.close(() => done());
        if (server && "closeAllConnections" in server) server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${port}`;
}

/** The app of one test file, listening on a port; `base` is its URL once the file's tests start. */
export interface ApiOnPort {
  app: App;
  deps: AppDeps;
  base: string;
}

/**
 * The real app on fresh dependencies, listening on a port for the whole file, with empty state
 * before each test and everything closed after the file (it registers those hooks itself).
 */
export function apiOnPort(overrides: Env = {}): ApiOnPort {
  const { app, deps } = testApp(overrides);
  const api: ApiOnPort = { app, deps, base: "" };
  beforeAll(async () => {
    api.base = await listen(app);
  });
  beforeEach(resetState);
  afterAll(closeTestDeps);
  return api;
}

/** A JSON request to a listening API; the answer's status and parsed JSON body. */
export async function sendJson(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Empty state and generation queue, then a published course and a learner (in Senegal) enrolled
 * in it: where the lesson tests start.
 */
export async function enrolledLearner(deps: AppDeps): Promise<{ course: CourseFixture; learner: SignedIn }> {
  await resetState();
  await getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX }).obliterate({ force: true });
  const course = await makeCourse(deps.db);
  const learner = await signIn(deps, { role: "learner", country: "SN" });
  await enroll(deps.db, learner.userId, course.courseId);
  return { course, learner };
}

/** The course and enrolled learner of the current test (see enrolledLearnerWorld). */
export interface LearnerWorld {
  course: CourseFixture;
  learner: SignedIn;
}

/**
 * Registers a beforeEach that starts every test of the file from enrolledLearner; the returned
 * object always holds the current test's course and learner.
 */
export function enrolledLearnerWorld(deps: AppDeps): LearnerWorld {
  const world = {} as LearnerWorld;
  beforeEach(async () => {
    Object.assign(world, await enrolledLearner(deps));
  });
  return world;
}

/** A parsed server-sent event or comment. */
export interface SseFrame {
  id?: string;
  event?: string;
  retry?: string;
  data?: unknown;
  comment?: string;
}

/** Splits an event-stream text into frames (complete frames only). */
export function parseSse(text: string): SseFrame[] {
  return text
    .split("\n\n")
    .slice(0, -1)
    .map((block) => {
      const frame: SseFrame = {};
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) frame.comment = line.slice(1).trim();
        else {
          const [field = "", ...rest] = line.split(": ");
          const value = rest.join(": ");
          if (field === "data") data.push(value);
          else if (field === "id" || field === "event" || field === "retry") frame[field] = value;
        }
      }
      if (data.length) frame.data = JSON.parse(data.join("\n"));
      return frame;
    });
}

/** Reads an event stream as it arrives. */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  text = "";
  done = false;

  constructor(body: ReadableStream<Uint8Array> | null) {
    if (!body) throw new Error("the response has no body");
    this.reader = body.getReader();
  }

  get frames(): SseFrame[] {
    return parseSse(this.text);
  }

  /** Reads one chunk as the server sent it; false once the stream has ended. */
  async readChunk(): Promise<boolean> {
    const { value, done } = await this.reader.read();
    if (done) {
      this.done = true;
      return false;
    }
    this.text += this.decoder.decode(value, { stream: true });
    return true;
  }

  /** Reads until a complete frame matches, and returns it. */
  async until(match: (frame: SseFrame) => boolean): Promise<SseFrame> {
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (!(await this.readChunk())) throw new Error(`stream ended without the expected frame:\n${this.text}`);
    }
  }

  /** Reads to the end of the stream and returns every frame. */
  async rest(): Promise<SseFrame[]> {
    while (await this.readChunk());
    return this.frames;
  }
}

export interface SignedIn {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  headers: Record<string, string>;
}

/**
 * A signed-in user without the TOTP ceremony (the auth tests cover that): an active account with
 * its address verified, as every account activated through registration is, and a real session
 * with real tokens.
 */
export async function signIn(
  deps: AppDeps,
  profile: Partial<{
    email: string;
    role: "learner" | "expert" | "admin";
    preferredLanguage: "fr" | "en";
    country: string;
    name: string;
  }> = {},
): Promise<SignedIn> {
  const email = profile.email ?? `user-${crypto.randomUUID().slice(0, 8)}@example.org`;
  const user = await deps.db.user.create({
    data: {
      email,
      name: profile.name ?? "Aminata Traoré",
      preferredLanguage: profile.preferredLanguage ?? "fr",
      country: profile.country ?? "SN",
      professionalRole: "nurse",
      role: profile.role ?? "learner",
      status: "active",
      emailVerifiedAt: new Date(),
    },
  });
  const env = {
    db: deps.db,
    config: deps.config,
    logger: deps.logger,
    mailer: deps.mailer,
    meta: { ip: null, userAgent: "vitest", requestId: null, now: new Date() },
  };
  const session = await startSession(deps.db, user.id, env.meta, deps.config.REFRESH_TOKEN_TTL_DAYS);
  const pair = await tokenPair(env, user, session);
  return {
    userId: user.id,
    email,
    accessToken: pair.access_token,
    refreshToken: pair.refresh_token,
    headers: { authorization: `Bearer ${pair.access_token}` },
  };
}

/**
 * Counts the SQL statements a piece of work sends (Prisma's and the reviewed reads of `readRows`),
 * so list endpoints can prove a bounded number of queries whatever the page size. Usage events that
 * earlier requests buffered are written first: their timed flush is no part of the work.
 */
export async function countQueries(deps: AppDeps, work: () => Promise<unknown>): Promise<number> {
  await deps.usage.flush();
  let count = 0;
  const stop = onQuery(deps.db, () => {
    count += 1;
  });
  try {
    await work();
  } finally {
    stop();
  }
  return count;
}

/**
 * A JSON request sender for one test file: signed in as `user`, in `lang`, each request with its
 * own X-Request-Id (`<label>-0001`, …) so audit rows can be matched to the request that wrote them.
 */
export function jsonSender(app: App, label: string) {
  let seq = 0;
  return (user: SignedIn, method: string, path: string, body?: unknown, lang = "en") => {
    seq += 1;
    return app.request(path, {
      method,
      headers: {
        ...user.headers,
        "content-type": "application/json",
        "accept-language": lang,
        "x-request-id": `${label}-${String(seq).padStart(4, "0")}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  };
}
