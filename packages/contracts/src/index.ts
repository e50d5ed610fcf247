export type { AppRouter } from "./app-router.ts";
export * from "./common.ts";
export * from "./errors.ts";
