import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { CaseStudy } from "@/components/cases/case-study";
import { labelsFor } from "@/lib/server/labels";
import { link } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("cases"))("title") };
}

export default async function CasePage({ params }: { params: Promise<{ moduleId: string; unitId: string }> }) {
  const { moduleId, unitId } = await params;
  const t = await getTranslations("cases");
  return (
    <div className="space-y-3">
      <p>
        <Link href={`/modules/${moduleId}`} prefetch={false} className={link}>
          {t("backToModule")}
        </Link>
      </p>
      <CaseStudy moduleId={moduleId} unitId={unitId} labels={await labelsFor("cases", "errors")} />
    </div>
  );
}
