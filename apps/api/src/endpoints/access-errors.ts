/** The refusals of the learner access rules (domain `access/`), declared by the endpoints they guard. */
import type { ErrorCode } from "@sira/contracts";

/** A course the learner cannot see (404) or is not enrolled in. */
export const COURSE_ACCESS: readonly ErrorCode[] = ["NOT_FOUND", "NOT_ENROLLED"];
/** A module of such a course, or one still locked by its prerequisites. */
export const MODULE_ACCESS: readonly ErrorCode[] = [...COURSE_ACCESS, "MODULE_LOCKED"];
