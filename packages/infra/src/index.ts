export * from "./config.ts";
export * from "./logger.ts";
export * from "./outage.ts";
export * from "./queues.ts";
export * from "./redis.ts";
export * from "./request-scope.ts";
export * from "./storage.ts";
