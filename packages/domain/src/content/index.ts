/** Generated content: cache, lesson generation and streaming, review, AI course structure, lesson audio. */

export * from "./audio/index.ts";

export { type CachedContent, findCachedContent, invalidateHotCopy, storeGeneratedContent } from "./cache.ts";
export { type CacheKey, cacheKeyHash, generationJobId, generationStreamKey, hotCacheKey } from "./cache-key.ts";
export type { ContentDeps, ContentStoreDeps } from "./deps.ts";
export {
  enqueueGeneration,
  enqueueGenerationAfterCoolDown,
  GENERATION_FAILURE_COOLDOWN_MS,
  type GenerationJobData,
  type GenerationOutcome,
  runGeneration,
} from "./generation.ts";
export { chargeGeneration, countryContext, secondsUntilUtcMidnight } from "./generation-quota.ts";
export { type GenerationEntry, GenerationPublisher, tailGeneration } from "./generation-stream.ts";
export { courseHasIndexedContent } from "./indexed.ts";
export {
  getLessonOrStartGeneration,
  LESSON_OUTLINE,
  type LessonDeps,
  type LessonEvent,
  type LessonOrGeneration,
  type LessonStream,
  type LessonStreamMeta,
  type LessonStreamOptions,
  openLessonStream,
  toLesson,
} from "./lessons.ts";
export {
  type PregenerationJobData,
  pregenerationProgress,
  runPregeneration,
  startPregeneration,
} from "./pregeneration.ts";
export {
  getGeneratedContent,
  listGeneratedContent,
  regenerateContent,
  reviewGeneratedContent,
} from "./review.ts";
export {
  acceptStructureProposal,
  getStructureProposal,
  listStructureProposals,
  rejectStructureProposal,
} from "./structure-decisions.ts";
export {
  requestCourseStructure,
  runStructureGeneration,
  type StructureJobData,
  structureDocuments,
} from "./structure-generation.ts";
export { type LessonTarget, resolveLessonTarget } from "./target.ts";
