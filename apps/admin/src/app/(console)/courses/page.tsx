"use client";
import { ADMIN_COURSE_STATUSES, ADMIN_COURSE_VISIBILITIES } from "@sira/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { PagedTable } from "@/components/paged-table";
import { Badge, LinkButton, PageHeader, SelectField, TextField } from "@/components/ui";
import { formatDate, pick } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";

const LIMIT = 20;

export default function CoursesPage() {
  const t = useTranslations("courses");
  const common = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState("");
  const [visibility, setVisibility] = useState("");
  const [search, setSearch] = useState("");
  const input = {
    page,
    limit: LIMIT,
    ...(status ? { status: status as (typeof ADMIN_COURSE_STATUSES)[number] } : {}),
    ...(visibility ? { visibility: visibility as (typeof ADMIN_COURSE_VISIBILITIES)[number] } : {}),
    ...(search.trim() ? { search: search.trim() } : {}),
  };
  const list = useQuery({ ...trpc.admin.courses.list.queryOptions(input), placeholderData: keepPreviousData });
  const filter = (apply: () => void) => {
    apply();
    setPage(1);
  };
  return (
    <>
      <PageHeader title={t("title")}>
        <LinkButton href="/courses/new" tone="primary">
          {t("new")}
        </LinkButton>
      </PageHeader>
      <form className="mb-4 grid gap-3 sm:grid-cols-3" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label={t("search")}
          type="search"
          value={search}
          onChange={(e) => filter(() => setSearch(e.target.value))}
        />
        <SelectField label={t("status")} value={status} onChange={(e) => filter(() => setStatus(e.target.value))}>
          <option value="">{common("all")}</option>
          {ADMIN_COURSE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`statuses.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t("visibility")}
          value={visibility}
          onChange={(e) => filter(() => setVisibility(e.target.value))}
        >
          <option value="">{common("all")}</option>
          {ADMIN_COURSE_VISIBILITIES.map((v) => (
            <option key={v} value={v}>
              {t(`visibilities.${v}`)}
            </option>
          ))}
        </SelectField>
      </form>
      <PagedTable
        caption={t("title")}
        query={list}
        page={page}
        limit={LIMIT}
        onPage={setPage}
        columns={[t("courseTitle"), t("status"), t("visibility"), t("modules"), t("updated")]}
        empty={t("empty")}
        emptyHint={t("emptyHint")}
        row={(course) => (
          <tr key={course.id}>
            <td className="px-3 py-2">
              <Link
                className="font-medium text-blue-800 underline-offset-2 hover:underline"
                href={`/courses/${course.id}`}
              >
                {pick(locale, course.title_fr, course.title_en)}
              </Link>
            </td>
            <td className="px-3 py-2">
              <Badge value={course.status} label={t(`statuses.${course.status}`)} />
            </td>
            <td className="px-3 py-2">{t(`visibilities.${course.visibility}`)}</td>
            <td className="px-3 py-2">{course.module_count}</td>
            <td className="px-3 py-2">{formatDate(course.updated_at, locale)}</td>
          </tr>
        )}
      />
    </>
  );
}
