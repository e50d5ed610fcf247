/** What the quiz suites (module quiz, placement, pre-assessment) read of an attempt, and how they answer it. */

/** An attempt as a start or resume answers it: its id and the current question, if any. */
export interface AttemptState {
  attempt: { id: string };
  question: { id: string } | null;
}

/** The body that answers the current question of `state` with `selected_option`. */
export const answerBody = (state: AttemptState, selected_option = 0) => ({
  attempt_id: state.attempt.id,
  item_id: state.question?.id as string,
  selected_option,
});
