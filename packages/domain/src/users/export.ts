/**
 * GDPR access and portability (art. 15 and 20): everything Sira holds about the user, as JSON.
 * Credentials never leave: no TOTP secret, backup codes, magic links, or token and code hashes.
 */
import { AppError, type UserExport } from "@sira/contracts";
import { type Redis, redisDown } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import { withholdsScore } from "../learning/quiz/views.ts";
import { toCredits } from "../money/amount.ts";
import { liveUser, toProfile } from "./profile.ts";

type Row = Record<string, unknown>;

/** Defence in depth: a column named like a credential is dropped even if a query selected it. */
const CREDENTIAL_KEY = /hash|secret|cipher|password/i;

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function scalar(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** A stored row with snake_case keys and ISO times; JSON columns are kept as stored. */
function exportRow(row: object): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (CREDENTIAL_KEY.test(key) || value instanceof Uint8Array) continue;
    out[snake(key)] = scalar(value);
  }
  return out;
}

const exportRows = (rows: object[]): Row[] => rows.map(exportRow);

type AttemptWithResponses = Parameters<typeof withholdsScore>[0] & {
  correctCount: number;
  theta: number;
  se: number | null;
  responses: { itemId: string; correct: boolean; thetaAfter: number; seAfter: number | null }[];
};

/** Attempts as exported: a summative test in progress keeps its correctness back, as the quiz does. */
function exportAttempts(attempts: AttemptWithResponses[]): Row[] {
  return attempts.map(({ responses, ...a }) => {
    const hidden = withholdsScore(a);
    const row = exportRow(hidden ? { ...a, correctCount: null, theta: null, se: null } : a);
    const answers = hidden
      ? responses.map((r) => ({ ...r, correct: null, thetaAfter: null, seAfter: null }))
      : responses;
    return { ...row, responses: exportRows(answers) };
  });
}

/** The items of summative tests in progress: their answer events carry correctness, kept back too. */
function withheldItems(attempts: AttemptWithResponses[]): Set<string> {
  return new Set(attempts.filter(withholdsScore).flatMap((a) => a.responses.map((r) => r.itemId)));
}

function exportUsage(events: { kind: string; metadata: unknown }[], withheld: Set<string>): Row[] {
  return events.map((e) => {
    const meta = e.metadata as { item_id?: unknown; correct?: unknown } | null;
    const hide = e.kind === "quiz_answer" && typeof meta?.item_id === "string" && withheld.has(meta.item_id);
    return exportRow(hide ? { ...e, metadata: { ...meta, correct: null } } : e);
  });
}

/** Exports an account may ask for per window: each reads every row it owns, in one transaction. */
export const EXPORTS_PER_WINDOW = 3;
export const EXPORT_WINDOW_SECONDS = 600;

/**
 * Counts one export against the account's budget (REST and tRPC share it); past it, 429
 * RATE_LIMITED with Retry-After until the window ends. While Redis is down the export is served.
 */
export async function chargeExport(redis: Redis, userId: string): Promise<void> {
  if (redisDown(redis)) return;
  const key = `sira:quota:export:${userId}`;
  const replies = await redis.multi().incr(key).expire(key, EXPORT_WINDOW_SECONDS, "NX").ttl(key).exec();
  const [error, count] = replies?.[0] ?? [new Error("the export count did not run"), 0];
  if (error) throw error;
  if (Number(count) > EXPORTS_PER_WINDOW) {
    const ttl = Number(replies?.[2]?.[1]);
    throw new AppError("RATE_LIMITED", { retryAfterSeconds: ttl > 0 ? ttl : EXPORT_WINDOW_SECONDS });
  }
}

/** The caller's data export, read in one repeatable-read snapshot so its parts agree. */
export async function exportUserData(db: Db, userId: string, now = new Date()): Promise<UserExport> {
  return db.$transaction(
    async (tx) => {
      const user = await liveUser(tx, userId);
      const mine = { where: { userId } };
      const enrollments = await tx.userCourseEnrollment.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const moduleProgress = await tx.userModuleProgress.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const unitProgress = await tx.userUnitProgress.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const readings = await tx.lessonReading.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const attempts = await tx.quizAttempt.findMany({
        ...mine,
        orderBy: { startedAt: "asc" },
        include: { responses: { orderBy: { position: "asc" } } },
      });
      const caseStudies = await tx.caseStudySubmission.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const fsrs = await tx.fsrsParameterSet.findMany({ ...mine, orderBy: { fittedAt: "asc" } });
      const intents = await tx.paymentIntent.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const payouts = await tx.payoutRequest.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const preassessments = await tx.coursePreassessmentResult.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const reviews = await tx.flashcardReview.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const reviewLogs = await tx.flashcardReviewLog.findMany({ ...mine, orderBy: { reviewedAt: "asc" } });
      const conversations = await tx.tutorConversation.findMany({
        ...mine,
        orderBy: { createdAt: "asc" },
        include: { messages: { orderBy: { createdAt: "asc" } } },
      });
      const memory = await tx.learnerMemory.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const tutorDays = await tx.tutorDailyUsage.findMany({ ...mine, orderBy: { day: "asc" } });
      const account = await tx.creditAccount.findUnique({ where: { userId } });
      const transactions = account
        ? await tx.transaction.findMany({
            where: { accountId: account.id },
            orderBy: { createdAt: "asc" },
            // The posting's dedupe key names the buyer on an expert's share of a sale.
            omit: { idempotencyKey: true },
          })
        : [];
      const subscriptions = await tx.subscription.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const payments = await tx.subscriptionPayment.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const redemptions = await tx.activationCodeRedemption.findMany({
        ...mine,
        orderBy: { createdAt: "asc" },
        include: { code: { select: { kind: true, codeHint: true } } },
      });
      const usage = await tx.usageEvent.findMany({ ...mine, orderBy: { occurredAt: "asc" } });
      const groups = await tx.userGroupMember.findMany({
        ...mine,
        orderBy: { createdAt: "asc" },
        include: { group: { select: { name: true } } },
      });
      const access = await tx.curriculumAccess.findMany({ ...mine, orderBy: { createdAt: "asc" } });
      const sessions = await tx.refreshToken.findMany({
        ...mine,
        orderBy: { createdAt: "asc" },
        omit: { tokenHash: true },
      });
      const audit = await tx.auditLog.findMany({ where: { actorId: userId }, orderBy: { createdAt: "asc" } });
      const emails = await tx.emailOutbox.findMany({
        ...mine,
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          template: true,
          language: true,
          subject: true,
          status: true,
          createdAt: true,
          sentAt: true,
        },
      });

      return {
        format: "sira.user-export" as const,
        version: 1 as const,
        exported_at: now.toISOString(),
        profile: toProfile(user, now),
        enrollments: exportRows(enrollments),
        module_progress: exportRows(moduleProgress),
        unit_progress: exportRows(unitProgress),
        lesson_readings: exportRows(readings),
        quiz_attempts: exportAttempts(attempts),
        case_study_submissions: exportRows(caseStudies),
        preassessment_results: exportRows(preassessments),
        flashcard_reviews: exportRows(reviews),
        flashcard_review_logs: exportRows(reviewLogs),
        fsrs_parameters: exportRows(fsrs),
        tutor_conversations: conversations.map(({ messages, ...c }) => ({
          ...exportRow(c),
          messages: exportRows(messages),
        })),
        learner_memory: exportRows(memory),
        tutor_daily_usage: exportRows(tutorDays),
        // Credits stay JSON numbers (other bigint columns, like seq, are exported as strings).
        credit_account: account
          ? exportRow({
              ...account,
              balance: toCredits(account.balance),
              totalPurchased: toCredits(account.totalPurchased),
              totalSpent: toCredits(account.totalSpent),
              totalEarned: toCredits(account.totalEarned),
            })
          : null,
        credit_transactions: exportRows(
          transactions.map((t) => ({ ...t, amount: toCredits(t.amount), balanceAfter: toCredits(t.balanceAfter) })),
        ),
        subscriptions: exportRows(subscriptions),
        subscription_payments: exportRows(payments),
        payment_intents: exportRows(intents),
        // Who paid it out is the platform's, not the expert's.
        payout_requests: payouts.map(({ paidById: _, ...p }) => exportRow(p)),
        activation_code_redemptions: redemptions.map(({ code, ...r }) => ({
          ...exportRow(r),
          code_kind: code.kind,
          code_hint: code.codeHint,
        })),
        usage_events: exportUsage(usage, withheldItems(attempts)),
        group_memberships: groups.map(({ group, ...g }) => ({ ...exportRow(g), group_name: group.name })),
        curriculum_access: exportRows(access),
        sessions: exportRows(sessions),
        // Changes the user made to other records may describe other people: only their own are detailed.
        audit_entries: audit.map(({ before, after, ...entry }) => {
          const own = entry.targetType === "user" && entry.targetId === userId;
          return { ...exportRow(entry), before: own ? before : null, after: own ? after : null };
        }),
        emails: exportRows(emails),
      };
    },
    { isolationLevel: "RepeatableRead", timeout: 30_000 },
  );
}
