/** The SMS relay: signed posts from the merchant phone, operator SMS read, matched to payment intents, reviewed by admins. */
export * from "./candidates.ts";
export * from "./inbound.ts";
export * from "./matching.ts";
export * from "./notify.ts";
export * from "./parsers/index.ts";
export * from "./review.ts";
export * from "./signature.ts";
