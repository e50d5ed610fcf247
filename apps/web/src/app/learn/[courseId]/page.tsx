/** A course's modules with the learner's progress, and why a locked module is locked. */
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { loadOrProblem, ProblemPage } from "@/components/problem-page";
import { SignedOutNotice } from "@/components/signed-out";
import { EmptyState, Progress } from "@/components/ui";
import { serverApi } from "@/lib/server/session";
import { buttonSecondary, card, link, pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("learn"))("title") };
}

export default async function LearnPage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  const t = await getTranslations("learn");
  const api = await serverApi();
  const loaded = await loadOrProblem(() =>
    Promise.all([
      api.courses.get.query({ id_or_slug: courseId }),
      api.progress.modules.query({ course_id: courseId, page: 1, limit: 100 }),
    ]),
  );
  if (loaded.problem) {
    if (loaded.problem.status === 401) return <SignedOutNotice next={`/learn/${courseId}`} />;
    return <ProblemPage problem={loaded.problem} />;
  }
  const [course, modules] = loaded.value;
  const numberOf = new Map(modules.items.map((m) => [m.id, m.module_number]));
  return (
    <div className="space-y-4">
      <p>
        <Link href={`/courses/${course.slug}`} prefetch={false} className={link}>
          {course.title}
        </Link>
      </p>
      <h1 className={pageTitle}>{t("title")}</h1>
      <div className="flex flex-wrap gap-2">
        <Link href={`/tutor?course=${course.id}`} prefetch={false} className={buttonSecondary}>
          {t("askTutor")}
        </Link>
        <Link href={`/learn/${course.id}/preassessment`} prefetch={false} className={buttonSecondary}>
          {t("preassessment")}
        </Link>
      </div>
      {modules.items.length === 0 ? (
        <EmptyState title={t("noModules")} />
      ) : (
        <ol className="space-y-3" data-testid="modules">
          {modules.items.map((m) => (
            <li key={m.id} className={`${card} ${m.locked ? "bg-slate-50" : ""}`} data-locked={m.locked ? "yes" : "no"}>
              <h2 className="font-semibold">
                {m.locked ? (
                  <span>
                    <span aria-hidden="true">🔒 </span>
                    {t("moduleNumber", { n: m.module_number })} · {m.title}
                  </span>
                ) : (
                  <Link
                    href={`/modules/${m.id}`}
                    prefetch={false}
                    className="flex min-h-11 items-center text-brand underline-offset-2 hover:underline"
                  >
                    {t("moduleNumber", { n: m.module_number })} · {m.title}
                  </Link>
                )}
              </h2>
              <p className="text-sm text-slate-700">
                {t(`status.${m.status}`)} · {t("completion", { pct: Math.round(m.completion_pct) })}
                {m.quiz_score_avg !== null ? ` · ${t("quizAvg", { score: Math.round(m.quiz_score_avg) })}` : ""}
              </p>
              <div className="mt-2">
                <Progress value={m.completion_pct} label={t("completionLabel", { title: m.title })} />
              </div>
              {m.locked ? (
                <ul className="mt-2 list-disc pl-5 text-sm" data-testid="lock-reasons">
                  {m.lock_reasons.includes("previous_module") ? (
                    <li>{t("lockPrevious", { n: m.module_number - 1 })}</li>
                  ) : null}
                  {m.lock_reasons.includes("prereq_modules") ? (
                    <li>
                      {t("lockPrereq", {
                        list: m.blocked_by.map((id) => numberOf.get(id) ?? "?").join(", "),
                      })}
                    </li>
                  ) : null}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
