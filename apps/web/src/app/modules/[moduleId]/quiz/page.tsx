import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { QuizRunner } from "@/components/quiz/quiz-runner";
import { SignedOutNotice } from "@/components/signed-out";
import { TrpcProvider } from "@/components/trpc-provider";
import { labelsFor } from "@/lib/server/labels";
import { serverUser } from "@/lib/server/session";
import { link, pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("quiz"))("title") };
}

export default async function QuizPage({
  params,
  searchParams,
}: {
  params: Promise<{ moduleId: string }>;
  searchParams: Promise<{ kind?: string }>;
}) {
  const { moduleId } = await params;
  const kind = (await searchParams).kind === "summative" ? "summative" : "formative";
  const t = await getTranslations("quiz");
  if (!(await serverUser())) return <SignedOutNotice next={`/modules/${moduleId}/quiz?kind=${kind}`} />;
  return (
    <div className="space-y-3">
      <p>
        <Link href={`/modules/${moduleId}`} prefetch={false} className={link}>
          {t("backToModule")}
        </Link>
      </p>
      <h1 className={pageTitle}>{kind === "summative" ? t("summativeTitle") : t("formativeTitle")}</h1>
      <p className="text-slate-700">{kind === "summative" ? t("summativeHelp") : t("formativeHelp")}</p>
      <TrpcProvider>
        <QuizRunner moduleId={moduleId} kind={kind} labels={await labelsFor("quiz", "errors")} />
      </TrpcProvider>
    </div>
  );
}
