/**
 * Computerised adaptive testing on the Rasch (1PL) model with an EAP ability estimate.
 * EAP rather than MLE: it stays finite for all-correct and all-wrong patterns, which are
 * common in the first items of a short test. See docs/decisions/0021-adaptive-algorithms.md.
 */

/** Item difficulty 1..5 → Rasch logit: 1→-2, 2→-1, 3→0, 4→1, 5→2 (clamped to that range). */
export function difficultyToLogit(difficulty: number): number {
  const clamped = Math.min(5, Math.max(1, difficulty));
  return clamped - 3;
}

/** Rasch probability of a correct answer: 1/(1+e^-(θ-b)). */
export function probabilityCorrect(theta: number, b: number): number {
  return 1 / (1 + Math.exp(-(theta - b)));
}

/** Fisher information of one Rasch item at θ: p(1-p), never above 0.25. */
export function itemInformation(theta: number, b: number): number {
  const p = probabilityCorrect(theta, b);
  return p * (1 - p);
}

export interface CatResponse {
  b: number;
  correct: boolean;
}

export interface AbilityEstimate {
  theta: number;
  se: number;
}

const QUADRATURE_POINTS = 81;
const QUADRATURE_MIN = -4;
const QUADRATURE_MAX = 4;
const NODES: readonly number[] = Array.from(
  { length: QUADRATURE_POINTS },
  (_, i) => QUADRATURE_MIN + (i * (QUADRATURE_MAX - QUADRATURE_MIN)) / (QUADRATURE_POINTS - 1),
);

/** log(1/(1+e^-x)) without overflow for large |x|. */
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** EAP ability estimate (posterior mean and SD) by 81-point quadrature on [-4, 4]; N(0,1) prior by default. */
export function estimateAbility(
  responses: readonly CatResponse[],
  prior: { mean: number; sd: number } = { mean: 0, sd: 1 },
): AbilityEstimate {
  const logPosterior = NODES.map((theta) => {
    const z = (theta - prior.mean) / prior.sd;
    let log = -0.5 * z * z;
    for (const r of responses) {
      log += r.correct ? logSigmoid(theta - r.b) : logSigmoid(r.b - theta);
    }
    return log;
  });
  const max = Math.max(...logPosterior);
  let total = 0;
  let first = 0;
  const weights = logPosterior.map((log) => Math.exp(log - max));
  for (let i = 0; i < NODES.length; i++) {
    total += weights[i] as number;
    first += (weights[i] as number) * (NODES[i] as number);
  }
  const theta = first / total;
  let second = 0;
  for (let i = 0; i < NODES.length; i++) {
    const d = (NODES[i] as number) - theta;
    second += (weights[i] as number) * d * d;
  }
  return { theta, se: Math.sqrt(second / total) };
}

export interface CatItem {
  id: string;
  b: number;
  exposure: number;
}

/** Deterministic 32-bit FNV-1a of seed and id: a stable, seed-dependent tie-break. */
function tieBreak(seed: number, id: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const WINDOW_EPSILON = 1e-9;

/** Next item: unadministered, |b-θ| ≤ window (0.5) preferred, least exposed first, deterministic tie-break by seed; nearest b when none in window; null when none left. */
export function selectNextItem(
  bank: readonly CatItem[],
  theta: number,
  administered: ReadonlySet<string>,
  options: { window?: number; seed?: number } = {},
): CatItem | null {
  const window = options.window ?? 0.5;
  const seed = options.seed ?? 0;
  const remaining = bank.filter((item) => !administered.has(item.id));
  if (remaining.length === 0) return null;
  const distance = (item: CatItem) => Math.abs(item.b - theta);
  const inWindow = remaining.filter((item) => distance(item) <= window + WINDOW_EPSILON);
  const byTieBreak = (a: CatItem, b: CatItem) => tieBreak(seed, a.id) - tieBreak(seed, b.id) || (a.id < b.id ? -1 : 1);
  if (inWindow.length > 0) {
    return inWindow.reduce((best, item) => (compareInWindow(item, best, distance, byTieBreak) < 0 ? item : best));
  }
  return remaining.reduce((best, item) => {
    const order = distance(item) - distance(best) || item.exposure - best.exposure || byTieBreak(item, best);
    return order < 0 ? item : best;
  });
}

function compareInWindow(
  a: CatItem,
  b: CatItem,
  distance: (item: CatItem) => number,
  byTieBreak: (a: CatItem, b: CatItem) => number,
): number {
  return a.exposure - b.exposure || distance(a) - distance(b) || byTieBreak(a, b);
}

export type CatKind = "formative" | "summative" | "placement" | "preassessment";

/** Test length per kind: formative 10, summative 20, placement 12, pre-assessment 15. */
export const CAT_MAX_ITEMS: Record<CatKind, number> = {
  formative: 10,
  summative: 20,
  placement: 12,
  preassessment: 15,
};

export type StopReason = "max_items" | "bank_exhausted";

/** Why the test stops now, or null to continue: max length reached first, then no unadministered item left. */
export function stopReason(answered: number, maxItems: number, remainingItems: number): StopReason | null {
  if (answered >= maxItems) return "max_items";
  if (remainingItems <= 0) return "bank_exhausted";
  return null;
}

/**
 * Level boundaries on θ: level L means items of difficulty L+1 are answered correctly at least
 * half the time (θ ≥ its logit) but items of difficulty L+2 are not. Below -1 → 1, [-1, 0) → 2, [0, 1) → 3, ≥ 1 → 4.
 */
export const PLACEMENT_CUTOFFS: readonly number[] = Object.freeze([-1, 0, 1]);

/** current_level 1..4 from a placement estimate, by PLACEMENT_CUTOFFS. */
export function placementLevel(theta: number): 1 | 2 | 3 | 4 {
  const passed = PLACEMENT_CUTOFFS.filter((cut) => theta >= cut).length;
  return (passed + 1) as 1 | 2 | 3 | 4;
}

/**
 * The prior of the ability estimate that scores a module quiz: N(0, 2), wider than the N(0, 1)
 * that steers item selection, so a strong learner's estimate is not pulled back towards the
 * middle of the scale and below the 80 gate (decision 0049).
 */
export const SCORE_PRIOR: Readonly<{ mean: number; sd: number }> = Object.freeze({ mean: 0, sd: 2 });

/**
 * The expected domain score, 0-100 to two decimals: the Rasch expected percentage correct over the
 * whole bank at θ, the mean of P(correct | θ, b) over the bank's difficulties (0 for an empty bank).
 */
export function expectedScore(theta: number, bank: readonly number[]): number {
  if (bank.length === 0) return 0;
  let sum = 0;
  for (const b of bank) sum += probabilityCorrect(theta, b);
  return Math.round((sum / bank.length) * 10_000) / 100;
}
