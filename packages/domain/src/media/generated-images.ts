/**
 * Illustrations of a lesson (generated content of type lesson) or of a module, with FR/EN alt text.
 * Admins and the course's experts ask for one (or for a new one); the `generate-image` job, whose
 * id is the image's id, draws it (an OpenAI image model, else the offline concept map), encodes it
 * as WebP at 640 and 320 px within their budgets, stores both under keys holding their hash, and
 * removes the previous files. Learners of the course list a module's ready images and read the
 * bytes; the address carries the image's hash, so the immutable caching never serves an old one.
 */
import { createHash } from "node:crypto";
import type { IllustrationRequest } from "@sira/ai";
import {
  AppError,
  clipText,
  type GeneratedImageView,
  type ImageWidth,
  type Language,
  LessonContentSchema,
  type PageQuery,
} from "@sira/contracts";
import type { Prisma } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { manageableCourses } from "../access/readable.ts";
import { writeAudit } from "../audit.ts";
import { courseLanguages, inLanguage } from "../bilingual.ts";
import { enqueue } from "../jobs/enqueue.ts";
import { PermanentJobError } from "../jobs/failures.ts";
import type { AuditMeta } from "../request-meta.ts";
import { pageArgs } from "../sync.ts";
import { assertMayReadCourse, manageableModule, readableModule } from "./access.ts";
import type { MediaDeps } from "./deps.ts";
import { toServedWebp } from "./raster.ts";
import type { StoredFile } from "./stored-file.ts";

const imageSelect = {
  id: true,
  courseId: true,
  moduleId: true,
  contentId: true,
  status: true,
  provider: true,
  model: true,
  width: true,
  height: true,
  byteSize: true,
  altFr: true,
  altEn: true,
  error: true,
  storageKey: true,
  thumbnailKey: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.GeneratedImageSelect;
type ImageRow = Prisma.GeneratedImageGetPayload<{ select: typeof imageSelect }>;

/** The version part of a stored key (`…/<hash>-640.webp`), used in the image's address. */
function versionOf(key: string | null): string | null {
  const match = key ? /\/([0-9a-f]{16})-\d+\.webp$/.exec(key) : null;
  return match?.[1] ?? null;
}

/** Its address names the files it has, which stay while it is redrawn (a redraw replaces them once ready). */
export function toImageView(row: ImageRow, lang: Language): GeneratedImageView {
  const version = versionOf(row.storageKey);
  const base = `/api/v1/images/${row.id}`;
  return {
    id: row.id,
    course_id: row.courseId,
    module_id: row.moduleId,
    content_id: row.contentId,
    status: row.status as GeneratedImageView["status"],
    provider: row.provider,
    model: row.model,
    width: row.width,
    height: row.height,
    byte_size: row.byteSize,
    alt_fr: row.altFr,
    alt_en: row.altEn,
    alt: inLanguage(lang, row.altFr, row.altEn),
    error: row.error,
    url: version ? `${base}?width=640&v=${version}` : null,
    thumbnail_url: version ? `${base}?width=320&v=${version}` : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

interface Target {
  courseId: string;
  moduleId: string;
  contentId: string | null;
}

/** Creates the target's image row, or queues a new drawing of the existing one; audited. */
async function requestImage(
  deps: MediaDeps,
  viewer: Viewer,
  target: Target,
  language: Language | undefined,
  meta: AuditMeta,
  lang: Language,
): Promise<GeneratedImageView> {
  const where = target.contentId ? { contentId: target.contentId } : { moduleId: target.moduleId, contentId: null };
  const lockKey = target.contentId
    ? `generated_image:content:${target.contentId}`
    : `generated_image:module:${target.moduleId}`;
  const row = await deps.db.$transaction(async (tx) => {
    // One request per lesson or module at a time: concurrent ones find the row the first made.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`;
    const existing = await tx.generatedImage.findFirst({ where, select: imageSelect, orderBy: { createdAt: "asc" } });
    // A drawing already queued or running answers for this request too.
    if (existing && (existing.status === "pending" || existing.status === "generating")) return existing;
    const data = {
      status: "pending",
      provider: deps.ai.images.provider,
      model: deps.ai.images.model,
      error: null,
      createdById: viewer.userId,
    };
    const saved = existing
      ? await tx.generatedImage.update({ where: { id: existing.id }, data, select: imageSelect })
      : await tx.generatedImage.create({ data: { ...target, prompt: "", ...data }, select: imageSelect });
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: existing ? "generated_image.regenerated" : "generated_image.requested",
      targetType: "generated_image",
      targetId: saved.id,
      after: { course_id: target.courseId, module_id: target.moduleId, content_id: target.contentId },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return saved;
  });
  await enqueue(deps, "generate-image", { imageId: row.id, ...(language ? { language } : {}) }, row.id);
  return toImageView(row, lang);
}

/** An illustration of a lesson the viewer manages (202: drawn on the worker). */
export async function requestLessonImage(
  deps: MediaDeps,
  viewer: Viewer,
  contentId: string,
  meta: AuditMeta,
  lang: Language,
): Promise<GeneratedImageView> {
  const content = await deps.db.generatedContent.findFirst({
    where: { id: contentId, module: { courseId: { not: null }, course: { is: manageableCourses(viewer) } } },
    select: { id: true, moduleId: true, contentType: true, module: { select: { courseId: true } } },
  });
  if (!content?.module.courseId) throw new AppError("NOT_FOUND");
  if (content.contentType !== "lesson") {
    throw new AppError("VALIDATION_FAILED", {
      fieldErrors: [{ field: "content_id", code: "not_a_lesson", message: "only a lesson can be illustrated" }],
    });
  }
  const target = { courseId: content.module.courseId, moduleId: content.moduleId, contentId: content.id };
  return requestImage(deps, viewer, target, undefined, meta, lang);
}

/** An illustration of a module the viewer manages, labelled in `language` (default: the course's first). */
export async function requestModuleImage(
  deps: MediaDeps,
  viewer: Viewer,
  moduleId: string,
  language: Language | undefined,
  meta: AuditMeta,
  lang: Language,
): Promise<GeneratedImageView> {
  const module = await manageableModule(deps.db, viewer, moduleId);
  const target = { courseId: module.courseId, moduleId: module.id, contentId: null };
  return requestImage(deps, viewer, target, language, meta, lang);
}

/** The image row, when the viewer manages its course; else NOT_FOUND. */
async function manageableImage(deps: MediaDeps, viewer: Viewer, imageId: string): Promise<ImageRow> {
  const row = await deps.db.generatedImage.findFirst({
    where: { id: imageId, course: manageableCourses(viewer) },
    select: imageSelect,
  });
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/** One image with its status, for the back office. */
export async function getGeneratedImage(
  deps: MediaDeps,
  viewer: Viewer,
  imageId: string,
  lang: Language,
): Promise<GeneratedImageView> {
  return toImageView(await manageableImage(deps, viewer, imageId), lang);
}

/** A new drawing of an existing image. */
export async function regenerateImage(
  deps: MediaDeps,
  viewer: Viewer,
  imageId: string,
  meta: AuditMeta,
  lang: Language,
): Promise<GeneratedImageView> {
  const row = await manageableImage(deps, viewer, imageId);
  if (!row.moduleId) throw new AppError("NOT_FOUND");
  return requestImage(
    deps,
    viewer,
    { courseId: row.courseId, moduleId: row.moduleId, contentId: row.contentId },
    undefined,
    meta,
    lang,
  );
}

/**
 * A page of a module's illustrations that have a picture (the module's own, then its lessons'), for
 * its readers: one being redrawn, or whose redraw failed, keeps its picture; the reason of a failure
 * is the back office's.
 */
export async function listModuleImages(
  deps: MediaDeps,
  viewer: Viewer,
  moduleId: string,
  query: PageQuery,
  lang: Language,
): Promise<{ items: GeneratedImageView[]; total: number }> {
  await readableModule(deps.db, viewer, moduleId);
  const where = { moduleId, storageKey: { not: null } };
  const [rows, total] = await Promise.all([
    deps.db.generatedImage.findMany({
      where,
      select: imageSelect,
      orderBy: [{ contentId: { sort: "asc", nulls: "first" } }, { createdAt: "asc" }, { id: "asc" }],
      ...pageArgs(query),
    }),
    deps.db.generatedImage.count({ where }),
  ]);
  return { items: rows.map((row) => ({ ...toImageView(row, lang), error: null })), total };
}

/** The WebP of an image that has a picture (also while it is redrawn) at `width`, for whoever may read it; 404 when `version` is not its current one. */
export async function generatedImageFile(
  deps: Pick<MediaDeps, "db" | "storage">,
  viewer: Viewer,
  imageId: string,
  width: ImageWidth,
  version?: string,
): Promise<StoredFile> {
  const row = await deps.db.generatedImage.findUnique({
    where: { id: imageId },
    select: { courseId: true, moduleId: true, storageKey: true, thumbnailKey: true },
  });
  if (!row) throw new AppError("NOT_FOUND");
  if (row.moduleId) await readableModule(deps.db, viewer, row.moduleId);
  else await assertMayReadCourse(deps.db, viewer, row.courseId);
  const key = width === 320 ? row.thumbnailKey : row.storageKey;
  // Keys are set only by a finished drawing; a redraw replaces them when its own files are ready.
  if (!key) throw new AppError("IMAGE_NOT_READY");
  if (version !== undefined && version !== versionOf(key)) throw new AppError("NOT_FOUND");
  const stat = await deps.storage.stat(key);
  if (!stat) throw new AppError("NOT_FOUND");
  return {
    size: stat.size,
    etag: `"${versionOf(key) ?? "x"}-${width}"`,
    mimeType: "image/webp",
    storageKey: key,
    open: async (range) => {
      const body = await deps.storage.get(key, range);
      if (!body) throw new AppError("NOT_FOUND");
      return body;
    },
  };
}

// ── the job ──────────────────────────────────────────────────────────────────────────────────

const ALT_MAX = 500;
const clip = (text: string, max: number) => (text.length <= max ? text : `${clipText(text, max - 1).trimEnd()}…`);

/** FR/EN alt text: what the picture shows, named by the lesson's own words. */
export function altTexts(request: IllustrationRequest, offline: boolean): { fr: string; en: string } {
  const names = request.concepts.map((c) => c.title.replace(/\s+/g, " ").trim()).filter(Boolean);
  const title = request.title.replace(/\s+/g, " ").trim();
  const fr = offline
    ? `Schéma « ${title} » reliant ${names.length} notion${names.length > 1 ? "s" : ""} : ${names.join(" ; ")}.`
    : `Illustration de « ${title} » : ${names.join(" ; ")}.`;
  const en = offline
    ? `Diagram “${title}” linking ${names.length} concept${names.length > 1 ? "s" : ""}: ${names.join("; ")}.`
    : `Illustration of “${title}”: ${names.join("; ")}.`;
  return { fr: clip(fr, ALT_MAX), en: clip(en, ALT_MAX) };
}

/** What to draw: the lesson's title and concepts, or the module's title and unit titles. */
async function illustrationOf(
  deps: MediaDeps,
  imageId: string,
  language: Language | undefined,
): Promise<{ row: { id: string; courseId: string }; request: IllustrationRequest }> {
  const row = await deps.db.generatedImage.findUniqueOrThrow({
    where: { id: imageId },
    select: {
      id: true,
      courseId: true,
      course: { select: { titleFr: true, titleEn: true, languages: true } },
      content: { select: { content: true, language: true } },
      module: {
        select: {
          titleFr: true,
          titleEn: true,
          objectivesFr: true,
          objectivesEn: true,
          units: { select: { titleFr: true, titleEn: true, unitType: true }, orderBy: { unitNumber: "asc" } },
        },
      },
    },
  });
  const topicOf = (lang: Language) => inLanguage(lang, row.course.titleFr, row.course.titleEn);
  if (row.content) {
    const lesson = LessonContentSchema.safeParse(row.content.content);
    if (!lesson.success)
      throw new AppError("NOT_FOUND", { details: { en: "the lesson is not readable", fr: "leçon illisible" } });
    const lang = row.content.language === "en" ? "en" : "fr";
    return {
      row,
      request: {
        title: lesson.data.title,
        language: lang,
        concepts: lesson.data.concepts.map((c) => ({ title: c.title, detail: c.explanation })),
        keyTerms: lesson.data.key_points,
        topic: topicOf(lang),
      },
    };
  }
  if (!row.module) throw new AppError("NOT_FOUND");
  const lang = language ?? courseLanguages(row.course.languages)[0] ?? "fr";
  const module = row.module;
  const units = module.units.filter((u) => u.unitType === "lesson");
  const objectives = lang === "en" ? module.objectivesEn : module.objectivesFr;
  const concepts = units.length
    ? units.map((u) => ({ title: inLanguage(lang, u.titleFr, u.titleEn) }))
    : objectives.map((o) => ({ title: o }));
  return {
    row,
    request: {
      title: inLanguage(lang, module.titleFr, module.titleEn),
      language: lang,
      concepts,
      topic: topicOf(lang),
    },
  };
}

export interface ImageOutcomeView {
  imageId: string;
  bytes: Record<ImageWidth, number>;
  withinBudget: boolean;
}

/** The `generate-image` job: draw, encode, store, then mark ready (safe to run twice). */
export async function runImageGeneration(
  deps: MediaDeps,
  imageId: string,
  options: { language?: Language; signal?: AbortSignal } = {},
): Promise<ImageOutcomeView> {
  const { row, request } = await illustrationOf(deps, imageId, options.language);
  await deps.db.generatedImage.update({ where: { id: imageId }, data: { status: "generating", error: null } });
  const illustration = await deps.ai.images.illustrate(request, { signal: options.signal });
  // A picture that cannot be decoded will not decode on a retry either: no second paid drawing.
  const variants = await toServedWebp(illustration.bytes, illustration.mimeType).catch((error: unknown) => {
    throw new PermanentJobError(`the drawing could not be encoded: ${error instanceof Error ? error.message : error}`);
  });
  const large = variants.find((v) => v.width === 640);
  const small = variants.find((v) => v.width === 320);
  if (!large || !small) throw new PermanentJobError("both widths are encoded");
  const hash = createHash("sha256").update(large.bytes).digest("hex").slice(0, 16);
  const prefix = `courses/${row.courseId}/images/${imageId}`;
  const largeKey = `${prefix}/${hash}-640.webp`;
  const smallKey = `${prefix}/${hash}-320.webp`;
  await deps.storage.put(largeKey, large.bytes);
  await deps.storage.put(smallKey, small.bytes);
  const alt = altTexts(request, deps.ai.images.offline);
  const before = await deps.db.generatedImage.findUniqueOrThrow({
    where: { id: imageId },
    select: { storageKey: true, thumbnailKey: true },
  });
  await deps.db.generatedImage.update({
    where: { id: imageId },
    data: {
      status: "ready",
      storageKey: largeKey,
      thumbnailKey: smallKey,
      width: large.width,
      height: large.height,
      byteSize: large.bytes.byteLength,
      mimeType: "image/webp",
      altFr: alt.fr,
      altEn: alt.en,
      prompt: illustration.prompt,
      provider: illustration.provider,
      model: illustration.model,
      error: null,
    },
  });
  for (const old of [before.storageKey, before.thumbnailKey]) {
    if (old && old !== largeKey && old !== smallKey) await deps.storage.delete(old).catch(() => undefined);
  }
  const withinBudget = variants.every((v) => v.withinBudget);
  if (!withinBudget) {
    deps.logger.warn(
      { image_id: imageId, bytes: variants.map((v) => [v.width, v.bytes.byteLength]) },
      "illustration over its byte budget at the lowest quality",
    );
  }
  return { imageId, bytes: { 640: large.bytes.byteLength, 320: small.bytes.byteLength }, withinBudget };
}

/** Records a failed drawing: final when permanent or the last attempt, else left to the retry. */
export async function recordImageFailure(
  deps: Pick<MediaDeps, "db">,
  imageId: string,
  error: unknown,
  final: boolean,
): Promise<void> {
  const reason = clip(error instanceof Error ? error.message : String(error), 500);
  await deps.db.generatedImage
    .updateMany({
      where: { id: imageId },
      data: final ? { status: "failed", error: reason } : { status: "pending", error: `Retrying after: ${reason}` },
    })
    .catch(() => undefined);
}
