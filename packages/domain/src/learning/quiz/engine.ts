/**
 * The adaptive attempt engine shared by module quizzes, placement and course pre-assessment:
 * start or resume the one in-progress attempt, check an answer against the current item, store
 * the response with its difficulty and the estimate after it (Rasch, EAP), and present the next
 * item (within ±0.5 logit of θ when the bank allows, never repeated, least exposed first) until
 * the stop rule says stop. Every step runs in one transaction with the attempt row locked.
 */
import { type CatItem, type CatKind, estimateAbility, itemLogit, selectNextItem, stopReason } from "@sira/algorithms";
import { AppError, type Language, type QuizAnswerInput, type ServedQuestion } from "@sira/contracts";
import type { Db, Prisma, Transaction, Tx } from "@sira/infra/db";
import { type AttemptRow, servedItemSelect, toServedQuestion } from "./views.ts";

/** Which items an attempt draws from. */
export type BankScope =
  | { kind: "module"; moduleId: string }
  | { kind: "placement"; domain: string | null }
  | { kind: "preassessment"; preassessmentId: string };

/** Active items of the scope in the attempt's language. */
export function bankWhere(scope: BankScope, language: string): Prisma.QuizItemWhereInput {
  const base = { language, isActive: true };
  switch (scope.kind) {
    case "module":
      return { ...base, moduleId: scope.moduleId, preassessmentId: null };
    case "preassessment":
      return { ...base, preassessmentId: scope.preassessmentId };
    case "placement": {
      const domain = scope.domain
        ? { taxonomyCategories: { some: { category: { slug: scope.domain, type: "domain" } } } }
        : {};
      // Public courses only: anyone may take the test, so a private course's questions never enter it (0035).
      return {
        ...base,
        preassessmentId: null,
        module: { course: { status: "published", visibility: "public", ...domain } },
      };
    }
  }
}

export function scopeOfAttempt(a: AttemptRow): BankScope {
  if (a.kind === "placement") return { kind: "placement", domain: a.bankDomain };
  if (a.kind === "preassessment") return { kind: "preassessment", preassessmentId: a.preassessmentId as string };
  return { kind: "module", moduleId: a.moduleId as string };
}

const CANDIDATES_PER_DIFFICULTY = 40;

/**
 * Items of the module whose key the learner has been shown: every item they answered in another
 * attempt (formative and placement answers show the key at once, a submitted summative test's
 * review shows every key, an abandoned one's wrong answers reach the tutor's memory with the right
 * option), and any other item of the module that asks the same question with the same options and
 * key (a regenerated version repeats a question under a new id). Empty for other scopes.
 */
export async function shownItems(
  tx: Tx,
  attempt: { id?: string | undefined; userId: string; scope: BankScope },
): Promise<string[]> {
  if (attempt.scope.kind !== "module") return [];
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT b.id::text AS id
      FROM quiz_attempt_responses r
      JOIN quiz_attempts a ON a.id = r.attempt_id
      JOIN quiz_items s ON s.id = r.item_id
      JOIN quiz_items b ON b.module_id = s.module_id AND b.preassessment_id IS NULL
        AND (b.id = s.id OR (b.stem = s.stem AND b.options = s.options AND b.correct_option = s.correct_option))
     WHERE a.user_id = ${attempt.userId}::uuid
       AND s.module_id = ${attempt.scope.moduleId}::uuid
       AND a.id IS DISTINCT FROM ${attempt.id ?? null}::uuid`;
  return rows.map((r) => r.id);
}

/**
 * Unadministered candidates: the least exposed few of each difficulty (banks may be large). Items
 * in `avoid` are left out while any other remains (a formative retake prefers items not seen
 * before); items in `exclude` are always left out (a summative test never serves a shown key).
 */
async function candidates(
  tx: Transaction,
  where: Prisma.QuizItemWhereInput,
  administered: string[],
  avoid: string[] = [],
): Promise<CatItem[]> {
  if (avoid.length > 0) {
    const fresh = await candidates(tx, where, [...administered, ...avoid]);
    if (fresh.length > 0) return fresh;
  }
  const items: CatItem[] = [];
  for (const difficulty of [1, 2, 3, 4, 5]) {
    const rows = await tx.quizItem.findMany({
      where: { ...where, difficulty, id: { notIn: administered } },
      orderBy: [{ exposureCount: "asc" }, { id: "asc" }],
      take: CANDIDATES_PER_DIFFICULTY,
      select: { id: true, difficulty: true, calibratedB: true, exposureCount: true },
    });
    // A calibrated item is placed at its calibrated difficulty (decision 0051).
    for (const r of rows)
      items.push({ id: r.id, b: itemLogit(r.difficulty, r.calibratedB), exposure: r.exposureCount });
  }
  return items;
}

/**
 * The candidates of an attempt after `administered`: a summative test draws only from items whose
 * key the learner has not been shown; a formative quiz prefers them while any remain.
 */
async function candidatesFor(
  tx: Transaction,
  attempt: { id?: string; userId: string; kind: string; language: string; scope: BankScope },
  administered: string[],
): Promise<CatItem[]> {
  const where = bankWhere(attempt.scope, attempt.language);
  const shown = await shownItems(tx, attempt);
  if (attempt.kind === "summative") return candidates(tx, where, [...administered, ...shown]);
  return candidates(tx, where, administered, shown);
}

/** A stable number from an id, so two learners with the same estimate do not all get the same item. */
const seedOf = (id: string): number => Number.parseInt(id.replace(/-/g, "").slice(0, 8), 16) || 0;

async function served(tx: Tx, itemId: string | null, position: number): Promise<ServedQuestion | null> {
  if (!itemId) return null;
  const item = await tx.quizItem.findUniqueOrThrow({ where: { id: itemId }, select: servedItemSelect });
  return toServedQuestion(item, position);
}

export interface AttemptSpec {
  userId: string;
  kind: CatKind;
  language: Language;
  maxItems: number;
  scope: BankScope;
  at: Date;
}

export interface AttemptState {
  attempt: AttemptRow;
  question: ServedQuestion | null;
}

function scopeColumns(scope: BankScope) {
  return {
    moduleId: scope.kind === "module" ? scope.moduleId : null,
    preassessmentId: scope.kind === "preassessment" ? scope.preassessmentId : null,
  };
}

/** The caller's in-progress attempt of this kind and scope, if any. */
export function findInProgress(db: Tx, userId: string, kind: CatKind, scope: BankScope) {
  return db.quizAttempt.findFirst({ where: { userId, kind, status: "in_progress", ...scopeColumns(scope) } });
}

/** The state of an attempt as served: the attempt and its current question. */
export async function attemptState(db: Tx, attempt: AttemptRow): Promise<AttemptState> {
  return { attempt, question: await served(db, attempt.currentItemId, attempt.itemCount + 1) };
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

/**
 * Resumes the in-progress attempt, or starts one on the first item (θ = 0). Two concurrent starts
 * meet the unique partial index; the loser reads the winner's attempt. 409 QUIZ_NOT_READY when the
 * bank is empty.
 */
export async function startOrResumeAttempt(db: Db, spec: AttemptSpec): Promise<AttemptState & { resumed: boolean }> {
  const existing = await findInProgress(db, spec.userId, spec.kind, spec.scope);
  if (existing) return { ...(await attemptState(db, existing)), resumed: true };
  try {
    const attempt = await db.$transaction(async (tx) => {
      const bank = await candidatesFor(tx, spec, []);
      const first = selectNextItem(bank, 0, new Set(), { seed: seedOf(spec.userId) });
      if (!first) throw new AppError("QUIZ_NOT_READY");
      const created = await tx.quizAttempt.create({
        data: {
          userId: spec.userId,
          kind: spec.kind,
          ...scopeColumns(spec.scope),
          bankDomain: spec.scope.kind === "placement" ? spec.scope.domain : null,
          language: spec.language,
          maxItems: spec.maxItems,
          currentItemId: first.id,
          startedAt: spec.at,
        },
      });
      await tx.quizItem.update({ where: { id: first.id }, data: { exposureCount: { increment: 1 } } });
      return created;
    });
    return { ...(await attemptState(db, attempt)), resumed: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await findInProgress(db, spec.userId, spec.kind, spec.scope);
    if (!winner) throw error;
    return { ...(await attemptState(db, winner)), resumed: true };
  }
}

export interface AnswerSpec {
  userId: string;
  attemptId: string;
  itemId: string;
  selectedOption: number;
  durationMs?: number | undefined;
  at: Date;
}

/** The answer a learner sent, as the engine takes it. */
export function answerSpecOf(userId: string, input: QuizAnswerInput, at: Date): AnswerSpec {
  return {
    userId,
    attemptId: input.attempt_id,
    itemId: input.item_id,
    selectedOption: input.selected_option,
    durationMs: input.duration_ms,
    at,
  };
}

export const answeredItemSelect = {
  id: true,
  moduleId: true,
  correctOption: true,
  explanation: true,
  sourcesCited: true,
  conceptKey: true,
  difficulty: true,
  calibratedB: true,
} satisfies Prisma.QuizItemSelect;

export type AnsweredItem = Prisma.QuizItemGetPayload<{ select: typeof answeredItemSelect }>;
export type ResponseRow = Prisma.QuizAttemptResponseGetPayload<object>;

export interface AnswerOutcome {
  attempt: AttemptRow;
  item: AnsweredItem;
  response: ResponseRow;
  next: ServedQuestion | null;
  finished: boolean;
  /** True when this exact answer had already been recorded (nothing changed). */
  replayed: boolean;
}

export interface AnswerHooks {
  /** Runs in the transaction on the locked attempt before anything else (a throw writes nothing). */
  beforeAnswer?: (tx: Transaction, attempt: AttemptRow) => Promise<void>;
  /** Runs in the transaction after a new response is stored. */
  afterResponse?: (tx: Transaction, outcome: AnswerOutcome) => Promise<void>;
  /** Runs in the transaction when the stop rule ends the attempt; returns the attempt as updated. */
  onStop?: (tx: Transaction, attempt: AttemptRow) => Promise<AttemptRow>;
}

/**
 * Checks `selectedOption` against the attempt's current item and moves the attempt on. A replay of
 * an answer already recorded for this item returns the recorded outcome. 404 for an attempt that
 * is not the caller's or not in `belongs`; 409 ATTEMPT_FINISHED / ITEM_NOT_CURRENT otherwise.
 */
export async function answerCurrentItem(
  db: Db,
  spec: AnswerSpec,
  belongs: (attempt: AttemptRow) => boolean,
  hooks: AnswerHooks = {},
): Promise<AnswerOutcome> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM quiz_attempts WHERE id = ${spec.attemptId}::uuid FOR UPDATE`;
    const attempt = await tx.quizAttempt.findFirst({ where: { id: spec.attemptId, userId: spec.userId } });
    if (!attempt || !belongs(attempt)) throw new AppError("NOT_FOUND");
    await hooks.beforeAnswer?.(tx, attempt);
    const recorded = await tx.quizAttemptResponse.findUnique({
      where: { attemptId_itemId: { attemptId: attempt.id, itemId: spec.itemId } },
    });
    if (recorded) return replayOutcome(tx, attempt, recorded);
    if (attempt.status !== "in_progress" || !attempt.currentItemId) throw new AppError("ATTEMPT_FINISHED");
    if (attempt.currentItemId !== spec.itemId) throw new AppError("ITEM_NOT_CURRENT");

    const item = await tx.quizItem.findUniqueOrThrow({ where: { id: spec.itemId }, select: answeredItemSelect });
    const prior = await tx.quizAttemptResponse.findMany({
      where: { attemptId: attempt.id },
      orderBy: { position: "asc" },
      select: { itemId: true, difficulty: true, correct: true, item: { select: { calibratedB: true } } },
    });
    const correct = spec.selectedOption === item.correctOption;
    const estimate = estimateAbility(
      [...prior.map((r) => ({ ...r, calibratedB: r.item.calibratedB })), { ...item, correct }].map((r) => ({
        b: itemLogit(r.difficulty, r.calibratedB),
        correct: r.correct,
      })),
    );
    const response = await tx.quizAttemptResponse.create({
      data: {
        attemptId: attempt.id,
        itemId: item.id,
        position: prior.length + 1,
        difficulty: item.difficulty,
        selectedOption: spec.selectedOption,
        correct,
        thetaAfter: estimate.theta,
        seAfter: estimate.se,
        answeredAt: spec.at,
        durationMs: spec.durationMs ?? null,
      },
    });
    const administered = [...prior.map((r) => r.itemId), item.id];
    const scope = scopeOfAttempt(attempt);
    const bank = await candidatesFor(tx, { ...attempt, scope }, administered);
    const stop = stopReason(administered.length, attempt.maxItems, bank.length);
    const nextItem = stop
      ? null
      : selectNextItem(bank, estimate.theta, new Set(administered), { seed: seedOf(attempt.id) });
    let updated = await tx.quizAttempt.update({
      where: { id: attempt.id },
      data: {
        itemCount: administered.length,
        correctCount: { increment: correct ? 1 : 0 },
        theta: estimate.theta,
        se: estimate.se,
        currentItemId: nextItem?.id ?? null,
      },
    });
    if (nextItem) await tx.quizItem.update({ where: { id: nextItem.id }, data: { exposureCount: { increment: 1 } } });
    const outcome: AnswerOutcome = {
      attempt: updated,
      item,
      response,
      next: await served(tx, nextItem?.id ?? null, administered.length + 1),
      finished: nextItem === null,
      replayed: false,
    };
    await hooks.afterResponse?.(tx, outcome);
    if (!nextItem && hooks.onStop) updated = await hooks.onStop(tx, updated);
    return { ...outcome, attempt: updated };
  });
}

/** The outcome of an answer already recorded: the item that followed it, or the current one. */
async function replayOutcome(tx: Transaction, attempt: AttemptRow, recorded: ResponseRow): Promise<AnswerOutcome> {
  const item = await tx.quizItem.findUniqueOrThrow({ where: { id: recorded.itemId }, select: answeredItemSelect });
  const following = await tx.quizAttemptResponse.findUnique({
    where: { attemptId_position: { attemptId: attempt.id, position: recorded.position + 1 } },
    select: { itemId: true },
  });
  const nextId = following?.itemId ?? (attempt.status === "in_progress" ? attempt.currentItemId : null);
  return {
    attempt,
    item,
    response: recorded,
    next: await served(tx, nextId, recorded.position + 1),
    finished: nextId === null,
    replayed: true,
  };
}
