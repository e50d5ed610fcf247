/** tRPC `admin.curricula`, `admin.taxonomy`, `admin.groups`, `admin.settings`. */
import { router } from "../init.ts";

export const adminCurriculaRouter = router({});
export const adminTaxonomyRouter = router({});
export const adminGroupsRouter = router({});
export const adminSettingsRouter = router({});
