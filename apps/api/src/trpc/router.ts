/**
 * The app router: one sub-router per domain. Clients take its type from the types-only entry
 * `@sira/api/router` with `import type` (decision 0036).
 */
import { toProcedures } from "../definition/trpc.ts";
import { courseEndpoints, curriculumEndpoints } from "../endpoints/catalog.ts";
import { flashcardEndpoints } from "../endpoints/flashcards.ts";
import { placementEndpoints, preassessmentEndpoints, quizEndpoints } from "../endpoints/quiz.ts";
import { sourceImageEndpoints } from "../endpoints/source-images.ts";
import { router } from "./init.ts";
import { adminRouter } from "./routers/admin.ts";
import { authRouter } from "./routers/auth.ts";
import { contentRouter } from "./routers/content.ts";
import { dashboardRouter } from "./routers/dashboard.ts";
import { progressRouter } from "./routers/progress.ts";
import { systemRouter } from "./routers/system.ts";
import { usersRouter } from "./routers/users.ts";

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  users: usersRouter,
  admin: adminRouter,
  courses: router(toProcedures(courseEndpoints)),
  curricula: router(toProcedures(curriculumEndpoints)),
  content: contentRouter,
  progress: progressRouter,
  dashboard: dashboardRouter,
  sourceImages: router(toProcedures(sourceImageEndpoints)),
  quiz: router(toProcedures(quizEndpoints)),
  placement: router(toProcedures(placementEndpoints)),
  preassessment: router(toProcedures(preassessmentEndpoints)),
  flashcards: router(toProcedures(flashcardEndpoints)),
});

export type AppRouter = typeof appRouter;
