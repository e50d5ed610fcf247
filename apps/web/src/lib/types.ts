/** The API's answer types, taken from the router (types only: nothing of the API reaches a bundle). */
import type { AppRouter } from "@sira/api/router";
import type { inferRouterOutputs } from "@trpc/server";

export type Out = inferRouterOutputs<AppRouter>;
export type CourseDetail = Out["courses"]["get"];
export type ModuleSummary = Out["progress"]["modules"]["items"][number];
export type ModuleDetail = Out["progress"]["module"];
export type Dashboard = Out["dashboard"]["get"];
export type Flashcard = Out["flashcards"]["deck"]["items"][number];
export type QuizState = Out["quiz"]["start"];
export type QuizAnswerResult = Out["quiz"]["answer"];
export type QuizResult = Out["quiz"]["submit"];
export type Lesson = Extract<Out["content"]["lesson"], { status: "ready" }>["lesson"];
export type LessonAudio = Out["lessons"]["audio"];
export type CaseStudy = Out["caseStudies"]["get"];
export type Profile = Out["users"]["me"];
export type PaymentIntent = Out["credits"]["createIntent"];
export type TutorMessage = Out["tutor"]["history"]["items"][number];
export type ModuleImage = Out["media"]["images"]["items"][number];
export type ModuleMedia = Out["media"]["list"]["items"][number];
