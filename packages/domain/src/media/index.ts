/** Generated illustrations and a module's attached media. */
export type { MediaDeps } from "./deps.ts";
export { detectMediaType, type MediaFileType, oggDurationMs } from "./file-types.ts";
export {
  altTexts,
  generatedImageFile,
  getGeneratedImage,
  type ImageOutcomeView,
  listModuleImages,
  recordImageFailure,
  regenerateImage,
  requestLessonImage,
  requestModuleImage,
  runImageGeneration,
} from "./generated-images.ts";
export {
  createMediaReference,
  deleteModuleMedia,
  listModuleMedia,
  type MediaUpload,
  moduleMediaFile,
  reorderModuleMedia,
  updateModuleMedia,
  uploadModuleMedia,
} from "./module-media.ts";
export { toServedWebp, type WebpVariant } from "./raster.ts";
export type { StoredFile } from "./stored-file.ts";
export { type MediaSummaryOutcome, recordMediaSummaryFailure, summarizeModuleMedia } from "./summary.ts";
