/** A module: objectives, units with the learner's progress, illustrations and attached media. */
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { loadOrProblem, ProblemPage } from "@/components/problem-page";
import { SignedOutNotice } from "@/components/signed-out";
import { EmptyState, Progress } from "@/components/ui";
import { unitHref } from "@/lib/paths";
import { saveData } from "@/lib/server/preferences";
import { serverApi } from "@/lib/server/session";
import { buttonSecondary, card, link, pageTitle } from "@/lib/styles";
import type { ModuleDetail } from "@/lib/types";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("module"))("title") };
}

const ICONS: Record<string, string> = { lesson: "📖", quiz: "✅", case_study: "🧩", flashcards: "🃏" };

export default async function ModulePage({ params }: { params: Promise<{ moduleId: string }> }) {
  const { moduleId } = await params;
  const t = await getTranslations("module");
  const api = await serverApi();
  const lean = await saveData();
  const loaded = await loadOrProblem(() =>
    Promise.all([
      api.progress.module.query({ module_id: moduleId }),
      api.media.list.query({ module_id: moduleId, page: 1, limit: 50 }).catch(() => null),
      lean
        ? Promise.resolve(null)
        : api.media.images.query({ module_id: moduleId, page: 1, limit: 6 }).catch(() => null),
    ]),
  );
  if (loaded.problem) {
    if (loaded.problem.status === 401) return <SignedOutNotice next={`/modules/${moduleId}`} />;
    return <ProblemPage problem={loaded.problem} />;
  }
  const [module, media, images] = loaded.value as [
    ModuleDetail,
    Awaited<ReturnType<typeof api.media.list.query>> | null,
    Awaited<ReturnType<typeof api.media.images.query>> | null,
  ];
  const ownImage = images?.items.find((image) => image.content_id === null && image.thumbnail_url);
  return (
    <article className="space-y-4">
      <p>
        <Link href={`/learn/${module.course_id}`} prefetch={false} className={link}>
          {t("backToModules")}
        </Link>
      </p>
      <h1 className={pageTitle}>
        {t("moduleNumber", { n: module.module_number })} · {module.title}
      </h1>
      {module.locked ? <p className="font-semibold">{t("locked")}</p> : null}
      {module.description ? <p>{module.description}</p> : null}
      <Progress value={module.completion_pct} label={t("completionLabel")} />
      <p className="text-sm text-slate-700">{t("completion", { pct: Math.round(module.completion_pct) })}</p>
      {ownImage?.thumbnail_url ? (
        // A small WebP (≤ 20 KB); "save data" leaves it out.
        // biome-ignore lint/performance/noImgElement: the API serves sized WebP; no optimiser in between
        <img
          src={ownImage.thumbnail_url}
          alt={ownImage.alt ?? ""}
          width={320}
          className="h-auto max-w-full rounded"
          loading="lazy"
        />
      ) : null}
      {module.objectives.length ? (
        <section aria-labelledby="objectives">
          <h2 id="objectives" className="text-lg font-semibold">
            {t("objectives")}
          </h2>
          <ul className="list-disc pl-5">
            {module.objectives.map((o) => (
              <li key={o}>{o}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="units" className="space-y-2">
        <h2 id="units" className="text-lg font-semibold">
          {t("units")}
        </h2>
        <ol className="space-y-2" data-testid="units">
          {module.units.map((unit) => (
            <li key={unit.id} className={card}>
              <Link
                href={unitHref(module.id, unit)}
                prefetch={false}
                className="flex min-h-11 items-center gap-2 font-semibold text-brand"
              >
                <span aria-hidden="true">{ICONS[unit.unit_type] ?? "•"}</span>
                {unit.title}
              </Link>
              <p className="text-sm text-slate-700">
                {t(`type.${unit.unit_type}`)} · {t(`unitStatus.${unit.status}`)}
                {unit.score !== null ? ` · ${t("score", { score: Math.round(unit.score) })}` : ""}
              </p>
            </li>
          ))}
        </ol>
      </section>
      <div className="flex flex-wrap gap-2">
        <Link href={`/modules/${module.id}/flashcards`} prefetch={false} className={buttonSecondary}>
          {t("flashcards")}
        </Link>
        <Link href={`/modules/${module.id}/quiz?kind=summative`} prefetch={false} className={buttonSecondary}>
          {t("summative")}
        </Link>
      </div>
      <section aria-labelledby="media" className="space-y-2">
        <h2 id="media" className="text-lg font-semibold">
          {t("media")}
        </h2>
        {media?.items.length ? (
          <ul className="space-y-2">
            {media.items.map((item) => (
              <li key={item.id} className={card}>
                <p className="font-semibold">{item.title}</p>
                {item.description ? <p className="text-sm text-slate-700">{item.description}</p> : null}
                {item.url ? (
                  <a href={item.url} className={link} rel="noopener noreferrer">
                    {t(`mediaOpen.${item.media_type}`)}
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title={t("noMedia")} />
        )}
      </section>
    </article>
  );
}
