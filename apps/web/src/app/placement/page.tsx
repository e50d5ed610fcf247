import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Placement } from "@/components/quiz/placement";
import { SignedOutNotice } from "@/components/signed-out";
import { TrpcProvider } from "@/components/trpc-provider";
import { labelsFor } from "@/lib/server/labels";
import { serverUser } from "@/lib/server/session";
import { pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("placement"))("title") };
}

export default async function PlacementPage() {
  const t = await getTranslations("placement");
  if (!(await serverUser())) return <SignedOutNotice next="/placement" />;
  return (
    <div className="space-y-3">
      <h1 className={pageTitle}>{t("title")}</h1>
      <p className="text-slate-700">{t("intro")}</p>
      <TrpcProvider>
        <Placement labels={await labelsFor("placement", "quiz", "errors")} />
      </TrpcProvider>
    </div>
  );
}
