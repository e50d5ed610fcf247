/** Lesson audio: the manifest and its job, a section's bytes, and retiring audio of a regenerated lesson. */
export { type AudioOutcome, generateLessonAudio, recordAudioFailure } from "./generate.ts";
export {
  AUDIO_FAILURE_COOLDOWN_MS,
  AUDIO_MIME,
  AUDIO_RETRY_AFTER_SECONDS,
  audioJobId,
  audioSectionPath,
  getLessonAudio,
} from "./manifest.ts";
export { retireLessonAudio } from "./retire.ts";
export { type AudioSectionFile, lessonAudioSection } from "./section.ts";
export { type AudioDeps, type AudioRequestDeps, audioPrefix, type StoredSection } from "./shared.ts";
