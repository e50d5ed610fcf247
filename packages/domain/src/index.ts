export * from "./idempotency.ts";
export * from "./maintenance.ts";
export * from "./sync.ts";
