/**
 * The catalog, rendered on the server: a plain GET form (search and taxonomy filters) works
 * before any script and costs no JavaScript of its own. Search is accent- and case-insensitive
 * (the API's), filters combine per type.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { EmptyState } from "@/components/ui";
import { serverApi } from "@/lib/server/session";
import { button, buttonSecondary, card, input, label, pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("catalog"))("title") };
}

type Search = { search?: string; domain?: string; level?: string; audience?: string; page?: string };

const slug = (value: string | undefined) => (value && /^[a-z0-9-]{1,120}$/.test(value) ? value : undefined);

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Search> }) {
  const t = await getTranslations("catalog");
  const params = await searchParams;
  const page = Math.max(1, Math.min(1000, Number(params.page) || 1));
  const search = params.search?.trim().slice(0, 100) || undefined;
  const filters = {
    course_domain: slug(params.domain),
    course_level: slug(params.level),
    audience_type: slug(params.audience),
  };
  const api = await serverApi();
  const [taxonomy, courses, curricula] = await Promise.all([
    api.courses.taxonomy.query(),
    api.courses.list.query({
      page,
      limit: 20,
      ...(search ? { search } : {}),
      ...(filters.course_domain ? { course_domain: filters.course_domain } : {}),
      ...(filters.course_level ? { course_level: filters.course_level } : {}),
      ...(filters.audience_type ? { audience_type: filters.audience_type } : {}),
    }),
    page === 1 && !search ? api.curricula.list.query({ page: 1, limit: 10 }).catch(() => null) : null,
  ]);
  const select = (name: "domain" | "level" | "audience", options: { slug: string; label: string }[]) => (
    <div>
      <label htmlFor={name} className={label}>
        {t(name)}
      </label>
      <select id={name} name={name} defaultValue={params[name] ?? ""} className={input}>
        <option value="">{t("any")}</option>
        {options.map((o) => (
          <option key={o.slug} value={o.slug}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
  const pageLink = (n: number) => {
    const query = new URLSearchParams(
      Object.entries({ ...params, page: String(n) }).filter(([, v]) => v) as [string, string][],
    );
    return `/courses?${query}`;
  };
  return (
    <div className="space-y-4">
      <h1 className={pageTitle}>{t("title")}</h1>
      <search>
        <form method="get" action="/courses" className="space-y-3">
          <div>
            <label htmlFor="search" className={label}>
              {t("search")}
            </label>
            <input
              id="search"
              name="search"
              type="search"
              defaultValue={search ?? ""}
              className={input}
              maxLength={100}
            />
          </div>
          <div className="grid gap-3 sm:grid-cols-3">
            {select("domain", taxonomy.domain)}
            {select("level", taxonomy.level)}
            {select("audience", taxonomy.audience)}
          </div>
          <button type="submit" className={button}>
            {t("apply")}
          </button>
        </form>
      </search>
      <p className="text-slate-700" aria-live="polite">
        {t("count", { count: courses.total })}
      </p>
      {courses.items.length === 0 ? (
        <EmptyState title={t("empty")}>{t("emptyHelp")}</EmptyState>
      ) : (
        <ul className="space-y-3" data-testid="courses">
          {courses.items.map((course) => (
            <li key={course.id} className={card}>
              <h2 className="text-lg font-semibold">
                <Link
                  href={`/courses/${course.slug}`}
                  prefetch={false}
                  className="flex min-h-11 items-center text-brand underline-offset-2 hover:underline"
                >
                  {course.title}
                </Link>
              </h2>
              {course.description ? <p className="mt-1 line-clamp-3 text-slate-700">{course.description}</p> : null}
              <p className="mt-2 flex flex-wrap gap-x-3 text-sm text-slate-700">
                <span>{t("modules", { count: course.module_count })}</span>
                <span>{t("hours", { count: course.estimated_hours })}</span>
                <span className="font-semibold">
                  {course.price_credits === 0 ? t("free") : t("price", { credits: course.price_credits })}
                </span>
                {course.is_enrolled ? <span className="font-semibold text-brand">{t("enrolled")}</span> : null}
              </p>
            </li>
          ))}
        </ul>
      )}
      {curricula?.items.length ? (
        <section aria-labelledby="curricula-title" className="space-y-2">
          <h2 id="curricula-title" className="text-xl font-semibold">
            {t("curricula")}
          </h2>
          <ul className="space-y-2">
            {curricula.items.map((c) => (
              <li key={c.id} className={card}>
                <Link
                  href={`/curricula/${c.slug}`}
                  prefetch={false}
                  className="flex min-h-11 items-center font-semibold text-brand"
                >
                  {c.title}
                </Link>
                <p className="text-sm text-slate-700">{t("curriculumCourses", { count: c.course_count })}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {courses.total > 20 ? (
        <nav aria-label={t("pages")} className="flex justify-between">
          {page > 1 ? (
            <Link href={pageLink(page - 1)} prefetch={false} className={buttonSecondary}>
              {t("previous")}
            </Link>
          ) : (
            <span />
          )}
          {courses.has_more ? (
            <Link href={pageLink(page + 1)} prefetch={false} className={buttonSecondary}>
              {t("next")}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
