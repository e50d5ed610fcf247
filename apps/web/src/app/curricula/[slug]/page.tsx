/** A curriculum: its courses in order. */
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { serverApi } from "@/lib/server/session";
import { card, pageTitle } from "@/lib/styles";

async function load(slug: string) {
  try {
    return await (await serverApi()).curricula.get.query({ slug });
  } catch {
    return null;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: (await load((await params).slug))?.title ?? "" };
}

export default async function CurriculumPage({ params }: { params: Promise<{ slug: string }> }) {
  const curriculum = await load((await params).slug);
  if (!curriculum) notFound();
  const t = await getTranslations("catalog");
  return (
    <div className="space-y-4">
      <h1 className={pageTitle}>{curriculum.title}</h1>
      {curriculum.description ? <p>{curriculum.description}</p> : null}
      <ol className="space-y-2">
        {curriculum.courses.map((course) => (
          <li key={course.id} className={card}>
            <Link
              href={`/courses/${course.slug}`}
              prefetch={false}
              className="flex min-h-11 items-center font-semibold text-brand"
            >
              {course.title}
            </Link>
            <p className="text-sm text-slate-700">
              {t("modules", { count: course.module_count })} ·{" "}
              {course.price_credits === 0 ? t("free") : t("price", { credits: course.price_credits })}
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}
