"use client";
import { createCurriculumInput } from "@sira/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { useNotice } from "@/components/notice";
import { PagedTable } from "@/components/paged-table";
import { Badge, Button, Card, PageHeader, SelectField, TextField } from "@/components/ui";
import { formatDate, pick } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";

const LIMIT = 20;

export default function CurriculaPage() {
  const t = useTranslations("curricula");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const router = useRouter();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState("");
  const list = useQuery({
    ...trpc.admin.curricula.list.queryOptions({
      page,
      limit: LIMIT,
      ...(search.trim() ? { search: search.trim() } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const [form, setForm] = useState({ title_fr: "", title_en: "", visibility: "private" as "public" | "private" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.admin.curricula.create.mutationOptions({
      onSuccess: (c) => {
        notice("success", t("created"));
        void queryClient.invalidateQueries({ queryKey: trpc.admin.curricula.pathKey() });
        router.push(`/curricula/${c.id}`);
      },
      onError: (error) => {
        setErrors(problemOf(error)?.fields ?? {});
        notice("error", problemOf(error)?.message ?? "");
      },
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    const checked = validate(createCurriculumInput, form, locale);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    create.mutate(checked.data);
  }
  return (
    <>
      <PageHeader title={t("title")} />
      <Card title={t("new")}>
        <form onSubmit={submit} noValidate className="grid gap-3 md:grid-cols-4">
          <TextField
            lang="fr"
            label={t("titleFr")}
            name="title_fr"
            value={form.title_fr}
            onChange={(e) => setForm({ ...form, title_fr: e.target.value })}
            error={errors.title_fr}
          />
          <TextField
            lang="en"
            label={t("titleEn")}
            name="title_en"
            value={form.title_en}
            onChange={(e) => setForm({ ...form, title_en: e.target.value })}
            error={errors.title_en}
          />
          <SelectField
            label={t("visibility")}
            name="visibility"
            value={form.visibility}
            onChange={(e) => setForm({ ...form, visibility: e.target.value as "public" | "private" })}
          >
            <option value="private">{t("private")}</option>
            <option value="public">{t("public")}</option>
          </SelectField>
          <div className="flex items-end">
            <Button type="submit" disabled={create.isPending}>
              {t("create")}
            </Button>
          </div>
        </form>
      </Card>
      <form className="mb-3 max-w-sm" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label={t("search")}
          type="search"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(1);
          }}
        />
      </form>
      <PagedTable
        caption={t("title")}
        query={list}
        page={page}
        limit={LIMIT}
        onPage={setPage}
        columns={[t("name"), t("status"), t("visibility"), t("courses"), t("grants"), t("updated")]}
        empty={t("empty")}
        emptyHint={t("emptyHint")}
        row={(c) => (
          <tr key={c.id}>
            <td className="px-3 py-2">
              <Link
                href={`/curricula/${c.id}`}
                className="font-medium text-blue-800 underline-offset-2 hover:underline"
              >
                {pick(locale, c.title_fr, c.title_en)}
              </Link>
            </td>
            <td className="px-3 py-2">
              <Badge value={c.status} label={t(`statuses.${c.status}`)} />
            </td>
            <td className="px-3 py-2">{t(c.visibility)}</td>
            <td className="px-3 py-2">{c.course_count}</td>
            <td className="px-3 py-2">{c.grant_count}</td>
            <td className="px-3 py-2">{formatDate(c.updated_at, locale)}</td>
          </tr>
        )}
      />
    </>
  );
}
