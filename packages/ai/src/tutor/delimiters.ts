/**
 * Learner notes, summaries and past turns are quoted in the tutor's prompts between tags of their
 * own. Like course documents, they are untrusted: their tags (and the sources' ones) are escaped
 * inside the quoted text, so a note cannot close its block and write instructions after it.
 */
import { defuseDelimiters } from "../prompts/sources.ts";

const TUTOR_DELIMITER =
  /<(\s*(?:\/\s*)?(?:learner_notes|conversation_summary|open_quiz|previous_summary|new_turns|current_notes|exchange)\b)/gi;

/** Untrusted text with every prompt delimiter tag escaped ("</learner_notes>" → "&lt;/learner_notes>"). */
export function defuseTutorText(text: string): string {
  return defuseDelimiters(text).replace(TUTOR_DELIMITER, "&lt;$1");
}
