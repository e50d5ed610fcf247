/**
 * Lesson reading progress (lesson_reading), safe on retries and offline replays: read_pct and the
 * running total time_spent_seconds only ever grow (GREATEST), completed_at is set once, and the
 * resume position is taken only from a report that is not behind the stored progress.
 */
import type { LessonReading, LessonReadingInput, Tombstone } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import type { LearnerContext } from "../../access/learner.ts";
import { findCachedContent } from "../../content/cache.ts";
import type { ContentStoreDeps } from "../../content/deps.ts";
import { resolveLessonTarget } from "../../content/target.ts";
import { changedIn, deltaPage, needsFullResync, syncHorizon, tombstonesSince } from "../../sync.ts";
import type { UsageSink } from "../../usage/recorder.ts";
import { recordLearningActivity } from "../../users/activity.ts";
import { invalidateDashboard } from "../dashboard/cache.ts";
import { activityTimeIn } from "./activity-time.ts";
import { markUnitCompleted } from "./units.ts";

interface ReadingRow {
  id: string;
  unit_id: string;
  module_id: string;
  content_id: string | null;
  read_pct: number;
  time_spent_seconds: number;
  last_position: Record<string, unknown> | null;
  completed_at: Date | null;
  updated_at: Date;
}

function toReading(row: ReadingRow): LessonReading {
  return {
    id: row.id,
    unit_id: row.unit_id,
    module_id: row.module_id,
    content_id: row.content_id,
    read_pct: Number(row.read_pct),
    time_spent_seconds: row.time_spent_seconds,
    last_position: row.last_position,
    completed_at: row.completed_at?.toISOString() ?? null,
    updated_at: row.updated_at.toISOString(),
  };
}

/** Records a reading report made at `occurredAt` and the learning activity (streak) that goes with it. */
export async function recordLessonReading(
  deps: ContentStoreDeps & { usage: UsageSink },
  learner: LearnerContext,
  moduleId: string,
  unitId: string,
  input: LessonReadingInput,
  occurredAt: Date,
): Promise<LessonReading> {
  const target = await resolveLessonTarget(deps.db, learner, moduleId, unitId);
  const lesson = await findCachedContent(deps, target.key);
  const completedAt = input.completed || input.read_pct >= 100 ? occurredAt : null;
  const position = input.last_position === undefined ? null : JSON.stringify(input.last_position);
  let firstCompletion = false;
  const reading = await deps.db.$transaction(async (tx) => {
    // Locked, so that of two concurrent reports only one sees the lesson newly completed.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`reading:${learner.viewer.userId}:${unitId}`}, 0))`;
    const before = await tx.lessonReading.findUnique({
      where: { userId_unitId: { userId: learner.viewer.userId, unitId } },
      select: { completedAt: true },
    });
    const [row] = await tx.$queryRaw<ReadingRow[]>`
      INSERT INTO lesson_reading AS r
        (user_id, unit_id, content_id, read_pct, time_spent_seconds, last_position, completed_at, updated_at)
      VALUES (${learner.viewer.userId}::uuid, ${unitId}::uuid, ${lesson?.id ?? null}::uuid, ${input.read_pct},
        ${input.time_spent_seconds ?? 0}, ${position}::jsonb, ${completedAt}, now())
      ON CONFLICT (user_id, unit_id) DO UPDATE SET
        read_pct = GREATEST(r.read_pct, EXCLUDED.read_pct),
        time_spent_seconds = GREATEST(r.time_spent_seconds, EXCLUDED.time_spent_seconds),
        last_position = CASE WHEN EXCLUDED.read_pct >= r.read_pct AND ${position !== null}
          THEN EXCLUDED.last_position ELSE r.last_position END,
        content_id = COALESCE(EXCLUDED.content_id, r.content_id),
        completed_at = COALESCE(r.completed_at, EXCLUDED.completed_at),
        updated_at = now()
      RETURNING r.id, r.unit_id, ${moduleId}::uuid AS module_id, r.content_id, r.read_pct, r.time_spent_seconds,
        r.last_position, r.completed_at, r.updated_at`;
    const activeAt = await activityTimeIn(tx, learner.viewer.userId, target.courseId, occurredAt);
    await recordLearningActivity(tx, learner.viewer.userId, activeAt);
    if (row?.completed_at) {
      firstCompletion = !before?.completedAt;
      await markUnitCompleted(tx, {
        userId: learner.viewer.userId,
        unitId,
        at: row.completed_at,
        timeSpentSeconds: row.time_spent_seconds,
      });
    }
    return toReading(row as ReadingRow);
  });
  await invalidateDashboard(deps.redis, learner.viewer.userId, deps.logger);
  if (firstCompletion) {
    deps.usage.record({
      kind: "lesson_complete",
      userId: learner.viewer.userId,
      courseId: target.courseId,
      metadata: { unit_id: unitId },
      occurredAt,
    });
  }
  return reading;
}

export interface ReadingDelta {
  items: LessonReading[];
  deleted: Tombstone[];
  hasMore: boolean;
  reset: boolean;
  cursor: Date;
}

/** The viewer's reading rows changed at or after `since` (all when null), oldest first, at most `limit`. */
export async function lessonReadingsSince(
  db: Db,
  viewer: Viewer,
  input: { since: Date | null; limit: number; now: Date },
): Promise<ReadingDelta> {
  const since = input.since ?? new Date(0);
  const horizon = await syncHorizon(db);
  const [page, deleted] = await Promise.all([
    deltaPage(
      { since, limit: input.limit, horizon },
      (window, take) =>
        db.lessonReading.findMany({
          where: { userId: viewer.userId, updatedAt: changedIn(window) },
          orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
          take,
          include: { unit: { select: { moduleId: true } } },
        }),
      (row) => row.updatedAt,
    ),
    tombstonesSince(db, { entities: ["lesson_reading"], userId: viewer.userId, since }),
  ]);
  return {
    items: page.rows.map((r) =>
      toReading({
        id: r.id,
        unit_id: r.unitId,
        module_id: r.unit.moduleId,
        content_id: r.contentId,
        read_pct: r.readPct,
        time_spent_seconds: r.timeSpentSeconds,
        last_position: r.lastPosition as Record<string, unknown> | null,
        completed_at: r.completedAt,
        updated_at: r.updatedAt,
      }),
    ),
    deleted,
    hasMore: page.hasMore,
    reset: input.since ? needsFullResync(input.since, input.now) : false,
    cursor: page.cursor,
  };
}
