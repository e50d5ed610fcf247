/** Delta sync of a learner's stored module and unit progress (offline clients), oldest change first. */
import type { ModuleProgressChange, ProgressChange, Tombstone, UnitProgressChange } from "@sira/contracts";
import type { Db, Prisma, Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { type ChangeWindow, changedIn, deltaPage, needsFullResync, syncHorizon, tombstonesSince } from "../../sync.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const moduleProgressInclude = { module: { select: { courseId: true } } } as const;
type ModuleProgressRow = Prisma.UserModuleProgressGetPayload<{ include: typeof moduleProgressInclude }>;
export const unitProgressInclude = { unit: { select: { moduleId: true } } } as const;
type UnitProgressRow = Prisma.UserUnitProgressGetPayload<{ include: typeof unitProgressInclude }>;

export function toModuleChange(r: ModuleProgressRow): ModuleProgressChange {
  return {
    kind: "module",
    id: r.id,
    module_id: r.moduleId,
    course_id: r.module.courseId as string,
    status: r.status as ModuleProgressChange["status"],
    completion_pct: r.completionPct,
    quiz_score_avg: r.quizScoreAvg,
    time_spent_seconds: r.timeSpentSeconds,
    started_at: iso(r.startedAt),
    completed_at: iso(r.completedAt),
    tested_out_at: iso(r.testedOutAt),
    last_unit_id: r.lastUnitId,
    updated_at: r.updatedAt.toISOString(),
  };
}

export function toUnitChange(r: UnitProgressRow): UnitProgressChange {
  return {
    kind: "unit",
    id: r.id,
    unit_id: r.unitId,
    module_id: r.unit.moduleId,
    status: r.status as UnitProgressChange["status"],
    score: r.score,
    time_spent_seconds: r.timeSpentSeconds,
    started_at: r.startedAt.toISOString(),
    completed_at: iso(r.completedAt),
    updated_at: r.updatedAt.toISOString(),
  };
}

export interface ProgressDelta {
  items: ProgressChange[];
  deleted: Tombstone[];
  hasMore: boolean;
  reset: boolean;
  cursor: Date;
}

/** The viewer's module and unit progress changed at or after `since` (all when null), oldest first, at most `limit`. */
export async function progressSince(
  db: Db,
  viewer: Viewer,
  input: { since: Date | null; limit: number; now: Date },
): Promise<ProgressDelta> {
  const since = input.since ?? new Date(0);
  const order = [{ updatedAt: "asc" as const }, { id: "asc" as const }];
  const read = async (window: ChangeWindow, take?: number) => {
    const where = { userId: viewer.userId, updatedAt: changedIn(window) };
    const [modules, units] = await Promise.all([
      db.userModuleProgress.findMany({ where, orderBy: order, take, include: moduleProgressInclude }),
      db.userUnitProgress.findMany({ where, orderBy: order, take, include: unitProgressInclude }),
    ]);
    return [
      ...modules.map((r) => ({ at: r.updatedAt, id: r.id, change: toModuleChange(r) as ProgressChange })),
      ...units.map((r) => ({ at: r.updatedAt, id: r.id, change: toUnitChange(r) as ProgressChange })),
    ]
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id))
      .slice(0, take);
  };
  const horizon = await syncHorizon(db);
  const [page, deleted] = await Promise.all([
    deltaPage({ since, limit: input.limit, horizon }, read, (row) => row.at),
    tombstonesSince(db, { entities: ["user_module_progress", "user_unit_progress"], userId: viewer.userId, since }),
  ]);
  return {
    items: page.rows.map((p) => p.change),
    deleted,
    hasMore: page.hasMore,
    reset: input.since ? needsFullResync(input.since, input.now) : false,
    cursor: page.cursor,
  };
}

/** The stored progress of one unit and its module, as the start/complete answers carry them. */
export async function storedUnitAndModule(
  db: Tx,
  userId: string,
  unitId: string,
  moduleId: string,
): Promise<{ unit: UnitProgressChange; module: ModuleProgressChange }> {
  const [unit, module] = await Promise.all([
    db.userUnitProgress.findUniqueOrThrow({
      where: { userId_unitId: { userId, unitId } },
      include: unitProgressInclude,
    }),
    db.userModuleProgress.findUniqueOrThrow({
      where: { userId_moduleId: { userId, moduleId } },
      include: moduleProgressInclude,
    }),
  ]);
  return { unit: toUnitChange(unit), module: toModuleChange(module) };
}
