/**
 * Lesson audio over tRPC: `lessons.audio` answers the manifest, or the sections made so far while
 * the rest are generated (the job is started once). REST's 200-or-202 and the sections' bytes are
 * hand-written in rest/lesson-audio.ts.
 */
import { lessonAudioParams, lessonAudioQuery, lessonAudioSchema } from "@sira/contracts";
import { getLessonAudio } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";
import { MODULE_ACCESS } from "./access-errors.ts";

/** What the audio manifest can refuse: the lesson's access rules, and a failed generation cooling down. */
export const LESSON_AUDIO_ERRORS = [...MODULE_ACCESS, "AUDIO_UNAVAILABLE"] as const;

export const lessonAudioEndpoints = {
  audio: endpoint({
    method: "get",
    auth: "learner",
    summary: "The lesson read aloud: every section when ready, else those made so far (status generating)",
    params: lessonAudioParams,
    query: lessonAudioQuery,
    output: lessonAudioSchema,
    errors: LESSON_AUDIO_ERRORS,
    handle: ({ ctx, input }) => getLessonAudio(ctx.deps, ctx.viewer, input.id, input.format),
  }),
};
