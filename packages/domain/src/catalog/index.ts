/** The public catalog and enrollment: what the API's `courses` and `curricula` routes call. */
export { type CatalogPage, enrolledCourseIds, getCourseDetail, listCatalogCourses } from "./courses.ts";
export { getCurriculumDetail, listCatalogCurricula } from "./curricula.ts";
export {
  type EnrollmentDelta,
  enroll,
  enrollInCourse,
  hasCourseAccessPurchase,
  listMyEnrollments,
  myEnrollmentsSince,
  unenroll,
  unenrollFromCourse,
} from "./enrollment.ts";
export { SEARCH_MATCH_CAP, searchPublishedCourseIds } from "./search.ts";
export { catalogTaxonomy } from "./taxonomy.ts";
