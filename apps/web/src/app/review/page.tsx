import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { QuickReview } from "@/components/cards/quick-review";
import { SignedOutNotice } from "@/components/signed-out";
import { labelsFor } from "@/lib/server/labels";
import { serverUser } from "@/lib/server/session";
import { pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("cards"))("quickTitle") };
}

export default async function ReviewPage() {
  const t = await getTranslations("cards");
  if (!(await serverUser())) return <SignedOutNotice next="/review" />;
  return (
    <div className="space-y-3">
      <h1 className={pageTitle}>{t("quickTitle")}</h1>
      <p className="text-slate-700">{t("quickHelp")}</p>
      <QuickReview labels={await labelsFor("cards", "errors")} />
    </div>
  );
}
