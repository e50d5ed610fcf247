/**
 * The unlock rule, pure. A module is "passed" when its completion is at least 80 % and its quiz
 * average at least 80 % (a missing quiz average never passes), or when a pre-assessment marked it
 * known. The first module of a course is always open; every other one needs the module before it
 * (by module_number) passed, and every module in its prereq_modules passed too. A module the
 * learner tested out of is open whatever comes before it.
 */

export const UNLOCK_COMPLETION_PCT = 80;
export const UNLOCK_QUIZ_AVG = 80;

export type ModuleStatus = "locked" | "available" | "in_progress" | "completed";
export type LockReason = "previous_module" | "prereq_modules";

export interface ModuleProgressFacts {
  completionPct: number;
  quizScoreAvg: number | null;
  testedOutAt: Date | null;
  startedAt: Date | null;
}

export interface RuleModule {
  id: string;
  moduleNumber: number;
  prereqModules: readonly string[];
}

export interface LockState {
  locked: boolean;
  reasons: LockReason[];
  /** Modules that must be passed first (the previous one and/or unmet prerequisites). */
  blockedBy: string[];
}

/** True when this progress satisfies the unlock rule for the modules that depend on it. */
export function modulePassed(p: ModuleProgressFacts | undefined): boolean {
  if (!p) return false;
  if (p.testedOutAt) return true;
  return p.completionPct >= UNLOCK_COMPLETION_PCT && p.quizScoreAvg !== null && p.quizScoreAvg >= UNLOCK_QUIZ_AVG;
}

/** The lock state of each module of one course (`modules` in any order; progress by module id, prerequisites included). */
export function lockStates(
  modules: readonly RuleModule[],
  progress: ReadonlyMap<string, ModuleProgressFacts>,
): Map<string, LockState> {
  const ordered = [...modules].sort((a, b) => a.moduleNumber - b.moduleNumber);
  const states = new Map<string, LockState>();
  ordered.forEach((m, i) => {
    const mine = progress.get(m.id);
    if (mine?.testedOutAt) {
      states.set(m.id, { locked: false, reasons: [], blockedBy: [] });
      return;
    }
    const reasons: LockReason[] = [];
    const blockedBy: string[] = [];
    const previous = ordered[i - 1];
    if (previous && !modulePassed(progress.get(previous.id))) {
      reasons.push("previous_module");
      blockedBy.push(previous.id);
    }
    const unmet = m.prereqModules.filter((id) => id !== m.id && !modulePassed(progress.get(id)));
    if (unmet.length > 0) {
      reasons.push("prereq_modules");
      for (const id of unmet) if (!blockedBy.includes(id)) blockedBy.push(id);
    }
    // The first module is always open (prerequisites only apply to the ones after it).
    const locked = i > 0 && reasons.length > 0;
    states.set(m.id, locked ? { locked, reasons, blockedBy } : { locked: false, reasons: [], blockedBy: [] });
  });
  return states;
}

/** The status to show and store: locked, else completed when passed, in progress once started, else available. */
export function moduleStatus(lock: LockState | undefined, p: ModuleProgressFacts | undefined): ModuleStatus {
  if (modulePassed(p)) return "completed";
  if (lock?.locked) return "locked";
  if (p?.startedAt) return "in_progress";
  return "available";
}

/** Enrollment completion: the mean of module completion (a module tested out counts 100), 0 with no module. */
export function enrollmentCompletion(modules: readonly { completionPct: number; testedOut: boolean }[]): number {
  if (modules.length === 0) return 0;
  const sum = modules.reduce((s, m) => s + (m.testedOut ? 100 : m.completionPct), 0);
  return Math.round((sum / modules.length) * 100) / 100;
}
