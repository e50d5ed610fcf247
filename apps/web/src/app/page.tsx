/**
 * Home, server-rendered: the learner's dashboard (streak, progress, due reviews, what to study
 * next, tutor messages left), or for a visitor what Sira is and where to start.
 */
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { loadOrProblem, ProblemPage } from "@/components/problem-page";
import { EmptyState, Progress } from "@/components/ui";
import { unitHref } from "@/lib/paths";
import { serverApi, serverUser } from "@/lib/server/session";
import { button, buttonSecondary, card, pageTitle } from "@/lib/styles";

async function Welcome() {
  const t = await getTranslations("home");
  return (
    <div className="space-y-4">
      <h1 className={pageTitle}>{t("welcomeTitle")}</h1>
      <p className="text-lg">{t("welcomeText")}</p>
      <div className="flex flex-wrap gap-2">
        <Link href="/sign-up" prefetch={false} className={button}>
          {t("start")}
        </Link>
        <Link href="/courses" prefetch={false} className={buttonSecondary}>
          {t("browse")}
        </Link>
      </div>
      <ul className="list-disc space-y-1 pl-5">
        <li>{t("point1")}</li>
        <li>{t("point2")}</li>
        <li>{t("point3")}</li>
      </ul>
    </div>
  );
}

export default async function Home() {
  if (!(await serverUser())) return <Welcome />;
  const t = await getTranslations("home");
  const loaded = await loadOrProblem(async () => (await serverApi()).dashboard.get.query());
  if (loaded.problem) return loaded.problem.status === 401 ? <Welcome /> : <ProblemPage problem={loaded.problem} />;
  const d = loaded.value;
  return (
    <div className="space-y-4" data-testid="dashboard">
      <h1 className={pageTitle}>{t("dashboardTitle")}</h1>
      <dl className="grid grid-cols-3 gap-2 text-center [&>div]:px-1">
        <div className={card} data-testid="streak" data-value={d.streak_days}>
          <dt className="text-sm text-slate-700">{t("streak")}</dt>
          <dd className="text-xl font-bold">{t("days", { count: d.streak_days })}</dd>
        </div>
        <div className={card} data-testid="due" data-value={d.due_reviews}>
          <dt className="text-sm text-slate-700">{t("due")}</dt>
          <dd className="text-xl font-bold">{d.due_reviews}</dd>
        </div>
        <div className={card} data-testid="tutor-left" data-value={d.tutor_messages_left}>
          <dt className="text-sm text-slate-700">{t("tutorLeft")}</dt>
          <dd className="text-xl font-bold">
            {d.tutor_messages_left}/{d.tutor_daily_limit}
          </dd>
        </div>
      </dl>
      {d.next_unit ? (
        <div className={`${card} border-brand`}>
          <p className="text-sm text-slate-700">{t("next")}</p>
          <Link
            href={unitHref(d.next_unit.module_id, { id: d.next_unit.unit_id, unit_type: d.next_unit.unit_type })}
            prefetch={false}
            className={`${button} mt-2`}
          >
            {d.next_unit.title}
          </Link>
        </div>
      ) : null}
      {d.due_reviews > 0 ? (
        <Link href="/review" prefetch={false} className={buttonSecondary}>
          {t("reviewNow", { count: d.due_reviews })}
        </Link>
      ) : null}
      <section aria-labelledby="courses-title" className="space-y-2">
        <h2 id="courses-title" className="text-xl font-semibold">
          {t("courses")}
        </h2>
        {d.courses.length === 0 ? (
          <EmptyState title={t("noCourses")}>
            <Link href="/courses" prefetch={false} className={`${button} mt-2`}>
              {t("browse")}
            </Link>
          </EmptyState>
        ) : (
          <ul className="space-y-2" data-testid="dashboard-courses">
            {d.courses.map((c) => (
              <li key={c.id} className={card} data-completion={c.completion_pct}>
                <Link
                  href={`/learn/${c.id}`}
                  prefetch={false}
                  className="flex min-h-11 items-center font-semibold text-brand"
                >
                  {c.title}
                </Link>
                <p className="text-sm text-slate-700">
                  {t("completion", { pct: Math.round(c.completion_pct) })}
                  {c.current_module
                    ? ` · ${t("currentModule", { n: c.current_module.module_number, title: c.current_module.title })}`
                    : ""}
                </p>
                <div className="mt-1">
                  <Progress value={c.completion_pct} label={t("progressOf", { title: c.title })} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      {d.recent_quizzes.length ? (
        <section aria-labelledby="quizzes-title">
          <h2 id="quizzes-title" className="text-xl font-semibold">
            {t("quizzes")}
          </h2>
          <ul className="mt-1 space-y-1">
            {d.recent_quizzes.map((q) => (
              <li key={`${q.module_id}-${q.submitted_at}`}>
                {q.module_title} · <span className="font-semibold">{Math.round(q.score)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p className="flex flex-wrap gap-2">
        <Link href="/placement" prefetch={false} className={buttonSecondary}>
          {t("placement")}
        </Link>
        <Link href="/credits" prefetch={false} className={buttonSecondary}>
          {t("credits")}
        </Link>
      </p>
    </div>
  );
}
