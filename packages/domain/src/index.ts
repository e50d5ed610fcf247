export * from "./audit.ts";
export * from "./auth/index.ts";
export { type DemoSeedResult, seedDemo } from "./demo/seed.ts";
export * from "./email/index.ts";
export * from "./idempotency.ts";
export * from "./maintenance.ts";
export * from "./sync.ts";
export * from "./users/index.ts";
