/** tRPC `admin.content` and `admin.structure`: generated content review and AI course structure. */
import { router } from "../init.ts";

export const adminContentRouter = router({});
export const adminStructureRouter = router({});
