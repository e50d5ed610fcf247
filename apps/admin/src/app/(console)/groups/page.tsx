"use client";
import { createGroupInput } from "@sira/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { useNotice } from "@/components/notice";
import { PagedTable } from "@/components/paged-table";
import { Button, Card, PageHeader, TextField } from "@/components/ui";
import { formatDate } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";

const LIMIT = 20;

export default function GroupsPage() {
  const t = useTranslations("groups");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState("");
  const [form, setForm] = useState({ name: "", description: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const list = useQuery({
    ...trpc.admin.groups.list.queryOptions({ page, limit: LIMIT, ...(search.trim() ? { search: search.trim() } : {}) }),
    placeholderData: keepPreviousData,
  });
  const create = useMutation(
    trpc.admin.groups.create.mutationOptions({
      onSuccess: () => {
        notice("success", t("created"));
        setForm({ name: "", description: "" });
        void queryClient.invalidateQueries({ queryKey: trpc.admin.groups.pathKey() });
      },
      onError: (error) => {
        setErrors(problemOf(error)?.fields ?? {});
        notice("error", problemOf(error)?.message ?? "");
      },
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    const checked = validate(
      createGroupInput,
      { name: form.name, ...(form.description.trim() ? { description: form.description } : {}) },
      locale,
    );
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    create.mutate(checked.data);
  }
  return (
    <>
      <PageHeader title={t("title")} />
      <Card title={t("new")}>
        <form onSubmit={submit} noValidate className="grid gap-3 md:grid-cols-3">
          <TextField
            label={t("name")}
            name="name"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
            error={errors.name}
          />
          <TextField
            label={t("description")}
            name="description"
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
            error={errors.description}
          />
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
        columns={[t("name"), t("memberCount"), t("updated")]}
        empty={t("empty")}
        emptyHint={t("emptyHint")}
        row={(g) => (
          <tr key={g.id}>
            <td className="px-3 py-2">
              <Link href={`/groups/${g.id}`} className="font-medium text-blue-800 underline-offset-2 hover:underline">
                {g.name}
              </Link>
              {g.description ? <p className="text-xs text-slate-700">{g.description}</p> : null}
            </td>
            <td className="px-3 py-2">{g.member_count}</td>
            <td className="px-3 py-2">{formatDate(g.updated_at, locale)}</td>
          </tr>
        )}
      />
    </>
  );
}
