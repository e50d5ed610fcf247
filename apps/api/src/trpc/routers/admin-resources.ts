/** tRPC `admin.resources`: course documents and their indexing status. */
import { router } from "../init.ts";

export const adminResourcesRouter = router({});
