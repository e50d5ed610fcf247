/** tRPC `content`: lessons for learners (status, cached lesson, reading progress). */
import { router } from "../init.ts";

export const contentRouter = router({});
