/** Which domain function serves each job. Jobs stay thin: the payload arrives parsed, call the domain. */
import {
  purgeExpired,
  requeueStalledResources,
  rollUpUsage,
  runFsrsOptimisation,
  runLedgerReconciliation,
  runRowCleanup,
  runStorageCleanup,
  runStreamCleanup,
  runSubscriptionSchedule,
  settleLostTutorAnswers,
} from "@sira/domain";
import type { WorkerDeps } from "./deps.ts";
import { dispatchJobs, type Processors } from "./dispatch.ts";
import { audioHandlers } from "./processors/audio.ts";
import { contentHandlers } from "./processors/content.ts";
import { learningHandlers } from "./processors/learning.ts";
import { mediaHandlers } from "./processors/media.ts";
import { ragHandlers } from "./processors/rag.ts";
import { tutorHandlers } from "./processors/tutor.ts";

export function processors(deps: WorkerDeps): Processors {
  return dispatchJobs({
    ...ragHandlers(deps),
    ...contentHandlers(deps),
    ...learningHandlers(deps),
    ...mediaHandlers(deps),
    ...tutorHandlers(deps),
    ...audioHandlers(deps),
    "purge-expired": () => purgeExpired(deps.db),
    "cleanup-storage": () => runStorageCleanup(deps),
    "cleanup-rows": () => runRowCleanup(deps),
    "cleanup-streams": () => runStreamCleanup(deps),
    "requeue-stalled-indexing": () => requeueStalledResources(deps),
    "settle-lost-tutor-answers": () => settleLostTutorAnswers(deps),
    "subscription-schedule": () => runSubscriptionSchedule(deps),
    "reconcile-ledger": () => runLedgerReconciliation(deps),
    "fit-fsrs-parameters": () => runFsrsOptimisation(deps),
    "usage-rollup": async () => {
      const report = await rollUpUsage(deps.db);
      deps.logger.info({ job: "usage-rollup", ...report }, "usage rolled up");
      return report;
    },
  });
}

/** Repeatable jobs, registered idempotently at start-up (one schedule per id, whatever the restarts). */
export const schedules = [
  // Cleanup (decision 0047). Rows and streams hourly: what expires is small and cheap to find.
  { name: "cleanup-rows", every: 60 * 60_000 },
  { name: "cleanup-streams", every: 60 * 60_000 },
  // Storage every 6 hours: it lists every object, and nothing it removes is younger than a day.
  { name: "cleanup-storage", every: 6 * 60 * 60_000 },
  { name: "requeue-stalled-indexing", every: 10 * 60_000 },
  // A lost tutor answer holds one of its learner's pending answers: settled within minutes.
  { name: "settle-lost-tutor-answers", every: 2 * 60_000 },
  { name: "subscription-schedule", every: 15 * 60_000 },
  { name: "reconcile-ledger", every: 60 * 60_000 },
  // Hourly, so today's figures are at most an hour old; each run re-rolls the last days.
  { name: "usage-rollup", every: 60 * 60_000 },
  // Daily: difficulties move slowly, and a run reads every bank's recent responses (decision 0051).
  { name: "calibrate-items", every: 24 * 60 * 60_000 },
  // A test idle for a day is over; within the hour its answers reach the cards.
  { name: "close-idle-quiz-attempts", every: 60 * 60_000 },
  // Daily: a learner's memory model moves slowly, and a day adds few reviews (decision 0052).
  { name: "fit-fsrs-parameters", every: 24 * 60 * 60_000 },
] as const;

/** Schedules of earlier releases, removed at start-up (`cleanup-rows` runs `purge-expired`'s work). */
export const retiredSchedules = ["purge-expired"] as const;
