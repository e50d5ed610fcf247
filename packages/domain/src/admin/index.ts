export * from "./audit-log.ts";
export * from "./catalog-admin.ts";
export * from "./courses/index.ts";
export * from "./users.ts";
