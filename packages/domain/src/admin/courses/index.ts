/** Back-office courses: list, create, edit, publish, archive, delete (admins: all; experts: their own). */
export { archiveAdminCourse, deleteAdminCourse, publishAdminCourse } from "./lifecycle.ts";
export { getAdminCourse, listAdminCourses } from "./list.ts";
export { courseSnapshot } from "./shape.ts";
export { createAdminCourse, updateAdminCourse } from "./write.ts";
