export * from "./admin-catalog.ts";
export * from "./admin-courses.ts";
export type { AppRouter } from "./app-router.ts";
export * from "./auth.ts";
export * from "./catalog.ts";
export * from "./common.ts";
export * from "./countries.ts";
export * from "./errors.ts";
export * from "./users.ts";
