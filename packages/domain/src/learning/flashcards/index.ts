/** Flashcards: the module deck from generated content, FSRS reviews (offline replay in order), quick review, quiz feed. */
export { conceptKeyOf } from "./concept-key.ts";
export { feedQuizAnswerToCard } from "./quiz-feed.ts";
export { type CardReviewInput, type CardReviewOutcome, recordCardReview } from "./review.ts";
