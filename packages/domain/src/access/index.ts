export * from "./actor.ts";
export { assertCanReadCourse } from "./course-access.ts";
export * from "./learner.ts";
export * from "./module-lock.ts";
export * from "./readable.ts";
