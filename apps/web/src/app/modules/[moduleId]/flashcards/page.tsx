import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Deck } from "@/components/cards/deck";
import { labelsFor } from "@/lib/server/labels";
import { link, pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("cards"))("deckTitle") };
}

export default async function DeckPage({
  params,
  searchParams,
}: {
  params: Promise<{ moduleId: string }>;
  searchParams: Promise<{ unit?: string }>;
}) {
  const { moduleId } = await params;
  const { unit } = await searchParams;
  const unitId = unit && /^[0-9a-f-]{36}$/.test(unit) ? unit : null;
  const t = await getTranslations("cards");
  return (
    <div className="space-y-3">
      <p>
        <Link href={`/modules/${moduleId}`} prefetch={false} className={link}>
          {t("backToModule")}
        </Link>
      </p>
      <h1 className={pageTitle}>{t("deckTitle")}</h1>
      <Deck moduleId={moduleId} unitId={unitId} labels={await labelsFor("cards", "errors")} />
    </div>
  );
}
