import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Preassessment } from "@/components/quiz/preassessment";
import { SignedOutNotice } from "@/components/signed-out";
import { TrpcProvider } from "@/components/trpc-provider";
import { labelsFor } from "@/lib/server/labels";
import { serverUser } from "@/lib/server/session";
import { link, pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("placement"))("preTitle") };
}

export default async function PreassessmentPage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  const t = await getTranslations("placement");
  if (!(await serverUser())) return <SignedOutNotice next={`/learn/${courseId}/preassessment`} />;
  return (
    <div className="space-y-3">
      <p>
        <Link href={`/learn/${courseId}`} prefetch={false} className={link}>
          {t("backToModules")}
        </Link>
      </p>
      <h1 className={pageTitle}>{t("preTitle")}</h1>
      <TrpcProvider>
        <Preassessment courseId={courseId} labels={await labelsFor("placement", "quiz", "errors")} />
      </TrpcProvider>
    </div>
  );
}
