/** tRPC `courses` and `curricula`: the public catalog and enrollment. */
import { router } from "../init.ts";

export const coursesRouter = router({});
export const curriculaRouter = router({});
