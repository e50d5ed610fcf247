import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SignedOutNotice } from "@/components/signed-out";
import { TrpcProvider } from "@/components/trpc-provider";
import { TutorChat } from "@/components/tutor/tutor-chat";
import { labelsFor } from "@/lib/server/labels";
import { serverApi, serverUser } from "@/lib/server/session";
import { pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("tutor"))("title") };
}

export default async function TutorPage({ searchParams }: { searchParams: Promise<{ course?: string }> }) {
  const t = await getTranslations("tutor");
  if (!(await serverUser())) return <SignedOutNotice next="/tutor" />;
  const { course } = await searchParams;
  const enrollments = await (await serverApi()).courses.myEnrollments.query({ page: 1, limit: 50 }).catch(() => null);
  const courses = (enrollments?.items ?? [])
    .filter((e) => e.status !== "dropped")
    .map((e) => ({ id: e.course.id, title: e.course.title }));
  return (
    <div className="space-y-3">
      <h1 className={pageTitle}>{t("title")}</h1>
      <p className="text-slate-700">{t("intro")}</p>
      <TrpcProvider>
        <TutorChat courses={courses} initialCourse={course ?? null} labels={await labelsFor("tutor", "errors")} />
      </TrpcProvider>
    </div>
  );
}
