/** The back office's curricula, taxonomy, user groups and platform settings (issue 5). */
export { grantCurriculumAccess, revokeCurriculumAccess } from "./curricula/access.ts";
export { type CatalogAdminMeta, changeBy, type Listed } from "./curricula/common.ts";
export { replaceCurriculumCourses, setCurriculumVisibility } from "./curricula/courses.ts";
export { getCurriculumForAdmin, listCurriculaForAdmin, listCurriculumGrants } from "./curricula/read.ts";
export { createCurriculum, deleteCurriculum, updateCurriculum } from "./curricula/write.ts";
export { createGroup, deleteGroup, listGroupsForAdmin, updateGroup } from "./groups/groups.ts";
export { addGroupMembers, listGroupMembers, removeGroupMember } from "./groups/members.ts";
export { getSetting, listPlatformSettings, resetPlatformSetting, updatePlatformSetting } from "./settings/index.ts";
export {
  createTaxonomyCategory,
  deleteTaxonomyCategory,
  listTaxonomyForAdmin,
  updateTaxonomyCategory,
} from "./taxonomy/index.ts";
