/** tRPC `sourceImages`: images extracted from course documents. */
import { router } from "../init.ts";

export const sourceImagesRouter = router({});
