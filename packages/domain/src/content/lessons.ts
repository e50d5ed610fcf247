/**
 * Lessons for learners: the cached lesson as JSON, or a generation started once for everyone who
 * asks; and the lesson as a typed event stream (meta at once, then text, sources, done: LessonEvent)
 * that replays a cached lesson or tails the running generation. The API frames it (SSE).
 */
import { createHash, randomUUID } from "node:crypto";
import { citedNumbers, LESSON_HEADINGS } from "@sira/ai";
import {
  AppError,
  LANGUAGES,
  type Language,
  type Lesson,
  type LessonCitation,
  type LessonContent,
  type LessonStreamMeta,
  type SourceRef,
} from "@sira/contracts";
import type { Config } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { LearnerContext } from "../access/learner.ts";
import { inLanguage } from "../bilingual.ts";
import { jobRunMark } from "../jobs/enqueue.ts";
import type { UsageSink } from "../usage/recorder.ts";
import { type CachedContent, findCachedContent } from "./cache.ts";
import { generationJobId, generationStreamKey } from "./cache-key.ts";
import type { ContentDeps } from "./deps.ts";
import { enqueueGeneration } from "./generation.ts";
import { chargeGeneration } from "./generation-quota.ts";
import { type GenerationEntry, type StreamIdle, tailGeneration } from "./generation-stream.ts";
import { courseHasIndexedContent } from "./indexed.ts";
import { type LessonTarget, lessonTitles, resolveLessonTarget } from "./target.ts";

/** The content services plus the learner's daily generation quota. */
export type LessonDeps = ContentDeps & {
  config: Pick<Config, "QUEUE_PREFIX" | "GENERATION_DAILY_QUOTA">;
  usage: UsageSink;
};

/** A learner opened a lesson (read from the cache, or its generation started). */
function recordOpened(deps: LessonDeps, learner: LearnerContext, target: LessonTarget, cached: boolean): void {
  deps.usage.record({
    kind: "lesson_view",
    userId: learner.viewer.userId,
    courseId: target.courseId,
    metadata: { unit_id: target.unitId, cached },
  });
}

export function toLesson(cached: CachedContent): Lesson {
  return {
    id: cached.id,
    module_id: cached.moduleId,
    unit_id: cached.unitId,
    content_type: cached.contentType,
    language: cached.language,
    level: cached.level,
    country_context: cached.country,
    version: cached.version,
    validated: cached.validated,
    model: cached.model,
    offline: cached.offline,
    generated_at: cached.generatedAt,
    content: cached.content as LessonContent,
    sources_cited: cached.sourcesCited,
  };
}

export type LessonOrGeneration = { status: "ready"; lesson: Lesson } | { status: "generating"; jobId: string };

async function assertIndexed(db: Db, target: LessonTarget): Promise<void> {
  if (!(await courseHasIndexedContent(db, target.courseId))) throw new AppError("NO_INDEXED_CONTENT");
}

/**
 * Starts the lesson's generation unless it is queued or running already. A fresh start, or a new
 * run of a job that failed for good, counts against a learner's daily quota (429 past it, and
 * nothing runs), and clears any stream left by an earlier run first, so readers never see a
 * previous run's text or error.
 */
export async function startLessonGeneration(deps: LessonDeps, target: LessonTarget, learner: LearnerContext) {
  const jobId = generationJobId(target.key);
  const seen = await jobRunMark(deps, "generate", jobId);
  if (seen === "missing" || seen.startsWith("failed")) await startNewRun(deps, target, learner, seen);
  else await enqueueGeneration(deps, { key: target.key, alsoOtherLanguage: true });
  return jobId;
}

/** How long a start may hold the lesson (a few Redis calls), and how often others look again. */
const START_LOCK_MS = 10_000;
const RELEASE_OWN_LOCK = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;
const START_WAITS = 100;

/**
 * One reader starts the new run; readers who saw the same ended run wait for it and join it,
 * uncharged: a second start would charge again and clear the new run's stream. A start refused by
 * its reader's quota starts nothing, and the next reader waiting tries.
 */
async function startNewRun(deps: LessonDeps, target: LessonTarget, learner: LearnerContext, seen: string) {
  const jobId = generationJobId(target.key);
  const lock = `lesson-start:${jobId}`;
  const holder = randomUUID();
  for (let wait = 0; wait < START_WAITS; wait++) {
    if (await deps.redis.set(lock, holder, "PX", START_LOCK_MS, "NX")) {
      try {
        if ((await jobRunMark(deps, "generate", jobId)) !== seen) return;
        if (learner.viewer.role === "learner") await chargeGeneration(deps, learner.viewer.userId);
        await deps.redis.del(generationStreamKey(target.key));
        await enqueueGeneration(deps, { key: target.key, alsoOtherLanguage: true });
      } finally {
        // Only this start's own lock: past its expiry another reader may hold the key.
        await deps.redis.eval(RELEASE_OWN_LOCK, 1, lock, holder);
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
    if ((await jobRunMark(deps, "generate", jobId)) !== seen) return;
  }
}

/** The cached lesson, or 'generating' after starting its generation (409 if nothing is indexed). */
export async function getLessonOrStartGeneration(
  deps: LessonDeps,
  learner: LearnerContext,
  moduleId: string,
  unitId: string,
): Promise<LessonOrGeneration> {
  const target = await resolveLessonTarget(deps.db, learner, moduleId, unitId);
  const cached = await findCachedContent(deps, target.key);
  if (cached) {
    recordOpened(deps, learner, target, true);
    return { status: "ready", lesson: toLesson(cached) };
  }
  await assertIndexed(deps.db, target);
  const jobId = await startLessonGeneration(deps, target, learner);
  recordOpened(deps, learner, target, false);
  return { status: "generating", jobId };
}

/** The lesson's sections in each language, named as the generators write their headings. */
export const LESSON_OUTLINE = Object.fromEntries(
  LANGUAGES.map((language) => {
    const h = LESSON_HEADINGS[language];
    return [language, [h.introduction, h.concepts, h.examplePrefix.replace(/\s*:\s*$/u, ""), h.synthesis, h.keyPoints]];
  }),
) as Record<Language, string[]>;

export type { LessonStreamMeta };

/**
 * The sources as the stream sends them: each document named once, and per source the marker that
 * cites it, its document's index and its page. `refs[i]` is `sources[i]` (the lesson's
 * `sources_cited`, stored in first-cited order, so the markers in `text` give each one's number).
 */
export function compactCitation(sources: SourceRef[], text: string): LessonCitation {
  const numbers = citedNumbers(text, Number.MAX_SAFE_INTEGER);
  const docs: string[] = [];
  const refs = sources.map((source, i) => {
    let doc = docs.indexOf(source.source);
    if (doc < 0) doc = docs.push(source.source) - 1;
    return {
      n: numbers.length === sources.length ? (numbers[i] ?? i + 1) : i + 1,
      doc,
      ...(source.page !== null ? { page: source.page } : {}),
    };
  });
  return { docs, refs };
}

/** What a lesson stream carries after its meta: text in pieces, then its sources, then done. */
export type LessonEvent =
  | { type: "text"; text: string }
  /** The text so far is void (the provider's output was repaired): the whole lesson follows. */
  | { type: "restart" }
  /** The text that follows is this run's or this stored version's: the stream's ids name it. */
  | { type: "run"; tag: string }
  | { type: "citation"; citation: LessonCitation }
  | { type: "done"; contentId: string; version: number }
  /** Nothing new for the idle timeout (the generation may be queued behind others): come back later. */
  | { type: "later" };

/**
 * What a client resuming holds (from Last-Event-ID): `offset` characters of the text `tag` names,
 * or, with an id of the earlier format (a bare offset), of a text it cannot name (`tag` null).
 */
export interface LessonResume {
  tag: string | null;
  offset: number;
}

export interface LessonStream {
  meta: LessonStreamMeta;
  /** `resume`: the client already holds text, perhaps of another run than the one served. */
  events(signal: AbortSignal, resume?: LessonResume | null): AsyncIterable<LessonEvent>;
}

/** A short name for a run (its id) or a stored version, carried by the stream's event ids. */
export function lessonTextTag(name: string): string {
  return createHash("sha256").update(name).digest("hex").slice(0, 8);
}

const storedTag = (cached: CachedContent) => lessonTextTag(`${cached.id}@${cached.version}`);

/** Whether a client's text is the run `run` (an id of the earlier format: any first attempt). */
function sameRun(resume: LessonResume, run: string, attempt: number | undefined): boolean {
  return resume.tag === null ? (attempt ?? 1) === 1 : resume.tag === lessonTextTag(run);
}

/**
 * Whether a resuming client's text is the stored lesson's: it was read from this version, or from
 * the run that stored it unrepaired, as the run's stream (while it lasts) tells. Past the stream's
 * expiry nobody can tell, and the client restarts.
 */
async function resumesInto(deps: ContentDeps, target: LessonTarget, resume: LessonResume, cached: CachedContent) {
  if (resume.tag === storedTag(cached)) return true;
  try {
    const key = generationStreamKey(target.key);
    const [[first], [last]] = await Promise.all([
      deps.redis.xrange(key, "-", "+", "COUNT", 1),
      deps.redis.xrevrange(key, "+", "-", "COUNT", 1),
    ]);
    const start = first ? (JSON.parse(first[1][1] ?? "null") as GenerationEntry | null) : null;
    const end = last ? (JSON.parse(last[1][1] ?? "null") as GenerationEntry | null) : null;
    return (
      start?.type === "start" &&
      end?.type === "done" &&
      end.content_id === cached.id &&
      end.version === cached.version &&
      !end.replaced &&
      sameRun(resume, start.run, start.attempt)
    );
  } catch {
    return false;
  }
}

/** The stored lesson, whole (the writer skips what a client resuming into the same text holds). */
async function* replayStored(
  deps: ContentDeps,
  target: LessonTarget,
  cached: CachedContent,
  resume: LessonResume | null,
  restart: boolean,
): AsyncGenerator<LessonEvent> {
  if (restart || (resume && !(await resumesInto(deps, target, resume, cached)))) yield { type: "restart" };
  yield { type: "run", tag: storedTag(cached) };
  yield* replay(cached);
}

export interface LessonStreamOptions {
  idleTimeoutMs?: number;
}

function* replay(cached: CachedContent, from = 0): Generator<LessonEvent> {
  const markdown = (cached.content as LessonContent).markdown;
  if (markdown.length > from) yield { type: "text", text: markdown.slice(from) };
  yield { type: "citation", citation: compactCitation(cached.sourcesCited, markdown) };
  yield { type: "done", contentId: cached.id, version: cached.version };
}

/**
 * Authorises and prepares a lesson stream; its meta is ready at once (one cache lookup), and its
 * events either replay the cached lesson or tail the generation, started (once) here so that a
 * refusal (quota) comes before the stream opens.
 */
export async function openLessonStream(
  deps: LessonDeps,
  learner: LearnerContext,
  moduleId: string,
  unitId: string,
  options: LessonStreamOptions = {},
): Promise<LessonStream> {
  const target = await resolveLessonTarget(deps.db, learner, moduleId, unitId);
  const [cached, unit] = await Promise.all([findCachedContent(deps, target.key), lessonTitles(deps.db, target)]);
  if (!cached) {
    await assertIndexed(deps.db, target);
    await startLessonGeneration(deps, target, learner);
  }
  recordOpened(deps, learner, target, cached !== null);
  const meta: LessonStreamMeta = {
    language: target.key.language,
    level: target.key.level,
    title: inLanguage(target.key.language, unit.titleFr, unit.titleEn),
    outline: LESSON_OUTLINE[target.key.language],
    cached: cached !== null,
    ...(cached
      ? { version: cached.version, offline: cached.offline, ...(cached.model !== null ? { model: cached.model } : {}) }
      : {}),
  };
  return {
    meta,
    events: (signal, resume = null) => {
      const held = resume && resume.offset > 0 ? resume : null;
      return cached ? replayStored(deps, target, cached, held, false) : liveEvents(deps, target, signal, held, options);
    },
  };
}

/**
 * The running generation's events. A new run of the job (the provider failed and the queue retried
 * it) restarts the text: the reader gets `restart`, then the new attempt's text from its start. A
 * client resuming with text of another run (an earlier attempt, or a run that failed for good
 * before this one started) restarts too. Only the job's final failure arrives as `error`.
 */
async function* liveEvents(
  deps: ContentDeps,
  target: LessonTarget,
  signal: AbortSignal,
  resume: LessonResume | null,
  options: LessonStreamOptions,
): AsyncGenerator<LessonEvent> {
  const resumed = resume !== null;
  let sent = 0;
  /** This run's text, for the citation markers' numbers. */
  let text = "";
  let run: string | null = null;
  let fromCache: CachedContent | null = null;
  const entries = tailGeneration(deps.redis, generationStreamKey(target.key), {
    signal,
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    // The stream may be gone (expired, or the job found the lesson cached): the cache then answers.
    checkFinished: async () => {
      fromCache = await findCachedContent(deps, target.key);
      return fromCache
        ? ({ type: "done", content_id: fromCache.id, version: fromCache.version, sources: [] } as const)
        : null;
    },
  });
  for await (const entry of entries as AsyncGenerator<GenerationEntry | StreamIdle>) {
    if (fromCache) {
      const stored: CachedContent = fromCache;
      // Stored while the run's last entries were on their way: the rest of the same text follows.
      if (run !== null && (stored.content as LessonContent).markdown.startsWith(text)) {
        yield* replay(stored, sent);
        return;
      }
      // Otherwise the stored lesson follows, whole unless the client holds text of it.
      yield* replayStored(deps, target, stored, run === null ? resume : null, run !== null);
      return;
    }
    switch (entry.type) {
      case "start": {
        const newRun = run !== null && run !== entry.run && (sent > 0 || resumed);
        const resumingOther = run === null && resume !== null && !sameRun(resume, entry.run, entry.attempt);
        if (newRun || resumingOther) yield { type: "restart" };
        if (run !== entry.run) {
          sent = 0;
          text = "";
          yield { type: "run", tag: lessonTextTag(entry.run) };
        }
        run = entry.run;
        break;
      }
      case "delta":
        sent += entry.text.length;
        text += entry.text;
        yield { type: "text", text: entry.text };
        break;
      case "error":
        throw new AppError(entry.code);
      case "idle":
        yield { type: "later" };
        return;
      case "done":
        if (entry.replaced) {
          const stored = await findCachedContent(deps, target.key);
          if (stored) {
            yield* replayStored(deps, target, stored, null, true);
            return;
          }
        }
        yield { type: "citation", citation: compactCitation(entry.sources, text) };
        yield { type: "done", contentId: entry.content_id, version: entry.version };
        return;
    }
  }
}
