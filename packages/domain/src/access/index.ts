export * from "./actor.ts";
export * from "./readable.ts";
