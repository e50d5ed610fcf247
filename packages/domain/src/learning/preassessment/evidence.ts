/**
 * The evidence a pre-assessment needs before it marks a module known (decision 0050): at least
 * PREASSESSMENT_MIN_ITEMS items on the module, a module ability estimate (EAP on the module's own
 * responses, N(0, 1) prior, as the CAT steers) whose SE is at most PREASSESSMENT_MAX_SE and whose
 * θ is at least PREASSESSMENT_MIN_THETA, and a percentage correct at or above the course's
 * known_threshold_pct. One lucky answer no longer unlocks a module: in the simulation a guessing
 * learner (25% per item) gets any module marked known in at most 0.6% of attempts.
 */
import { estimateAbility, itemLogit } from "@sira/algorithms";

/** Items a module needs in the attempt before it can be marked known. */
export const PREASSESSMENT_MIN_ITEMS = 3;

/**
 * The largest SE of the module's ability estimate that still counts as evidence, chosen by the
 * simulation (packages/domain/test/preassessment/evidence-simulation.test.ts): three easy items
 * (b = -2, -1, 0) all right give 0.84 and are not enough; three items around the learner or
 * four and more are.
 */
export const PREASSESSMENT_MAX_SE = 0.8;

/**
 * The smallest module ability that counts as known, in logits (difficulty 4 sits at 1.0). Chosen
 * by the same simulation: on five items of difficulties 1-5 it rules out four right with an easy
 * one missed, the pattern that made 4-5% of guessing learners unlock a module in two- and
 * three-module courses.
 */
export const PREASSESSMENT_MIN_THETA = 0.9;

export interface PreassessmentResponse {
  moduleId: string;
  difficulty: number;
  calibratedB: number | null;
  correct: boolean;
}

export interface ModuleEvidence {
  answered: number;
  correct: number;
  /** Percentage correct, 0-100 to two decimals. */
  pct: number;
  theta: number;
  se: number;
}

/** Per-module tallies and ability estimate over the attempt's responses. */
export function moduleEvidence(responses: readonly PreassessmentResponse[]): Map<string, ModuleEvidence> {
  const byModule = new Map<string, PreassessmentResponse[]>();
  for (const r of responses) byModule.set(r.moduleId, [...(byModule.get(r.moduleId) ?? []), r]);
  const evidence = new Map<string, ModuleEvidence>();
  for (const [moduleId, list] of byModule) {
    const correct = list.filter((r) => r.correct).length;
    const estimate = estimateAbility(
      list.map((r) => ({ b: itemLogit(r.difficulty, r.calibratedB), correct: r.correct })),
    );
    evidence.set(moduleId, {
      answered: list.length,
      correct,
      pct: Math.round((correct / list.length) * 10_000) / 100,
      theta: estimate.theta,
      se: estimate.se,
    });
  }
  return evidence;
}

/** Whether the evidence marks the module known at `thresholdPct`. */
export function isKnown(
  evidence: ModuleEvidence | undefined,
  thresholdPct: number,
  rule: { minItems: number; maxSe: number; minTheta?: number } = {
    minItems: PREASSESSMENT_MIN_ITEMS,
    maxSe: PREASSESSMENT_MAX_SE,
    minTheta: PREASSESSMENT_MIN_THETA,
  },
): boolean {
  if (!evidence) return false;
  return (
    evidence.answered >= rule.minItems &&
    evidence.se <= rule.maxSe &&
    evidence.theta >= (rule.minTheta ?? Number.NEGATIVE_INFINITY) &&
    evidence.pct >= thresholdPct
  );
}
