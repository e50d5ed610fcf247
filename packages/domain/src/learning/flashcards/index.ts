/** Flashcards: the module deck from generated content, FSRS reviews (offline replay in order), quick review, quiz feed. */
export { conceptKeyOf } from "./concept-key.ts";
export { type DeckAnswer, type DeckQuery, getModuleDeck } from "./deck.ts";
export {
  FSRS_FIT_MAX_REVIEWS,
  FSRS_FIT_MAX_SCOPES,
  type FsrsFitReport,
  type FsrsScope,
  fsrsWeightsFor,
  runFsrsOptimisation,
  storeFsrsFit,
} from "./fsrs-parameters.ts";
export { DECK_RETRY_AFTER_SECONDS, materialiseDeck, mergeDeckContents } from "./materialise.ts";
export {
  DUE_CANDIDATES,
  NEW_CARDS_PER_DAY,
  QUICK_REVIEW_BUDGET_SECONDS,
  QUICK_REVIEW_MAX,
  QUICK_REVIEW_MIN,
  quickReview,
} from "./quick-review.ts";
export { feedQuizAnswerToCard } from "./quiz-feed.ts";
export { reviewFlashcard } from "./reviews.ts";
export { type CardReviewInput, type CardReviewOutcome, recordCardReview } from "./scheduling.ts";
