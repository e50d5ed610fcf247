/** Course documents: storage, content checks, extraction, images, indexing. */
export { assertManagesCourse } from "./access.ts";
export type { IndexingDeps, ResourceDeps } from "./deps.ts";
export {
  CSV_ROWS_PER_PAGE,
  type ExtractedDocument,
  extractDocument,
  pagesFromRawText,
  toStoredExtraction,
} from "./extract.ts";
export { EXTRACTION_THREADS, type ExtractionLimits, extractInThread } from "./extract-thread.ts";
export { MAX_IMAGE_PIXELS, MAX_LINE_CHARS, MAX_TEXT_CHARS, ZIP_LIMITS } from "./extraction-limits.ts";
export { type DocumentType, detectDocumentType } from "./file-types.ts";
export { type ImageOutcome, indexResourceImages, MIN_IMAGE_SIDE, THUMBNAIL_MAX_SIDE } from "./images.ts";
export {
  EMBED_BATCH_SIZE,
  failureReason,
  type IndexOutcome,
  indexResource,
  recordIndexFailure,
} from "./indexing.ts";
export {
  imagesJobId,
  indexJobId,
} from "./jobs.ts";
export { uploadLimitBytes } from "./limits.ts";
export {
  deleteCourseResource,
  getCourseResource,
  getResourceChunk,
  listCourseResources,
  listResourcePages,
  reindexCourseResource,
  reindexCourseResources,
  STUCK_INDEXING_MS,
} from "./manage.ts";
export { listSourceImages, type SourceImageFile, sourceImageFile } from "./source-images.ts";
export { requeueStalledResources, STALLED_INDEXING_MINUTES } from "./stalled.ts";
export {
  cleanFilename,
  type Received,
  type ResourceUpload,
  receiveUpload,
  tooLarge,
  uploadCourseResource,
} from "./upload.ts";
