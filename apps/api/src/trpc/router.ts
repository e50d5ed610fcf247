/**
 * The app router: one sub-router per domain. Clients take its type from the types-only entry
 * `@sira/api/router` with `import type` (decision 0036).
 */
import { toProcedures } from "../definition/trpc.ts";
import { activationCodeEndpoints } from "../endpoints/activation-codes.ts";
import { lessonAudioEndpoints } from "../endpoints/audio.ts";
import { authEndpoints } from "../endpoints/auth.ts";
import { caseStudyEndpoints } from "../endpoints/case-studies.ts";
import { courseEndpoints, curriculumEndpoints } from "../endpoints/catalog.ts";
import { dashboardEndpoints } from "../endpoints/dashboard.ts";
import { flashcardEndpoints } from "../endpoints/flashcards.ts";
import { contentEndpoints } from "../endpoints/lessons.ts";
import { moduleMediaEndpoints } from "../endpoints/media.ts";
import { creditEndpoints, expertMoneyEndpoints, subscriptionEndpoints } from "../endpoints/money.ts";
import { progressEndpoints } from "../endpoints/progress.ts";
import { placementEndpoints, preassessmentEndpoints, quizEndpoints } from "../endpoints/quiz.ts";
import { sourceImageEndpoints } from "../endpoints/source-images.ts";
import { tutorEndpoints } from "../endpoints/tutor.ts";
import { userEndpoints } from "../endpoints/users.ts";
import { router } from "./init.ts";
import { adminRouter } from "./routers/admin.ts";
import { systemRouter } from "./routers/system.ts";

export const appRouter = router({
  system: systemRouter,
  auth: router(toProcedures(authEndpoints)),
  users: router(toProcedures(userEndpoints)),
  admin: adminRouter,
  courses: router(toProcedures(courseEndpoints)),
  curricula: router(toProcedures(curriculumEndpoints)),
  content: router(toProcedures(contentEndpoints)),
  caseStudies: router(toProcedures(caseStudyEndpoints)),
  lessons: router(toProcedures(lessonAudioEndpoints)),
  progress: router(toProcedures(progressEndpoints)),
  dashboard: router(toProcedures(dashboardEndpoints)),
  sourceImages: router(toProcedures(sourceImageEndpoints)),
  media: router(toProcedures(moduleMediaEndpoints)),
  quiz: router(toProcedures(quizEndpoints)),
  placement: router(toProcedures(placementEndpoints)),
  preassessment: router(toProcedures(preassessmentEndpoints)),
  flashcards: router(toProcedures(flashcardEndpoints)),
  tutor: router(toProcedures(tutorEndpoints)),
  credits: router(toProcedures(creditEndpoints)),
  subscriptions: router(toProcedures(subscriptionEndpoints)),
  expert: router(toProcedures(expertMoneyEndpoints)),
  activationCodes: router(toProcedures(activationCodeEndpoints)),
});

export type AppRouter = typeof appRouter;
