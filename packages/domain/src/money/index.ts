/** Money: the credits ledger, payments by mobile money, subscriptions, activation codes. */
export * from "./check-code.ts";
export * from "./ledger.ts";
export * from "./payments.ts";
export * from "./subscriptions.ts";
