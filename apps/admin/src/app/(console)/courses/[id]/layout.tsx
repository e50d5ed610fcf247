"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, usePathname, useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { ConfirmButton } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { Badge, ErrorBox, Loading, PageHeader } from "@/components/ui";
import { pick } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";

/** A course's header (status and the actions that change it) above its four tabs. */
export default function CourseLayout({ children }: { children: ReactNode }) {
  const { id } = useParams<{ id: string }>();
  const t = useTranslations("course");
  const common = useTranslations("common");
  const locale = useLocale();
  const path = usePathname();
  const router = useRouter();
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const course = useQuery(trpc.admin.courses.get.queryOptions({ id }));
  const changed = (message: string) => {
    notice("success", message);
    void queryClient.invalidateQueries({ queryKey: trpc.admin.courses.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.courses.get.pathKey() });
  };
  const failed = (error: unknown) => notice("error", problemOf(error)?.message ?? "");
  const publish = useMutation(
    trpc.admin.courses.publish.mutationOptions({ onSuccess: () => changed(t("published")), onError: failed }),
  );
  const archive = useMutation(
    trpc.admin.courses.archive.mutationOptions({ onSuccess: () => changed(t("archived")), onError: failed }),
  );
  const remove = useMutation(
    trpc.admin.courses.delete.mutationOptions({
      onSuccess: () => {
        changed(t("deleted"));
        router.push("/courses");
      },
      onError: failed,
    }),
  );

  if (course.error) return <ErrorBox message={problemOf(course.error)?.message ?? ""} />;
  if (!course.data) return <Loading label={common("loading")} />;
  const c = course.data;
  const title = pick(locale, c.title_fr, c.title_en);
  const tabs = [
    { href: `/courses/${id}`, label: t("tabs.details") },
    { href: `/courses/${id}/documents`, label: t("tabs.documents") },
    { href: `/courses/${id}/structure`, label: t("tabs.structure") },
    { href: `/courses/${id}/content`, label: t("tabs.content") },
  ];
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href="/courses" className="text-blue-800 underline-offset-2 hover:underline">
          {t("back")}
        </Link>
      </p>
      <PageHeader title={title}>
        <Badge value={c.status} label={t(`statuses.${c.status}`)} />
        {c.status !== "published" ? (
          <ConfirmButton
            label={t("publish")}
            title={t("publishTitle")}
            body={t("publishBody", { title })}
            confirm={t("publish")}
            disabled={publish.isPending}
            onConfirm={() => publish.mutate({ id })}
          />
        ) : null}
        {c.status === "published" ? (
          <ConfirmButton
            label={t("archive")}
            title={t("archiveTitle")}
            body={t("archiveBody", { title })}
            confirm={t("archive")}
            disabled={archive.isPending}
            onConfirm={() => archive.mutate({ id })}
          />
        ) : null}
        {c.status === "draft" ? (
          <ConfirmButton
            label={t("delete")}
            title={t("deleteTitle")}
            body={t("deleteBody", { title })}
            confirm={t("delete")}
            tone="danger"
            disabled={remove.isPending}
            onConfirm={() => remove.mutate({ id })}
          />
        ) : null}
      </PageHeader>
      <nav aria-label={t("tabsLabel")} className="mb-4 overflow-x-auto border-b border-slate-300">
        <ul className="flex gap-1">
          {tabs.map((tab) => {
            const current = path === tab.href;
            return (
              <li key={tab.href}>
                <Link
                  href={tab.href}
                  aria-current={current ? "page" : undefined}
                  className={`block border-b-2 px-3 py-2 text-sm whitespace-nowrap ${current ? "border-blue-700 font-semibold text-blue-900" : "border-transparent text-slate-800 hover:border-slate-400"}`}
                >
                  {tab.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      {children}
    </>
  );
}
