export type { AppRouter } from "./app-router.ts";
export * from "./auth.ts";
export * from "./common.ts";
export * from "./countries.ts";
export * from "./errors.ts";
export * from "./users.ts";
