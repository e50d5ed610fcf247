/**
 * The lesson reader. A lesson already written is rendered here on the server, readable before any
 * script runs (and kept by the service worker for offline reading); one still being written is
 * followed in the browser as the API streams it.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { LessonBody } from "@/components/lesson/lesson-body";
import { LessonStream } from "@/components/lesson/lesson-stream";
import { LessonTools } from "@/components/lesson/lesson-tools";
import { loadOrProblem, ProblemPage } from "@/components/problem-page";
import { SignedOutNotice } from "@/components/signed-out";
import { refsFromSources } from "@/lib/citations";
import { labelsFor } from "@/lib/server/labels";
import { saveData } from "@/lib/server/preferences";
import { serverApi } from "@/lib/server/session";
import { link } from "@/lib/styles";

type Params = { moduleId: string; unitId: string };

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("lesson"))("title") };
}

export default async function LessonPage({ params }: { params: Promise<Params> }) {
  const { moduleId, unitId } = await params;
  const t = await getTranslations("lesson");
  const api = await serverApi();
  const [loaded, lean, labels] = await Promise.all([
    loadOrProblem(() => api.content.lesson.query({ module_id: moduleId, unit_id: unitId })),
    saveData(),
    labelsFor("lesson", "errors"),
  ]);
  const back = (
    <p className="mb-2">
      <Link href={`/modules/${moduleId}`} prefetch={false} className={link}>
        {t("backToModule")}
      </Link>
    </p>
  );
  if (loaded.problem) {
    if (loaded.problem.status === 401) return <SignedOutNotice next={`/modules/${moduleId}/lessons/${unitId}`} />;
    return (
      <>
        {back}
        <ProblemPage problem={loaded.problem} />
      </>
    );
  }
  if (loaded.value.status !== "ready") {
    return (
      <>
        {back}
        <LessonStream moduleId={moduleId} unitId={unitId} lean={lean} labels={labels} />
      </>
    );
  }
  const lesson = loaded.value.lesson;
  const markdown = lesson.content.markdown;
  const refs = refsFromSources(lesson.sources_cited, markdown);
  return (
    <>
      {back}
      <article data-testid="lesson" data-state="done">
        <h1 className="mb-3 text-2xl font-bold">{lesson.content.title}</h1>
        <LessonBody
          markdown={markdown}
          refs={refs}
          labels={{ source: t("source"), page: t("page"), sources: t("sources") }}
        />
        <LessonTools
          moduleId={moduleId}
          unitId={unitId}
          contentId={lesson.id}
          refs={refs}
          lean={lean}
          completed={false}
          labels={labels}
        />
      </article>
    </>
  );
}
