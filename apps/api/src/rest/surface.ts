/**
 * The REST surface in mount order: endpoint lists (with their OpenAPI tag) and the hand-written
 * routes between them. Order matters where paths overlap: a static path comes before a
 * `{param}` path that would take it.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../app-types.ts";
import type { Endpoints } from "../definition/endpoint.ts";
import { mountRest } from "../definition/rest.ts";
import { activationCodeEndpoints } from "../endpoints/activation-codes.ts";
import { mountAdminActivationCodeRoutes } from "../endpoints/admin-codes.ts";
import { adminContentEndpoints, adminStructureEndpoints } from "../endpoints/admin-content.ts";
import { adminAnalyticsEndpoints, adminAuditLogEndpoints, adminCoursesEndpoints } from "../endpoints/admin-courses.ts";
import { adminCurriculaEndpoints } from "../endpoints/admin-curricula.ts";
import { adminGroupsEndpoints } from "../endpoints/admin-groups.ts";
import { adminMoneyEndpoints } from "../endpoints/admin-money.ts";
import { adminQuizItemEndpoints } from "../endpoints/admin-quiz-items.ts";
import { adminResourceEndpoints } from "../endpoints/admin-resources.ts";
import { adminSettingsEndpoints } from "../endpoints/admin-settings.ts";
import { adminSmsEndpoints } from "../endpoints/admin-sms.ts";
import { adminTaxonomyEndpoints } from "../endpoints/admin-taxonomy.ts";
import { adminUserEndpoints } from "../endpoints/admin-users.ts";
import { authEndpoints } from "../endpoints/auth.ts";
import { caseStudyEndpoints } from "../endpoints/case-studies.ts";
import { courseEndpoints, curriculumEndpoints } from "../endpoints/catalog.ts";
import { flashcardEndpoints } from "../endpoints/flashcards.ts";
import { contentEndpoints } from "../endpoints/lessons.ts";
import { adminImageEndpoints, adminMediaEndpoints, moduleMediaEndpoints } from "../endpoints/media.ts";
import { creditEndpoints, expertMoneyEndpoints, subscriptionEndpoints } from "../endpoints/money.ts";
import { progressEndpoints } from "../endpoints/progress.ts";
import {
  adminPreassessmentEndpoints,
  placementEndpoints,
  preassessmentEndpoints,
  quizEndpoints,
} from "../endpoints/quiz.ts";
import { sourceImageEndpoints } from "../endpoints/source-images.ts";
import { tutorEndpoints } from "../endpoints/tutor.ts";
import { userEndpoints } from "../endpoints/users.ts";
import { mountAdminResourceRoutes } from "./admin-resources.ts";
import { mountDashboardRoutes } from "./dashboard.ts";
import { mountHealth } from "./health.ts";
import { mountLessonAudioRoutes } from "./lesson-audio.ts";
import { mountLessonRoutes } from "./lessons.ts";
import { mountMediaRoutes } from "./media.ts";
import { mountSmsRelayRoutes } from "./sms-relay.ts";
import { mountSourceImageRoutes } from "./source-images.ts";
import { mountTutorRoutes } from "./tutor.ts";
import { mountUserExportRoute } from "./users.ts";

type Entry = readonly [tag: string, endpoints: Endpoints] | ((app: OpenAPIHono<AppEnv>) => void);

const SURFACE: readonly Entry[] = [
  mountHealth,
  ["auth", authEndpoints],
  ["users", userEndpoints],
  mountUserExportRoute,
  ["admin", adminUserEndpoints],
  ["courses", courseEndpoints],
  ["curricula", curriculumEndpoints],
  ["admin", adminCoursesEndpoints],
  ["admin", adminAuditLogEndpoints],
  ["admin", adminAnalyticsEndpoints],
  ["admin", adminCurriculaEndpoints],
  ["admin", adminTaxonomyEndpoints],
  ["admin", adminGroupsEndpoints],
  ["admin", adminSettingsEndpoints],
  mountAdminResourceRoutes,
  ["admin", adminResourceEndpoints],
  ["content", sourceImageEndpoints],
  mountSourceImageRoutes,
  ["content", moduleMediaEndpoints],
  mountMediaRoutes,
  ["admin", adminImageEndpoints],
  ["admin", adminMediaEndpoints],
  ["admin", adminContentEndpoints],
  ["admin", adminStructureEndpoints],
  ["progress", progressEndpoints],
  mountLessonRoutes,
  ["lessons", contentEndpoints],
  ["case-studies", caseStudyEndpoints],
  mountLessonAudioRoutes,
  mountDashboardRoutes,
  ["quiz", quizEndpoints],
  ["placement", placementEndpoints],
  ["preassessment", adminPreassessmentEndpoints],
  ["preassessment", preassessmentEndpoints],
  ["admin", adminQuizItemEndpoints],
  ["flashcards", flashcardEndpoints],
  mountTutorRoutes,
  mountSmsRelayRoutes,
  ["tutor", tutorEndpoints],
  ["credits", creditEndpoints],
  ["subscriptions", subscriptionEndpoints],
  ["expert", expertMoneyEndpoints],
  ["admin", adminMoneyEndpoints],
  ["activation-codes", activationCodeEndpoints],
  mountAdminActivationCodeRoutes,
  ["admin", adminSmsEndpoints],
];

export function mountRestSurface(app: OpenAPIHono<AppEnv>): void {
  for (const entry of SURFACE) {
    if (typeof entry === "function") entry(app);
    else mountRest(app, ...entry);
  }
}
