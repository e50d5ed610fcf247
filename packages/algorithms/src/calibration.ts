/**
 * Rasch item calibration from real responses: marginal maximum likelihood by EM over a quadrature
 * grid (the persons' abilities integrated out under a normal population whose mean and SD are
 * estimated), with the calibrated items' mean difficulty anchored to the mean of their prior
 * difficulties so the scale stays the one the bank was written on. Then each item's fit: outfit
 * mean-square at the persons' EAP abilities, and the point-biserial correlation between the item's
 * result and the person's ability estimated without that item. See decision 0051.
 */
import { difficultyToLogit } from "./cat.ts";

/** The difficulty the CAT uses: the calibrated logit when there is one, else the written level's. */
export function itemLogit(difficulty: number, calibratedB: number | null | undefined): number {
  return calibratedB ?? difficultyToLogit(difficulty);
}

export interface CalibrationItem {
  id: string;
  /** The prior difficulty in logits (the written level's logit). */
  prior: number;
  /** Estimated when true; held at `prior` (still informing the abilities) when false. */
  free: boolean;
}

export interface CalibrationResponse {
  /** One test taken (an attempt): each is a person of the model. */
  person: string;
  item: string;
  correct: boolean;
}

export interface CalibratedItem {
  id: string;
  b: number;
  /** Responses to the item used. */
  n: number;
  /** Standard error of b (from the information at the final estimate). */
  se: number;
  /** Outfit mean-square: the mean squared standardised residual (1 expected, above: noise). */
  outfit: number;
  /** Pearson correlation of the 0/1 result with the rest-ability; null when either side is constant. */
  pointBiserial: number | null;
}

export interface CalibrationResult {
  items: CalibratedItem[];
  /** The population's estimated mean and SD (logits). */
  mean: number;
  sd: number;
  iterations: number;
  converged: boolean;
}

export interface CalibrationOptions {
  maxIterations?: number;
  /** Stop when no difficulty moves more than this (logits) in one iteration. */
  tolerance?: number;
}

const NODE_COUNT = 61;
const NODE_MIN = -6;
const NODE_MAX = 6;
const NODES: readonly number[] = Array.from(
  { length: NODE_COUNT },
  (_, k) => NODE_MIN + (k * (NODE_MAX - NODE_MIN)) / (NODE_COUNT - 1),
);
const B_LIMIT = 6;

function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

interface Person {
  items: number[];
  correct: boolean[];
}

/** Log P(correct) and log P(wrong) at each node for difficulty b. */
function logTables(b: number): { right: Float64Array; wrong: Float64Array } {
  const right = new Float64Array(NODE_COUNT);
  const wrong = new Float64Array(NODE_COUNT);
  for (let k = 0; k < NODE_COUNT; k++) {
    const x = (NODES[k] as number) - b;
    right[k] = logSigmoid(x);
    wrong[k] = logSigmoid(-x);
  }
  return { right, wrong };
}

/** Log of each node's population weight under N(mean, sd²), normalised over the grid. */
function logPopulation(mean: number, sd: number): Float64Array {
  const out = new Float64Array(NODE_COUNT);
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < NODE_COUNT; k++) {
    const z = ((NODES[k] as number) - mean) / sd;
    out[k] = -0.5 * z * z;
    max = Math.max(max, out[k] as number);
  }
  let total = 0;
  for (let k = 0; k < NODE_COUNT; k++) total += Math.exp((out[k] as number) - max);
  const norm = max + Math.log(total);
  for (let k = 0; k < NODE_COUNT; k++) out[k] = (out[k] as number) - norm;
  return out;
}

/** A person's posterior over the nodes, optionally leaving one of their responses out. */
function posterior(
  person: Person,
  prior: Float64Array,
  tables: { right: Float64Array; wrong: Float64Array }[],
  leaveOut = -1,
): Float64Array {
  const log = Float64Array.from(prior);
  for (let j = 0; j < person.items.length; j++) {
    if (j === leaveOut) continue;
    const t = tables[person.items[j] as number] as { right: Float64Array; wrong: Float64Array };
    const row = person.correct[j] ? t.right : t.wrong;
    for (let k = 0; k < NODE_COUNT; k++) log[k] = (log[k] as number) + (row[k] as number);
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < NODE_COUNT; k++) max = Math.max(max, log[k] as number);
  let total = 0;
  for (let k = 0; k < NODE_COUNT; k++) {
    log[k] = Math.exp((log[k] as number) - max);
    total += log[k] as number;
  }
  for (let k = 0; k < NODE_COUNT; k++) log[k] = (log[k] as number) / total;
  return log;
}

function meanOf(weights: Float64Array): number {
  let m = 0;
  for (let k = 0; k < NODE_COUNT; k++) m += (weights[k] as number) * (NODES[k] as number);
  return m;
}

function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Calibrates the free items (see the module comment). Responses to unknown items are ignored; a
 * person answering an item twice counts both. Deterministic: the same input gives the same output.
 */
export function calibrateRasch(
  items: readonly CalibrationItem[],
  responses: readonly CalibrationResponse[],
  options: CalibrationOptions = {},
): CalibrationResult {
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-4;
  const index = new Map(items.map((item, i) => [item.id, i]));
  const people = new Map<string, Person>();
  const counts = new Array<number>(items.length).fill(0);
  for (const r of responses) {
    const i = index.get(r.item);
    if (i === undefined) continue;
    let person = people.get(r.person);
    if (!person) {
      person = { items: [], correct: [] };
      people.set(r.person, person);
    }
    person.items.push(i);
    person.correct.push(r.correct);
    counts[i] = (counts[i] as number) + 1;
  }
  const persons = [...people.values()];
  const b = items.map((item) => item.prior);
  const free = items.map((item, i) => item.free && (counts[i] as number) > 0);
  const freeIdx = free.flatMap((f, i) => (f ? [i] : []));
  let mean = 0;
  let sd = 1;
  let iterations = 0;
  let converged = false;

  const n = items.map(() => new Float64Array(NODE_COUNT));
  const r = items.map(() => new Float64Array(NODE_COUNT));
  while (iterations < maxIterations) {
    iterations += 1;
    const tables = b.map(logTables);
    const prior = logPopulation(mean, sd);
    for (let i = 0; i < items.length; i++) {
      (n[i] as Float64Array).fill(0);
      (r[i] as Float64Array).fill(0);
    }
    let sum = 0;
    let sumSq = 0;
    for (const person of persons) {
      const post = posterior(person, prior, tables);
      let m = 0;
      let m2 = 0;
      for (let k = 0; k < NODE_COUNT; k++) {
        const w = post[k] as number;
        m += w * (NODES[k] as number);
        m2 += w * (NODES[k] as number) ** 2;
      }
      sum += m;
      sumSq += m2;
      for (let j = 0; j < person.items.length; j++) {
        const i = person.items[j] as number;
        if (!free[i]) continue;
        const ni = n[i] as Float64Array;
        const ri = r[i] as Float64Array;
        const right = person.correct[j];
        for (let k = 0; k < NODE_COUNT; k++) {
          ni[k] = (ni[k] as number) + (post[k] as number);
          if (right) ri[k] = (ri[k] as number) + (post[k] as number);
        }
      }
    }
    if (persons.length > 0) {
      mean = sum / persons.length;
      sd = Math.min(4, Math.max(0.05, Math.sqrt(Math.max(1e-6, sumSq / persons.length - mean * mean))));
    }
    // One Newton step per free item, constrained so the free items' mean difficulty stays put.
    const steps: { i: number; g: number; h: number }[] = [];
    for (const i of freeIdx) {
      let g = 0;
      let h = 0;
      const ni = n[i] as Float64Array;
      const ri = r[i] as Float64Array;
      for (let k = 0; k < NODE_COUNT; k++) {
        const p = 1 / (1 + Math.exp(-((NODES[k] as number) - (b[i] as number))));
        g += (ni[k] as number) * p - (ri[k] as number);
        h += (ni[k] as number) * p * (1 - p);
      }
      steps.push({ i, g, h: Math.max(h, 1e-6) });
    }
    const lambda =
      steps.reduce((s, x) => s + x.g / x.h, 0) /
      Math.max(
        1e-12,
        steps.reduce((s, x) => s + 1 / x.h, 0),
      );
    let moved = 0;
    for (const { i, g, h } of steps) {
      const delta = Math.max(-1, Math.min(1, (g - lambda) / h));
      b[i] = Math.max(-B_LIMIT, Math.min(B_LIMIT, (b[i] as number) + delta));
      moved = Math.max(moved, Math.abs(delta));
    }
    if (freeIdx.length > 0) {
      // Clamping and the step limit may break the anchor slightly: restore it exactly.
      const shift =
        freeIdx.reduce((s, i) => s + (items[i] as CalibrationItem).prior - (b[i] as number), 0) / freeIdx.length;
      for (const i of freeIdx) b[i] = (b[i] as number) + shift;
    }
    if (moved < tolerance) {
      converged = true;
      break;
    }
  }

  // Fit: EAP abilities under the final model, with and without each response.
  const tables = b.map(logTables);
  const prior = logPopulation(mean, sd);
  const sq = items.map(() => 0);
  const info = items.map(() => 0);
  const xs: number[][] = items.map(() => []);
  const rest: number[][] = items.map(() => []);
  for (const person of persons) {
    const theta = meanOf(posterior(person, prior, tables));
    for (let j = 0; j < person.items.length; j++) {
      const i = person.items[j] as number;
      const p = 1 / (1 + Math.exp(-(theta - (b[i] as number))));
      const x = person.correct[j] ? 1 : 0;
      sq[i] = (sq[i] as number) + (x - p) ** 2 / (p * (1 - p));
      info[i] = (info[i] as number) + p * (1 - p);
      (xs[i] as number[]).push(x);
      (rest[i] as number[]).push(person.items.length > 1 ? meanOf(posterior(person, prior, tables, j)) : theta);
    }
  }
  return {
    items: items.map((item, i) => {
      const count = counts[i] as number;
      return {
        id: item.id,
        b: b[i] as number,
        n: count,
        se: (info[i] as number) > 0 ? 1 / Math.sqrt(info[i] as number) : Number.POSITIVE_INFINITY,
        outfit: count > 0 ? (sq[i] as number) / count : Number.NaN,
        pointBiserial: pearson(xs[i] as number[], rest[i] as number[]),
      };
    }),
    mean,
    sd,
    iterations,
    converged,
  };
}

/** Outfit above this marks an item as misfitting (noisier than the model allows). */
export const OUTFIT_FLAG_ABOVE = 1.5;

/** Why an item misfits, or null when it fits: outfit above OUTFIT_FLAG_ABOVE, or a point-biserial ≤ 0. */
export function misfitReason(fit: Pick<CalibratedItem, "outfit" | "pointBiserial">): string | null {
  const reasons: string[] = [];
  if (fit.outfit > OUTFIT_FLAG_ABOVE) reasons.push(`outfit ${fit.outfit.toFixed(2)} > ${OUTFIT_FLAG_ABOVE}`);
  if (fit.pointBiserial !== null && fit.pointBiserial <= 0) {
    reasons.push(`point-biserial ${fit.pointBiserial.toFixed(2)} <= 0`);
  }
  return reasons.length ? reasons.join("; ") : null;
}
