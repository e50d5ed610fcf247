/**
 * Redeeming an activation code (learner). A mistyped code (wrong character or check character) is
 * refused before anything is looked up. Every other attempt is reserved on the auth throttle first
 * (per account, and per account and client network, growing delays; decisions 0025 and 0067) and
 * counts as a failure unless it succeeds. Unknown, expired, revoked and used-up codes get one
 * answer, so an attacker learns nothing from it. The use is taken by one conditional UPDATE, the
 * redemption row is unique per learner and code, and the effect (credits, a plan, course access)
 * is written in the same transaction: a code's last use goes to exactly one learner, and a learner
 * gets a code's effect once. A course code enrolls the learner in that transaction, and is refused
 * (409 COURSE_NOT_OPEN, no use taken) when the course is not open to them.
 */
import { type ActivationCodeRedemption, AppError, type Role } from "@sira/contracts";
import type { Logger, Redis } from "@sira/infra";
import type { Db, Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { catalogCourses } from "../../access/readable.ts";
import { pepperedHash } from "../../auth/crypto.ts";
import { networkKey } from "../../auth/network.ts";
import { releaseAttempt, reserveAttempt, type ThrottleScopes } from "../../auth/throttle.ts";
import { enrollInCourse } from "../../catalog/enrollment.ts";
import { invalidateDashboard } from "../../learning/dashboard/cache.ts";
import type { AuditMeta } from "../../request-meta.ts";
import type { UsageSink } from "../../usage/recorder.ts";
import type { RedeemPlanCode } from "../activation.ts";
import { hasValidCheck, normalizeCode } from "../check-code.ts";
import { post } from "../ledger.ts";
import { activateSubscription, planTerms } from "../subscriptions.ts";
import { ACTIVATION_CODE_LENGTH, activationCodeHash, codeHint } from "./generate.ts";

export interface RedeemDeps {
  db: Db;
  pepper: Buffer;
}

/** After a course code's enrollment: the event to record and the learner's dashboard to drop (the API gives them). */
export interface EnrollingRedeemDeps extends RedeemDeps {
  redis?: Redis;
  logger?: Pick<Logger, "warn">;
  usage?: UsageSink;
}

type Meta = Pick<AuditMeta, "ip" | "now">;

/** The code as stored, or ACTIVATION_CODE_INVALID (400) for a typo the check character catches. */
export function parseActivationCode(input: string): string {
  const code = normalizeCode(input);
  if (!code || code.length !== ACTIVATION_CODE_LENGTH || !hasValidCheck(code)) {
    throw new AppError("ACTIVATION_CODE_INVALID");
  }
  return code;
}

/**
 * Throttle scopes of redemptions, apart from sign-in's and keyed as sign-in keys them (decision
 * 0025): the learner's account from every network, and the learner's account from this network.
 * Never the network alone: one carrier NAT address holds many learners (decision 0067).
 */
export function redemptionScopes(pepper: Buffer, userId: string, ip: string | null): ThrottleScopes {
  return {
    account: `code-account:${pepperedHash(pepper, userId)}`,
    // 5 free failures, then 30 s doubling up to 15 min; a success clears it.
    accountAddress: `code-account-network:${pepperedHash(pepper, `${userId}|${networkKey(ip ?? "unknown")}`)}`,
  };
}

async function reserve(db: Db, scopes: ThrottleScopes, now: Date): Promise<void> {
  try {
    await reserveAttempt(db, scopes, now);
  } catch (error) {
    if (error instanceof AppError && error.code === "AUTH_LOCKED") {
      throw new AppError("ACTIVATION_CODE_THROTTLED", {
        ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
      });
    }
    throw error;
  }
}

/** The redemption throttle of one learner's try: reserve before it, release after a success. */
export function redemptionAttempts(deps: RedeemDeps, userId: string, meta: Meta) {
  const scopes = redemptionScopes(deps.pepper, userId, meta.ip);
  return {
    reserve: () => reserve(deps.db, scopes, meta.now),
    release: () => releaseAttempt(deps.db, scopes, meta.now),
  };
}

type CodeRow = {
  id: string;
  kind: string;
  credits: number | null;
  plan: string | null;
  duration_days: number | null;
  daily_message_limit: number | null;
  course_id: string | null;
  curriculum_id: string | null;
};

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

async function viewerOf(tx: Tx, userId: string): Promise<Viewer> {
  const { role } = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { role: true } });
  return { userId, role: role as Role };
}

const NOT_OPEN = {
  en: "This code's course is not open: the code was not used.",
  fr: "Le cours de ce code n'est pas ouvert : le code n'a pas été utilisé.",
};

/**
 * Before a course code's use is taken: the course must be open to the learner. Its row is held
 * (FOR SHARE) until the transaction ends, so a close waits for the enrollment and cannot slip in
 * between this check and it. A code that could not be used anyway keeps its one answer.
 */
async function assertCourseOpen(tx: Tx, code: { id: string; courseId: string | null }, userId: string, now: Date) {
  const courseId = code.courseId ?? "";
  await tx.$queryRaw`SELECT id FROM courses WHERE id = ${courseId}::uuid FOR SHARE`;
  const open = await tx.course.count({
    where: { AND: [catalogCourses(await viewerOf(tx, userId)), { id: courseId }] },
  });
  if (open > 0) return;
  const usable = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM activation_codes
    WHERE id = ${code.id}::uuid AND redeemed_count < max_redemptions AND revoked_at IS NULL
      AND (expires_at IS NULL OR expires_at > ${now}::timestamptz)`;
  if (usable.length === 0) throw new AppError("ACTIVATION_CODE_NOT_REDEEMABLE");
  throw new AppError("COURSE_NOT_OPEN", { details: NOT_OPEN });
}

/**
 * Takes one use of the code for the learner, or throws; the caller's transaction holds it. A
 * course code's course is checked first when `enrolls` (the redemption will enroll).
 */
async function takeUse(tx: Tx, codeHash: string, userId: string, now: Date, enrolls: boolean): Promise<CodeRow> {
  const code = await tx.activationCode.findUnique({
    where: { codeHash },
    select: { id: true, kind: true, courseId: true },
  });
  if (!code) throw new AppError("ACTIVATION_CODE_NOT_REDEEMABLE");
  const mine = await tx.activationCodeRedemption.findUnique({
    where: { codeId_userId: { codeId: code.id, userId } },
    select: { id: true },
  });
  if (mine) throw new AppError("ACTIVATION_CODE_ALREADY_REDEEMED");
  if (enrolls && code.kind === "course") await assertCourseOpen(tx, code, userId, now);
  const [taken] = await tx.$queryRaw<CodeRow[]>`
    UPDATE activation_codes SET redeemed_count = redeemed_count + 1, updated_at = ${now}::timestamptz
    WHERE id = ${code.id}::uuid AND redeemed_count < max_redemptions AND revoked_at IS NULL
      AND (expires_at IS NULL OR expires_at > ${now}::timestamptz)
    RETURNING id, kind, credits, plan, duration_days, daily_message_limit, course_id, curriculum_id`;
  if (!taken) {
    // The same learner's concurrent redemption may have taken the last use while this one waited.
    const raced = await tx.activationCodeRedemption.count({ where: { codeId: code.id, userId } });
    throw new AppError(raced > 0 ? "ACTIVATION_CODE_ALREADY_REDEEMED" : "ACTIVATION_CODE_NOT_REDEEMABLE");
  }
  try {
    // A duplicate aborts the whole transaction (the use taken above included): that is the answer.
    await tx.activationCodeRedemption.create({ data: { codeId: code.id, userId, createdAt: now } });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("ACTIVATION_CODE_ALREADY_REDEEMED");
    throw error;
  }
  return taken;
}

/** What the code grants, written in the redemption's transaction. */
async function applyEffect(
  tx: Tx,
  code: CodeRow,
  userId: string,
  hint: string,
  now: Date,
): Promise<ActivationCodeRedemption> {
  const none = { credits: null, balance: null, subscription: null, course_ids: [], curriculum_id: null };
  switch (code.kind) {
    case "credits": {
      const credits = code.credits ?? 0;
      const posted = await post(tx, {
        key: `code:${code.id}:${userId}`,
        lines: [
          { account: { userId }, type: "code_redemption", amount: credits, activationCodeId: code.id },
          { account: { counter: "platform" }, type: "code_redemption", amount: -credits, activationCodeId: code.id },
        ],
      });
      const mine = posted.lines.find((line) => line.userId === userId);
      return { ...none, kind: "credits", code_hint: hint, credits, balance: mine?.balanceAfter ?? null };
    }
    case "subscription": {
      const plan = await planTerms(tx, code.plan ?? "");
      const terms = {
        slug: plan.slug,
        durationDays: code.duration_days ?? plan.durationDays,
        dailyMessageLimit: code.daily_message_limit ?? plan.dailyMessageLimit,
      };
      const sub = await activateSubscription(tx, { userId, terms, source: "code", activationCodeId: code.id, at: now });
      return {
        ...none,
        kind: "subscription",
        code_hint: hint,
        subscription: {
          id: sub.id,
          plan: sub.plan,
          starts_at: sub.startsAt.toISOString(),
          expires_at: sub.expiresAt.toISOString(),
          daily_message_limit: sub.dailyMessageLimit,
          extended: sub.extended,
        },
      };
    }
    case "course":
      // The redemption row is the access; the redeem endpoint enrolls the learner next.
      return { ...none, kind: "course", code_hint: hint, course_ids: code.course_id ? [code.course_id] : [] };
    default: {
      const courses = await tx.curriculumCourse.findMany({
        where: { curriculumId: code.curriculum_id ?? "" },
        orderBy: [{ sortOrder: "asc" }, { courseId: "asc" }],
        select: { courseId: true },
      });
      const courseIds = courses.map((c) => c.courseId);
      // The code opens these courses: one added to the curriculum later is not part of the deal. A
      // curriculum still empty (codes printed before its courses are set) is followed as it grows.
      if (courseIds.length > 0) {
        await tx.$executeRaw`
          UPDATE activation_code_redemptions SET course_ids = ${courseIds}::uuid[]
          WHERE code_id = ${code.id}::uuid AND user_id = ${userId}::uuid`;
      }
      return { ...none, kind: "curriculum", code_hint: hint, course_ids: courseIds, curriculum_id: code.curriculum_id };
    }
  }
}

export interface RedeemOptions {
  /** Refuse (ACTIVATION_CODE_NOT_A_PLAN, nothing redeemed) a code of another kind. */
  onlyKind?: "subscription";
}

/**
 * Redeems `input` for the learner. 400 ACTIVATION_CODE_INVALID for a typo (not counted), 429
 * ACTIVATION_CODE_THROTTLED while a delay runs, 404 ACTIVATION_CODE_NOT_REDEEMABLE for an unknown,
 * expired, revoked or used-up code, 409 ACTIVATION_CODE_ALREADY_REDEEMED when this learner has
 * used it, 409 COURSE_NOT_OPEN for a course code whose course is not open to them (no use taken).
 * A course code enrolls the learner in the same transaction. Only a success, or a real code of a
 * closed course, gives the throttle its attempt back.
 */
export async function redeemActivationCode(
  deps: EnrollingRedeemDeps,
  userId: string,
  input: string,
  meta: Meta,
): Promise<ActivationCodeRedemption> {
  let enrolled: string | null = null;
  const result = await redeem(deps, userId, input, meta, (courseId) => {
    enrolled = courseId;
  });
  if (enrolled) {
    deps.usage?.record({ kind: "enrollment", userId, courseId: enrolled, occurredAt: meta.now });
    if (deps.redis) await invalidateDashboard(deps.redis, userId, deps.logger);
  }
  return result;
}

/** One redemption; `onEnrolled` set means a course code enrolls (and is checked open first). */
async function redeem(
  deps: RedeemDeps,
  userId: string,
  input: string,
  meta: Meta,
  onEnrolled: ((courseId: string) => void) | null,
  options: RedeemOptions = {},
): Promise<ActivationCodeRedemption> {
  const code = parseActivationCode(input);
  const attempts = redemptionAttempts(deps, userId, meta);
  await attempts.reserve();
  const hash = activationCodeHash(deps.pepper, code);
  const enrolls = onEnrolled !== null;
  let result: ActivationCodeRedemption;
  try {
    result = await deps.db.$transaction(
      async (tx) => {
        const taken = await takeUse(tx, hash, userId, meta.now, enrolls);
        if (options.onlyKind && taken.kind !== options.onlyKind) throw new AppError("ACTIVATION_CODE_NOT_A_PLAN");
        const done = await applyEffect(tx, taken, userId, codeHint(code), meta.now);
        if (onEnrolled && taken.kind === "course" && taken.course_id) {
          const courseId = taken.course_id;
          await enrollInCourse(tx, await viewerOf(tx, userId), courseId, meta.now, () => onEnrolled(courseId));
        }
        return done;
      },
      { maxWait: 20_000, timeout: 20_000 },
    );
  } catch (error) {
    // The code was real and usable: the learner did not guess it.
    if (error instanceof AppError && error.code === "COURSE_NOT_OPEN") await attempts.release();
    throw error;
  }
  await attempts.release();
  return result;
}

/** The plan-code redeemer `POST /subscriptions/activate` takes (money/activation.ts). */
export function planCodeRedeemer(deps: RedeemDeps): RedeemPlanCode {
  return async (userId, code, meta) => {
    const done = await redeem(deps, userId, code, meta, null, { onlyKind: "subscription" });
    return { subscriptionId: done.subscription?.id ?? null, extended: done.subscription?.extended ?? false };
  };
}
