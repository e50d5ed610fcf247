/**
 * Activation codes through the API: an admin generates a batch (JSON or CSV, stored as keyed
 * hashes only, audited without the codes), learners redeem codes for credits, a plan or a paid
 * course; typos are refused before any lookup; revoked, expired and used-up codes get one answer;
 * the last use goes to exactly one of 50 learners; a learner never gets a code's effect twice;
 * refused codes grow delays per account on a network and per account (never for the whole network),
 * and a success clears the account's count on that network.
 */
import { CODE_ALPHABET, hasValidCheck, normalizeCode } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { callerAs } from "../trpc-caller.ts";
import { type MoneyWorld, moneyWorld } from "./world.ts";

const { app, deps } = testApp({ TRUST_PROXY_HOPS: "1" });
let seq = 0;

/** A JSON request as `user` from the client address `ip`. */
function send(user: SignedIn, method: string, path: string, body?: unknown, ip = "102.164.1.10") {
  seq += 1;
  return app.request(path, {
    method,
    headers: {
      ...user.headers,
      "content-type": "application/json",
      "accept-language": "en",
      "x-forwarded-for": ip,
      "x-request-id": `codes-${String(seq).padStart(4, "0")}`,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

let world: MoneyWorld;
let learner: SignedIn;

beforeEach(async () => {
  await resetState();
  world = await moneyWorld(deps, (user, method, path, body) => send(user, method, path, body));
  learner = await signIn(deps, { role: "learner" });
});
afterAll(closeTestDeps);

type Batch = {
  batch_id: string;
  kind: string;
  count: number;
  redeemed: number;
  codes_used: number;
  revoked_at: string | null;
  codes: { code: string; hint: string }[];
};

async function generate(body: Record<string, unknown>): Promise<Batch> {
  const res = await send(world.admin, "POST", "/api/v1/admin/activation-codes/batches", { label: "Test", ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as Batch;
}

/** A published curriculum holding `courseIds` in that order. */
function publishedCurriculum(courseIds: string[]) {
  return deps.db.curriculum.create({
    data: {
      slug: `parcours-${crypto.randomUUID().slice(0, 6)}`,
      titleFr: "Parcours",
      titleEn: "Path",
      status: "published",
      courses: { create: courseIds.map((courseId, sortOrder) => ({ courseId, sortOrder })) },
    },
  });
}

const redeem = (user: SignedIn, code: string, ip?: string) =>
  send(user, "POST", "/api/v1/activation-codes/redeem", { code }, ip);

const balanceOf = async (user: SignedIn) =>
  Number((await deps.db.creditAccount.findUnique({ where: { userId: user.userId } }))?.balance ?? 0);

/** `code` with its first character replaced: the check character no longer matches. */
function typo(code: string): string {
  const plain = normalizeCode(code) as string;
  const first = plain[0] as string;
  const other = CODE_ALPHABET[(CODE_ALPHABET.indexOf(first) + 1) % CODE_ALPHABET.length] as string;
  return other + plain.slice(1);
}

/** A well-formed code no batch issued: `code` with one body character changed and its check redone. */
function unknownCode(code: string): string {
  const plain = normalizeCode(code) as string;
  const body = plain.slice(0, 10) + (plain[10] === "A" ? "B" : "A");
  const check = [...CODE_ALPHABET].find((ch) => hasValidCheck(body + ch)) as string;
  return body + check;
}

/** The SQL the app sends while `work` runs. */
async function queriesDuring(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  let on = true;
  (deps.db as unknown as { $on(event: "query", cb: (e: { query: string }) => void): void }).$on("query", (e) => {
    if (on) seen.push(e.query);
  });
  try {
    await work();
  } finally {
    on = false;
  }
  return seen;
}

describe("generating a batch", () => {
  it("shows the codes once, grouped for printing, and stores only keyed hashes and hints", async () => {
    const batch = await generate({ kind: "credits", credits: 250, count: 20, label: "Partenaire Dakar" });
    expect(batch).toMatchObject({ kind: "credits", count: 20, redeemed: 0, codes_used: 0, revoked_at: null });
    expect(batch.codes).toHaveLength(20);
    expect(new Set(batch.codes.map((c) => c.code)).size).toBe(20);
    for (const { code, hint } of batch.codes) {
      expect(code).toMatch(/^[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}$/);
      const plain = normalizeCode(code) as string;
      expect(hasValidCheck(plain)).toBe(true);
      expect(hint).toBe(plain.slice(-4));
    }

    const rows = await deps.db.activationCode.findMany({ where: { batchId: batch.batch_id } });
    expect(rows).toHaveLength(20);
    const stored = JSON.stringify(rows);
    for (const { code } of batch.codes) {
      const plain = normalizeCode(code) as string;
      expect(stored).not.toContain(plain);
      expect(stored).not.toContain(code);
    }
    for (const row of rows) {
      expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row).toMatchObject({ kind: "credits", credits: 250, maxRedemptions: 1, batchLabel: "Partenaire Dakar" });
    }
    expect(new Set(rows.map((r) => r.codeHint))).toEqual(new Set(batch.codes.map((c) => c.hint)));

    const audit = await deps.db.auditLog.findMany({ where: { action: "activation_code_batch.created" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetId: batch.batch_id, actorId: world.admin.userId });
    const audited = JSON.stringify(audit);
    for (const { code, hint } of batch.codes) {
      expect(audited).not.toContain(normalizeCode(code) as string);
      expect(audited).not.toContain(hint);
    }
  });

  it("generates the largest batch, 5,000 distinct codes, in one request", async () => {
    const batch = await generate({ kind: "credits", credits: 5, count: 5000 });
    expect(new Set(batch.codes.map((c) => c.code)).size).toBe(5000);
    expect(await deps.db.activationCode.count({ where: { batchId: batch.batch_id } })).toBe(5000);
  }, 60_000);

  it("answers a CSV file with ?format=csv, and refuses bad batches", async () => {
    const res = await send(world.admin, "POST", "/api/v1/admin/activation-codes/batches?format=csv", {
      kind: "subscription",
      plan: world.planSlug,
      count: 3,
      expires_at: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      label: "=Salon, Abidjan",
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("code,kind,value,expires_at,batch_label");
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(1)) {
      const [code, kind, value] = line.split(",");
      expect(hasValidCheck(normalizeCode(code as string) as string)).toBe(true);
      expect(kind).toBe("subscription");
      expect(value).toBe(`${world.planSlug} 30d`);
      // A label a spreadsheet would run as a formula is quoted as text.
      expect(line.endsWith(`,"'=Salon, Abidjan"`)).toBe(true);
    }
    expect(await deps.db.activationCode.count({ where: { plan: world.planSlug, durationDays: 30 } })).toBe(3);

    const bad = async (body: Record<string, unknown>, status: number) => {
      const r = await send(world.admin, "POST", "/api/v1/admin/activation-codes/batches", { label: "x", ...body });
      expect(r.status).toBe(status);
    };
    await bad({ kind: "credits", count: 2 }, 400);
    await bad({ kind: "credits", credits: 10, plan: world.planSlug, count: 2 }, 400);
    await bad({ kind: "credits", credits: 10, count: 5001 }, 400);
    await bad({ kind: "credits", credits: 10, count: 1, expires_at: new Date(Date.now() - 1000).toISOString() }, 400);
    await bad({ kind: "subscription", plan: "no-such-plan", count: 1 }, 404);
    await bad({ kind: "course", course_id: crypto.randomUUID(), count: 1 }, 404);
    const refused = await send(learner, "POST", "/api/v1/admin/activation-codes/batches", {
      kind: "credits",
      credits: 10,
      count: 1,
      label: "x",
    });
    expect(refused.status).toBe(403);
  });
});

describe("redeeming", () => {
  it("adds credits once; the same learner again is a 409 that moves nothing", async () => {
    const { codes } = await generate({ kind: "credits", credits: 300, count: 1, max_redemptions: 5 });
    const code = (codes[0] as { code: string }).code;
    // Typed as people type: lower case, spaces instead of dashes.
    const res = await redeem(learner, code.toLowerCase().replaceAll("-", " "));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: "credits", credits: 300, balance: 300, code_hint: code.slice(-4) });
    expect(await balanceOf(learner)).toBe(300);

    const again = await redeem(learner, code);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "ACTIVATION_CODE_ALREADY_REDEEMED" });
    expect(await balanceOf(learner)).toBe(300);
    const rows = await deps.db.transaction.findMany({ where: { type: "code_redemption" } });
    expect(rows.map((r) => Number(r.amount)).sort((a, b) => a - b)).toEqual([-300, 300]);
    const row = await deps.db.activationCode.findFirstOrThrow({ where: { codeHint: code.slice(-4) } });
    expect(row.redeemedCount).toBe(1);
  });

  it("gives the same learner's two concurrent redemptions one effect", async () => {
    const { codes } = await generate({ kind: "credits", credits: 40, count: 1, max_redemptions: 3 });
    const code = (codes[0] as { code: string }).code;
    const answers = await Promise.all([redeem(learner, code), redeem(learner, code)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await balanceOf(learner)).toBe(40);
    expect(await deps.db.activationCodeRedemption.count()).toBe(1);
  });

  it("refuses a typo with 400 before any lookup, without counting it", async () => {
    const { codes } = await generate({ kind: "credits", credits: 10, count: 1 });
    const code = (codes[0] as { code: string }).code;
    const wrong = typo(code);
    expect(hasValidCheck(wrong)).toBe(false);
    let res: Response | undefined;
    const sql = await queriesDuring(async () => {
      res = await redeem(learner, wrong);
    });
    expect(res?.status).toBe(400);
    expect(await res?.json()).toMatchObject({ code: "ACTIVATION_CODE_INVALID" });
    expect(sql.some((q) => /activation_code|auth_throttles/.test(q))).toBe(false);
    expect((await redeem(learner, "ABC")).status).toBe(400);
    expect((await redeem(learner, "0OIL-1UV0-0000")).status).toBe(400);

    for (let i = 0; i < 8; i++) expect((await redeem(learner, wrong)).status).toBe(400);
    expect(await deps.db.authThrottle.count()).toBe(0);
    // The same listener sees the lookup of a well-formed code: the absence above is real.
    const looked = await queriesDuring(async () => redeem(learner, code));
    expect(looked.some((q) => q.includes("activation_codes"))).toBe(true);
    expect(await balanceOf(learner)).toBe(10);
  });

  it("starts a plan, then runs a better code's own duration first and the plan's days left after it", async () => {
    const month = await generate({ kind: "subscription", plan: world.planSlug, count: 1 });
    const week = await generate({
      kind: "subscription",
      plan: world.planSlug,
      duration_days: 7,
      daily_message_limit: 80,
      count: 1,
    });
    const t0 = Date.now();
    const first = await redeem(learner, (month.codes[0] as { code: string }).code);
    expect(first.status).toBe(200);
    const started = (await first.json()) as { subscription: { expires_at: string; extended: boolean } };
    expect(started.subscription).toMatchObject({ plan: world.planSlug, daily_message_limit: 50, extended: false });
    const end = Date.parse(started.subscription.expires_at);
    expect(Math.abs(end - (t0 + 30 * 86_400_000))).toBeLessThan(10_000);
    const status = (await (await send(learner, "GET", "/api/v1/subscriptions/status")).json()) as { status: string };
    expect(status.status).toBe("active");

    const second = await redeem(learner, (week.codes[0] as { code: string }).code);
    expect(second.status).toBe(200);
    // The week's 80 a day is better than the month's 50: it runs now, the month's rest after it.
    const week80 = ((await second.json()) as { subscription: { starts_at: string; expires_at: string } }).subscription;
    expect(week80).toMatchObject({ extended: true, daily_message_limit: 80 });
    expect(Date.parse(week80.expires_at) - Date.parse(week80.starts_at)).toBe(7 * 86_400_000);
    const subs = await deps.db.subscription.findMany({
      where: { userId: learner.userId, expiresAt: { gt: new Date() } },
      orderBy: { startsAt: "asc" },
    });
    expect(subs.map((s) => s.dailyMessageLimit)).toEqual([80, 50]);
    expect(subs[1]?.startsAt.toISOString()).toBe(week80.expires_at);
    expect(subs[1]?.expiresAt.toISOString()).toBe(new Date(end + 7 * 86_400_000).toISOString());
    for (const sub of subs) expect(sub).toMatchObject({ status: "active", source: "code" });
  });

  it("opens a paid course and enrolls the learner: enrolling no longer asks for payment", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const { courseId } = await makeCourse(deps.db, { expertId: expert.userId });
    await deps.db.course.update({ where: { id: courseId }, data: { priceCredits: 500, isMarketplace: true } });
    expect((await send(learner, "POST", `/api/v1/courses/${courseId}/enroll`, {})).status).toBe(402);

    const { codes } = await generate({ kind: "course", course_id: courseId, count: 1 });
    const res = await redeem(learner, (codes[0] as { code: string }).code);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: "course", course_ids: [courseId], credits: null });
    // Redeeming opens the course and enrolls the learner; enrolling again changes nothing.
    expect(await deps.db.userCourseEnrollment.count({ where: { userId: learner.userId } })).toBe(1);
    const enrolled = await send(learner, "POST", `/api/v1/courses/${courseId}/enroll`, {});
    expect(enrolled.status).toBeLessThan(300);
    expect(await balanceOf(learner)).toBe(0);
  });

  it("opens every course of a curriculum", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const first = await makeCourse(deps.db, { expertId: expert.userId });
    const second = await makeCourse(deps.db, { expertId: expert.userId });
    await deps.db.course.updateMany({
      where: { id: { in: [first.courseId, second.courseId] } },
      data: { priceCredits: 300, isMarketplace: true },
    });
    const curriculum = await publishedCurriculum([first.courseId, second.courseId]);
    const { codes } = await generate({ kind: "curriculum", curriculum_id: curriculum.id, count: 1 });
    const res = await redeem(learner, (codes[0] as { code: string }).code);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      kind: "curriculum",
      curriculum_id: curriculum.id,
      course_ids: [first.courseId, second.courseId],
    });
    const enrolled = await send(learner, "POST", `/api/v1/courses/${second.courseId}/enroll`, {});
    expect(enrolled.status).toBeLessThan(300);
  });

  it("opens the courses the curriculum held when redeemed, not a paid course added later", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const [held, added] = [await makeCourse(deps.db, { expertId: expert.userId }), await makeCourse(deps.db)];
    await deps.db.course.updateMany({
      where: { id: { in: [held.courseId, added.courseId] } },
      data: { priceCredits: 300, isMarketplace: true },
    });
    const curriculum = await publishedCurriculum([held.courseId]);
    const { codes } = await generate({ kind: "curriculum", curriculum_id: curriculum.id, count: 1 });
    expect((await redeem(learner, (codes[0] as { code: string }).code)).status).toBe(200);
    const put = await send(world.admin, "PUT", `/api/v1/admin/curricula/${curriculum.id}/courses`, {
      course_ids: [held.courseId, added.courseId],
    });
    expect(put.status).toBe(200);

    const refused = await send(learner, "POST", `/api/v1/courses/${added.courseId}/enroll`, {});
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([402, "PAYMENT_REQUIRED"]);
    expect((await send(learner, "POST", `/api/v1/courses/${held.courseId}/enroll`, {})).status).toBeLessThan(300);

    // A redemption recorded before the granted courses were (no list) keeps following the curriculum.
    await deps.db.$executeRaw`UPDATE activation_code_redemptions SET course_ids = NULL`;
    expect((await send(learner, "POST", `/api/v1/courses/${added.courseId}/enroll`, {})).status).toBeLessThan(300);
  });

  it("follows a curriculum still empty when its code was redeemed, as its courses are set", async () => {
    const paid = await makeCourse(deps.db);
    await deps.db.course.update({ where: { id: paid.courseId }, data: { priceCredits: 300 } });
    const curriculum = await publishedCurriculum([]);
    const { codes } = await generate({ kind: "curriculum", curriculum_id: curriculum.id, count: 1 });
    expect((await redeem(learner, (codes[0] as { code: string }).code)).status).toBe(200);
    const put = await send(world.admin, "PUT", `/api/v1/admin/curricula/${curriculum.id}/courses`, {
      course_ids: [paid.courseId],
    });
    expect(put.status).toBe(200);
    expect((await send(learner, "POST", `/api/v1/courses/${paid.courseId}/enroll`, {})).status).toBeLessThan(300);
  });

  it("refuses codes of a revoked batch, and lists batches with their counts", async () => {
    const batch = await generate({ kind: "credits", credits: 20, count: 3 });
    const [a, b] = batch.codes as unknown as [{ code: string }, { code: string }];
    expect((await redeem(learner, a.code)).status).toBe(200);

    const revoked = await send(world.admin, "POST", `/api/v1/admin/activation-codes/batches/${batch.batch_id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ batch_id: batch.batch_id, redeemed: 1, codes_used: 1 });
    const other = await signIn(deps, { role: "learner" });
    const refused = await redeem(other, b.code, "102.164.2.20");
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ code: "ACTIVATION_CODE_NOT_REDEEMABLE" });
    expect(await balanceOf(other)).toBe(0);
    // What was redeemed before stays.
    expect(await balanceOf(learner)).toBe(20);

    await generate({ kind: "credits", credits: 5, count: 2, label: "Second" });
    const list = await send(world.admin, "GET", "/api/v1/admin/activation-codes/batches?limit=1");
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: { label: string }[]; total: number; has_more: boolean };
    expect(page).toMatchObject({ total: 2, has_more: true });
    expect(page.items.map((i) => i.label)).toEqual(["Second"]);
    const second = (await (
      await send(world.admin, "GET", "/api/v1/admin/activation-codes/batches?limit=1&page=2")
    ).json()) as { items: { batch_id: string; revoked_at: string | null; count: number; redeemed: number }[] };
    expect(second.items[0]).toMatchObject({ batch_id: batch.batch_id, count: 3, redeemed: 1 });
    expect(second.items[0]?.revoked_at).not.toBeNull();
    expect(await deps.db.auditLog.count({ where: { action: "activation_code_batch.revoked" } })).toBe(1);
    const unknown = await send(
      world.admin,
      "POST",
      `/api/v1/admin/activation-codes/batches/${crypto.randomUUID()}/revoke`,
    );
    expect(unknown.status).toBe(404);
  });

  it("answers an expired code, a used-up code and an unknown code alike", async () => {
    const expiring = await generate({
      kind: "credits",
      credits: 20,
      count: 1,
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const single = await generate({ kind: "credits", credits: 20, count: 1 });
    const used = (single.codes[0] as { code: string }).code;
    expect((await redeem(learner, used)).status).toBe(200);
    // A day later, as far as the code is concerned.
    await deps.db.activationCode.updateMany({
      where: { batchId: expiring.batch_id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const other = await signIn(deps, { role: "learner" });
    const expired = await redeem(other, (expiring.codes[0] as { code: string }).code, "102.164.3.30");
    const usedUp = await redeem(other, used, "102.164.3.31");
    const missing = await redeem(other, unknownCode(used), "102.164.3.32");
    const bodies = await Promise.all([expired, usedUp, missing].map((r) => r.json()));
    expect([expired.status, usedUp.status, missing.status]).toEqual([404, 404, 404]);
    for (const body of bodies) expect(body).toMatchObject({ code: "ACTIVATION_CODE_NOT_REDEEMABLE" });
    expect(new Set(bodies.map((body) => (body as { detail: string }).detail)).size).toBe(1);
    expect(await balanceOf(other)).toBe(0);
  });

  it("gives the last use of a code to exactly one of 50 learners racing for it", async () => {
    const { codes, batch_id } = await generate({ kind: "credits", credits: 15, count: 1, max_redemptions: 3 });
    const code = (codes[0] as { code: string }).code;
    for (const ip of ["102.165.0.1", "102.165.0.2"]) {
      expect((await redeem(await signIn(deps), code, ip)).status).toBe(200);
    }
    const racers = await Promise.all(Array.from({ length: 50 }, () => signIn(deps)));
    const answers = await Promise.all(racers.map((user, i) => redeem(user, code, `102.166.${i}.7`)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 404)).toHaveLength(49);
    const winner = racers[statuses.indexOf(200)] as SignedIn;
    expect(await balanceOf(winner)).toBe(15);
    const row = await deps.db.activationCode.findFirstOrThrow({ where: { batchId: batch_id } });
    expect(row.redeemedCount).toBe(3);
    expect(await deps.db.activationCodeRedemption.count({ where: { codeId: row.id } })).toBe(3);
    const credited = await deps.db.transaction.count({ where: { type: "code_redemption", amount: 15 } });
    expect(credited).toBe(3);
  }, 60_000);
});

describe("throttling redemptions", () => {
  it("delays refused codes per account on a network and per account, even for a good code; a success clears the first", async () => {
    const { codes } = await generate({ kind: "credits", credits: 10, count: 3, max_redemptions: 10 });
    const [good, other, third] = codes as unknown as [{ code: string }, { code: string }, { code: string }];
    const revokedBatch = await generate({ kind: "credits", credits: 10, count: 1 });
    await send(world.admin, "POST", `/api/v1/admin/activation-codes/batches/${revokedBatch.batch_id}/revoke`);
    const dead = (revokedBatch.codes[0] as { code: string }).code;

    const netA = "102.170.0.1";
    for (let i = 0; i < 5; i++) expect((await redeem(learner, dead, netA)).status).toBe(404);
    const locked = await redeem(learner, good.code, netA);
    expect(locked.status).toBe(429);
    expect(await locked.json()).toMatchObject({ code: "ACTIVATION_CODE_THROTTLED" });
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThanOrEqual(25);
    expect(await balanceOf(learner)).toBe(0);

    // Another learner behind the same network does not wait: the delay is the learner's on it (decision 0067).
    const neighbour = await signIn(deps);
    expect((await redeem(neighbour, good.code, "102.170.0.1")).status).toBe(200);
    expect((await redeem(learner, good.code, netA)).status).toBe(429);

    // The same learner from another network is not held back by the first network's delay.
    expect((await redeem(learner, good.code, "102.171.0.1")).status).toBe(200);

    // A success clears the learner's count on the network: four refusals after it are not a fifth and more.
    const typist = await signIn(deps);
    const netC = "102.173.0.1";
    for (let i = 0; i < 4; i++) expect((await redeem(typist, dead, netC)).status).toBe(404);
    expect((await redeem(typist, other.code, netC)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await redeem(typist, dead, netC)).status).toBe(404);
    expect((await redeem(typist, third.code, netC)).status).toBe(200);

    // The account's own count spans networks: 10 free failures, then it waits wherever it is.
    const roaming = await signIn(deps);
    for (let i = 0; i < 10; i++) {
      expect((await redeem(roaming, dead, `102.172.${i}.1`)).status).toBe(404);
    }
    expect((await redeem(roaming, good.code, "102.172.99.1")).status).toBe(429);
    expect(await balanceOf(roaming)).toBe(0);
  });

  it("does not lock out a neighbour behind the same carrier address while the guesser waits", async () => {
    const { codes } = await generate({ kind: "credits", credits: 10, count: 1, max_redemptions: 10 });
    const good = (codes[0] as { code: string }).code;
    const plans = await generate({ kind: "subscription", plan: world.planSlug, count: 2 });
    const unknown = await generate({ kind: "credits", credits: 10, count: 1 });
    await send(world.admin, "POST", `/api/v1/admin/activation-codes/batches/${unknown.batch_id}/revoke`);
    const dead = (unknown.codes[0] as { code: string }).code;
    const nat = "102.174.0.1";

    const guesser = await signIn(deps);
    for (let i = 0; i < 5; i++) expect((await redeem(guesser, dead, nat)).status).toBe(404);
    const activate = (user: SignedIn, body: Record<string, string>) =>
      send(user, "POST", "/api/v1/subscriptions/activate", body, nat);
    expect((await redeem(guesser, good, nat)).status).toBe(429);
    expect((await activate(guesser, { sms_reference: "CI240101.1234" })).status).toBe(429);

    // Learners behind the same address redeem codes and activate plans, by code and by SMS.
    const neighbours = await Promise.all([signIn(deps), signIn(deps), signIn(deps)]);
    expect((await redeem(neighbours[0] as SignedIn, good, nat)).status).toBe(200);
    const plan = await activate(neighbours[1] as SignedIn, { code: (plans.codes[0] as { code: string }).code });
    expect(plan.status).toBe(200);
    const sms = await activate(neighbours[2] as SignedIn, { sms_reference: "CI240101.1234" });
    expect(await sms.json()).toMatchObject({ code: "NOT_FOUND" }); // an unknown SMS, not a delay
    expect(await balanceOf(neighbours[0] as SignedIn)).toBe(10);

    // Their successes do not free the guesser, whose delay still runs.
    const again = await redeem(guesser, good, nat);
    expect(again.status).toBe(429);
    expect(await again.json()).toMatchObject({ code: "ACTIVATION_CODE_THROTTLED" });
    expect(await balanceOf(guesser)).toBe(0);
  });
});

describe("tRPC", () => {
  it("generates, lists, revokes and redeems as REST does", async () => {
    const admin = await callerAs(deps, world.admin, { clientIp: "102.180.0.1" });
    const batch = await admin.admin.codes.generate({ kind: "credits", credits: 70, count: 2, label: "tRPC" });
    expect(batch.codes).toHaveLength(2);
    const list = await admin.admin.codes.batches({});
    expect(list.items.map((i) => i.batch_id)).toContain(batch.batch_id);

    const me = await callerAs(deps, learner, { clientIp: "102.180.0.2" });
    const done = await me.activationCodes.redeem({ code: (batch.codes[0] as { code: string }).code });
    expect(done).toMatchObject({ kind: "credits", credits: 70, balance: 70 });
    await expect(me.activationCodes.redeem({ code: (batch.codes[0] as { code: string }).code })).rejects.toMatchObject({
      cause: { code: "ACTIVATION_CODE_ALREADY_REDEEMED" },
    });

    const revoked = await admin.admin.codes.revoke({ batch_id: batch.batch_id });
    expect(revoked.revoked_at).not.toBeNull();
    const other = await callerAs(deps, await signIn(deps), { clientIp: "102.180.0.3" });
    await expect(
      other.activationCodes.redeem({ code: (batch.codes[1] as { code: string }).code }),
    ).rejects.toMatchObject({ cause: { code: "ACTIVATION_CODE_NOT_REDEEMABLE" } });
  });

  it("documents the endpoints in /openapi.json", async () => {
    const doc = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths["/api/v1/activation-codes/redeem"] ?? {})).toContain("post");
    expect(Object.keys(doc.paths["/api/v1/admin/activation-codes/batches"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/api/v1/admin/activation-codes/batches/{batch_id}/revoke"] ?? {})).toContain("post");
  });
});
