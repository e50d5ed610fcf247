/** What the platform counts as usage: one event kind per thing a learner does (usage_events_kind_check). */
export const USAGE_KINDS = [
  "login",
  "enrollment",
  "lesson_view",
  "lesson_complete",
  "unit_complete",
  "quiz_answer",
  "quiz_submit",
  "flashcard_review",
  "tutor_message",
  "audio_play",
  "placement",
  "preassessment",
  "purchase",
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];
