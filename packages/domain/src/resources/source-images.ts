/**
 * Reading the images extracted from a course's documents: whoever may read the course's lessons
 * (admins, the course's managers, learners with an active or completed enrollment). Others get
 * NOT_ENROLLED when they can see the course, NOT_FOUND when they cannot or it does not exist.
 */
import type { Readable } from "node:stream";
import { AppError, type SourceImageListQuery, type SourceImageView } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { assertCanReadCourse } from "../access/course-access.ts";
import { pageArgs } from "../sync.ts";
import type { ResourceDeps } from "./deps.ts";
import { sourceImageSelect, toSourceImageView } from "./shape.ts";

/** Throws unless the viewer may see the course's source images: the same rule as its lessons. */
async function assertMaySeeImages(db: Db, viewer: Viewer, courseId: string): Promise<void> {
  if (viewer.role === "admin") {
    if ((await db.course.count({ where: { id: courseId } })) === 0) throw new AppError("NOT_FOUND");
    return;
  }
  await assertCanReadCourse(db, viewer, courseId);
}

/** A page of the course's images, in document order. */
export async function listSourceImages(
  deps: Pick<ResourceDeps, "db">,
  viewer: Viewer,
  courseId: string,
  query: SourceImageListQuery,
): Promise<{ items: SourceImageView[]; total: number }> {
  await assertMaySeeImages(deps.db, viewer, courseId);
  const where = { courseId, ...(query.resource_id ? { resourceId: query.resource_id } : {}) };
  const [rows, total] = await Promise.all([
    deps.db.sourceImage.findMany({
      where,
      select: sourceImageSelect,
      orderBy: [{ resourceId: "asc" }, { page: "asc" }, { imageIndex: "asc" }],
      ...pageArgs(query),
    }),
    deps.db.sourceImage.count({ where }),
  ]);
  return { items: rows.map(toSourceImageView), total };
}

export interface SourceImageFile {
  mimeType: string;
  /** Strong validator: the image's content hash (suffixed for the thumbnail). */
  etag: string;
  /** The image's key in storage (presigned media). */
  storageKey: string;
  /** The bytes as a stream; opened only when they are sent (a 304 opens nothing). */
  open(): Promise<Readable>;
}

/** The stored WebP of an image (or of its thumbnail) the viewer may see. */
export async function sourceImageFile(
  deps: Pick<ResourceDeps, "db" | "storage">,
  viewer: Viewer,
  imageId: string,
  variant: "full" | "thumbnail",
): Promise<SourceImageFile> {
  const image = await deps.db.sourceImage.findUnique({
    where: { id: imageId },
    select: { courseId: true, storageKey: true, thumbnailKey: true, mimeType: true, contentHash: true },
  });
  if (!image) throw new AppError("NOT_FOUND");
  await assertMaySeeImages(deps.db, viewer, image.courseId);
  const key = variant === "full" ? image.storageKey : image.thumbnailKey;
  if (!key) throw new AppError("NOT_FOUND");
  return {
    mimeType: image.mimeType,
    etag: `"${image.contentHash.slice(0, 32)}${variant === "thumbnail" ? "-thumb" : ""}"`,
    storageKey: key,
    open: async () => {
      const body = await deps.storage.get(key);
      if (!body) throw new AppError("NOT_FOUND");
      return body;
    },
  };
}
