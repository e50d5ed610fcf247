/** Money: the credits ledger, payments by mobile money, subscriptions, activation codes. */
export * from "./activation.ts";
export * from "./amount.ts";
export * from "./check-code.ts";
export * from "./codes/index.ts";
export * from "./course-access.ts";
export * from "./credits.ts";
export * from "./ledger.ts";
export * from "./offers.ts";
export * from "./payments.ts";
export * from "./payouts.ts";
export * from "./purchase.ts";
export * from "./purchase-list.ts";
export * from "./reconcile.ts";
export * from "./revenue.ts";
export * from "./sms/index.ts";
export * from "./subscriptions.ts";
export * from "./tutor-overage.ts";
