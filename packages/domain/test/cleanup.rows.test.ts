/**
 * Row cleanup on the real database: structure proposals, sign-in secrets, refresh-token families
 * and raw usage events go by age and stay while young; a revoked token of a live family stays, so
 * its reuse is still detected; usage events go in bounded batches; a second run removes nothing.
 */
import { AppError } from "@sira/contracts";
import { createLogger, parseConfig } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { issueEmailCode } from "../src/auth/email-verification.ts";
import { authKeys } from "../src/auth/keys.ts";
import type { SessionDenylist } from "../src/auth/revocation.ts";
import { endSession, type RefreshPolicy, rotateRefreshToken, startSession } from "../src/auth/sessions.ts";
import { cleanRows } from "../src/cleanup/index.ts";
import { createUsageRecorder } from "../src/usage/index.ts";
import { makeUser } from "./fixtures/users.ts";
import { makeCourse } from "./resources/helpers.ts";

const config = parseConfig(process.env);
const db = createDb({ url: config.DATABASE_URL });
const deps = { db, config: { ...config, STRUCTURE_PROPOSAL_RETENTION_DAYS: 30, USAGE_RETENTION_DAYS: 400 } };
const pepper = authKeys(config).pepper;
const DAY = 86_400_000;
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);
const denied: string[] = [];
const denylist: SessionDenylist = {
  deny: async (ids) => {
    denied.push(...ids);
  },
  check: async () => "live",
  answer: () => "live",
  ensureLoaded: async () => {},
};
const policy: RefreshPolicy = {
  ttlDays: 30,
  sessionMaxAgeSeconds: 90 * 86_400,
  retryGraceSeconds: 10,
  successorKey: Buffer.alloc(32, 7),
};
const request = (at: Date) => ({ ip: "127.0.0.1", userAgent: "test", requestId: null, now: at });

beforeEach(() => truncateAll(config.DATABASE_URL));
afterAll(() => db.$disconnect());

const zero = {
  idempotencyKeys: 0,
  tombstones: 0,
  authThrottles: 0,
  authEmailQuotas: 0,
  structureProposals: 0,
  magicLinks: 0,
  emailVerifications: 0,
  refreshTokens: 0,
  usageEvents: 0,
};

describe("cleanRows", () => {
  it("removes spent structure proposals past the retention, never an accepted or running one", async () => {
    const admin = await makeUser(db, "admin");
    const courseId = await makeCourse(db);
    const proposal = (status: string, at: Date, decided = false) =>
      db.courseStructureProposal.create({
        data: {
          courseId,
          status,
          requestedById: admin,
          createdAt: at,
          ...(status === "queued" || status === "running" ? {} : { completedAt: at }),
          ...(decided ? { decidedAt: at, decidedById: admin } : {}),
          ...(status === "failed" ? { error: "provider down" } : { proposal: { modules: [] } }),
        },
      });
    const gone = [
      await proposal("rejected", ago(40 * DAY), true),
      await proposal("failed", ago(31 * DAY)),
      await proposal("ready", ago(45 * DAY)),
    ];
    const kept = [
      await proposal("rejected", ago(5 * DAY), true),
      await proposal("ready", ago(29 * DAY)),
      await proposal("accepted", ago(400 * DAY), true),
      await proposal("running", ago(40 * DAY)),
      await proposal("queued", ago(40 * DAY)),
    ];
    expect(await cleanRows(deps, now)).toEqual({ ...zero, structureProposals: 3 });
    const left = await db.courseStructureProposal.findMany({ select: { id: true } });
    expect(left.map((p) => p.id).sort()).toEqual(kept.map((p) => p.id).sort());
    expect(gone.every((p) => !left.some((l) => l.id === p.id))).toBe(true);
    expect(await cleanRows(deps, now)).toEqual(zero);
  });

  it("removes sign-in links and codes a day after they expired", async () => {
    const users = await Promise.all([makeUser(db), makeUser(db), makeUser(db)]);
    const link = (userId: string, expiresAt: Date) =>
      db.magicLinkToken.create({
        data: {
          userId,
          tokenHash: crypto.randomUUID(),
          expiresAt,
          createdAt: new Date(expiresAt.getTime() - 15 * 60_000),
        },
      });
    await link(users[0] as string, ago(2 * DAY));
    const lateClick = await link(users[0] as string, ago(60 * 60_000));
    const live = await link(users[1] as string, new Date(now.getTime() + 10 * 60_000));
    await db.$transaction((tx) => issueEmailCode(tx, pepper, users[0] as string, ago(3 * DAY)));
    await db.$transaction((tx) => issueEmailCode(tx, pepper, users[1] as string, ago(60 * 60_000)));
    await db.$transaction((tx) => issueEmailCode(tx, pepper, users[2] as string, now));

    expect(await cleanRows(deps, now)).toEqual({ ...zero, magicLinks: 1, emailVerifications: 1 });
    const links = await db.magicLinkToken.findMany({ select: { id: true } });
    expect(links.map((l) => l.id).sort()).toEqual([lateClick.id, live.id].sort());
    expect((await db.emailVerification.findMany({ select: { userId: true } })).map((v) => v.userId).sort()).toEqual(
      [users[1], users[2]].sort(),
    );
    expect(await cleanRows(deps, now)).toEqual(zero);
  });

  it("removes a refresh-token family once all its tokens expired; a revoked token of a live family still detects reuse", async () => {
    const userId = await makeUser(db);
    // Ended: opened 40 days ago, rotated once 35 days ago; both tokens have expired.
    const ended = await db.$transaction((tx) => startSession(tx, userId, request(ago(40 * DAY)), 30));
    await rotateRefreshToken(db, ended.refreshToken, request(ago(35 * DAY)), policy, denylist);
    // Live: opened 35 days ago, rotated 10 days ago; its first token has expired and is revoked.
    const live = await db.$transaction((tx) => startSession(tx, userId, request(ago(35 * DAY)), 30));
    await rotateRefreshToken(db, live.refreshToken, request(ago(10 * DAY)), policy, denylist);
    // Logged out yesterday: revoked, not expired.
    const loggedOut = await db.$transaction((tx) => startSession(tx, userId, request(ago(DAY)), 30));
    await endSession(db, userId, loggedOut.familyId, "logout", ago(DAY), denylist);

    expect(await cleanRows(deps, now)).toEqual({ ...zero, refreshTokens: 2 });
    const families = await db.refreshToken.groupBy({ by: ["familyId"], _count: true });
    expect(Object.fromEntries(families.map((f) => [f.familyId, f._count]))).toEqual({
      [live.familyId]: 2,
      [loggedOut.familyId]: 1,
    });
    expect(await cleanRows(deps, now)).toEqual(zero);

    // The live family's first token, presented again, is still seen as reuse: the family ends.
    await expect(rotateRefreshToken(db, live.refreshToken, request(now), policy, denylist)).rejects.toThrow(AppError);
    expect(denied).toContain(live.familyId);
    expect(await db.refreshToken.count({ where: { familyId: live.familyId, revokedAt: null } })).toBe(0);
  });

  it("removes raw usage events past the retention in bounded batches", async () => {
    const userId = await makeUser(db);
    const usage = createUsageRecorder(db, createLogger("test", "silent"), {
      USAGE_FLUSH_INTERVAL_MS: 60_000,
      USAGE_BUFFER_MAX: 1_000,
    });
    for (let i = 0; i < 25; i++) usage.record({ kind: "lesson_view", userId, occurredAt: ago((401 + i) * DAY) });
    for (let i = 0; i < 5; i++) usage.record({ kind: "login", userId, occurredAt: ago((399 - i) * DAY) });
    await usage.close();
    expect(await db.usageEvent.count()).toBe(30);

    const statements: string[] = [];
    const counted = db.$extends({
      query: {
        $executeRaw: async ({ args, query }) => {
          statements.push(String((args as { strings?: string[] }).strings?.join("?") ?? args));
          return query(args);
        },
      },
    }) as unknown as typeof db;
    expect(await cleanRows({ ...deps, db: counted }, now, 10)).toEqual({ ...zero, usageEvents: 25 });
    // 10 + 10 + 5: the third statement found fewer than a batch and ended the loop.
    expect(statements.filter((s) => s.includes("DELETE FROM usage_events"))).toHaveLength(3);
    expect(await db.usageEvent.count()).toBe(5);
    expect(await cleanRows(deps, now, 10)).toEqual(zero);
  });
});
