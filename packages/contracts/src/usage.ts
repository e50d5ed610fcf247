/** What the platform counts as usage: one event kind per thing a learner does. */
export const USAGE_KINDS = [
  "login",
  "enrollment",
  "lesson_opened",
  "lesson_completed",
  "quiz_answered",
  "quiz_submitted",
  "flashcard_reviewed",
  "tutor_message",
  "audio_played",
  "purchase",
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];
