export { type DemoSeedResult, seedDemo } from "./demo/seed.ts";
export * from "./idempotency.ts";
export * from "./maintenance.ts";
export * from "./sync.ts";
