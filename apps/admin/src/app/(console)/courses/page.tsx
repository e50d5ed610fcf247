"use client";
import { ADMIN_COURSE_STATUSES, ADMIN_COURSE_VISIBILITIES } from "@sira/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import {
  Badge,
  EmptyState,
  ErrorBox,
  LinkButton,
  Loading,
  PageHeader,
  Pager,
  SelectField,
  Table,
  TextField,
} from "@/components/ui";
import { formatDate, pick } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";

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
      {list.error ? <ErrorBox message={problemOf(list.error)?.message ?? ""} /> : null}
      {list.isPending ? <Loading label={common("loading")} /> : null}
      {list.data && list.data.items.length === 0 ? <EmptyState title={t("empty")}>{t("emptyHint")}</EmptyState> : null}
      {list.data && list.data.items.length > 0 ? (
        <>
          <Table
            caption={t("title")}
            head={
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("courseTitle")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("status")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("visibility")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("modules")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("updated")}
                </th>
              </tr>
            }
          >
            {list.data.items.map((course) => (
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
            ))}
          </Table>
          <Pager
            page={page}
            total={list.data.total}
            limit={LIMIT}
            onPage={setPage}
            labels={{
              previous: common("previous"),
              next: common("next"),
              status: common("pageStatus", {
                page,
                pages: Math.max(1, Math.ceil(list.data.total / LIMIT)),
                total: list.data.total,
              }),
            }}
          />
        </>
      ) : null}
    </>
  );
}
