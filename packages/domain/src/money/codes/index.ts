/** Activation codes: batches generated for printing, revoked and listed; a learner's redemption. */
export * from "./batches.ts";
export * from "./csv.ts";
export * from "./generate.ts";
export * from "./redeem.ts";
