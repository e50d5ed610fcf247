/** A course: what it teaches, its modules, and enrolling (server-rendered; the button enhances). */
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { CourseActions } from "@/components/course/course-actions";
import { Progress } from "@/components/ui";
import { labelsFor } from "@/lib/server/labels";
import { serverApi, serverUser } from "@/lib/server/session";
import { card, link, pageTitle } from "@/lib/styles";
import type { CourseDetail } from "@/lib/types";

async function load(slug: string): Promise<CourseDetail | null> {
  try {
    return await (await serverApi()).courses.get.query({ id_or_slug: slug });
  } catch {
    return null;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const course = await load((await params).slug);
  return { title: course?.title ?? "" };
}

export default async function CoursePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const [t, course, user] = await Promise.all([getTranslations("course"), load(slug), serverUser()]);
  if (!course) notFound();
  const enrolled = Boolean(course.enrollment && course.enrollment.status !== "dropped");
  return (
    <article className="space-y-4">
      <p>
        <Link href="/courses" prefetch={false} className={link}>
          {t("backToCatalog")}
        </Link>
      </p>
      <h1 className={pageTitle}>{course.title}</h1>
      {course.description ? <p className="text-lg">{course.description}</p> : null}
      <p className="flex flex-wrap gap-x-4 text-slate-700">
        <span>{t("hours", { count: course.estimated_hours })}</span>
        <span>{t("languages", { list: course.languages.map((l) => l.toUpperCase()).join(" · ") })}</span>
        <span className="font-semibold">
          {course.price_credits === 0 ? t("free") : t("price", { credits: course.price_credits })}
        </span>
      </p>
      {enrolled && course.enrollment ? (
        <div className="space-y-1">
          <p>{t("progress", { pct: Math.round(course.enrollment.completion_pct) })}</p>
          <Progress value={course.enrollment.completion_pct} label={t("progressLabel")} />
        </div>
      ) : null}
      <CourseActions
        courseId={course.id}
        slug={course.slug}
        price={course.price_credits}
        enrolled={enrolled}
        signedIn={Boolean(user)}
        labels={await labelsFor("course", "errors")}
      />
      {enrolled ? (
        <p>
          <Link href={`/learn/${course.id}/preassessment`} prefetch={false} className={link}>
            {t("preassessment")}
          </Link>
        </p>
      ) : null}
      <section aria-labelledby="modules-title" className="space-y-2">
        <h2 id="modules-title" className="text-xl font-semibold">
          {t("modulesTitle")}
        </h2>
        <ol className="space-y-2">
          {course.modules.map((m) => (
            <li key={m.id} className={card}>
              <p className="font-semibold">
                {t("moduleNumber", { n: m.module_number })} · {m.title}
              </p>
              <p className="text-sm text-slate-700">
                {t("units", { count: m.unit_count })} · {t("hours", { count: m.estimated_hours })}
              </p>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
