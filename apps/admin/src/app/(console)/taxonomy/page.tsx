"use client";
import { createTaxonomyCategoryInput, TAXONOMY_TYPES } from "@sira/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorBox,
  Loading,
  PageHeader,
  SelectField,
  Table,
  TextField,
} from "@/components/ui";
import { problemOf, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";

type TaxonomyType = (typeof TAXONOMY_TYPES)[number];

export default function TaxonomyPage() {
  const t = useTranslations("taxonomy");
  const common = useTranslations("common");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.admin.taxonomy.list.queryOptions({ page: 1, limit: 100 }));
  const [form, setForm] = useState({ type: "domain" as TaxonomyType, label_fr: "", label_en: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.taxonomy.pathKey() });
  const failed = (error: unknown) => notice("error", problemOf(error)?.message ?? "");
  const create = useMutation(
    trpc.admin.taxonomy.create.mutationOptions({
      onSuccess: () => {
        notice("success", t("created"));
        setForm({ ...form, label_fr: "", label_en: "" });
        void refresh();
      },
      onError: (error) => {
        setErrors(problemOf(error)?.fields ?? {});
        failed(error);
      },
    }),
  );
  const update = useMutation(
    trpc.admin.taxonomy.update.mutationOptions({
      onSuccess: () => {
        notice("success", t("saved"));
        void refresh();
      },
      onError: failed,
    }),
  );
  const remove = useMutation(
    trpc.admin.taxonomy.delete.mutationOptions({
      onSuccess: () => {
        notice("success", t("deleted"));
        void refresh();
      },
      onError: failed,
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    const checked = validate(createTaxonomyCategoryInput, form, locale);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    create.mutate(checked.data);
  }
  return (
    <>
      <PageHeader title={t("title")} />
      <Card title={t("new")}>
        <form onSubmit={submit} noValidate className="grid gap-3 md:grid-cols-4">
          <SelectField
            label={t("type")}
            value={form.type}
            onChange={(e) => setForm({ ...form, type: e.target.value as TaxonomyType })}
          >
            {TAXONOMY_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`types.${type}`)}
              </option>
            ))}
          </SelectField>
          <TextField
            lang="fr"
            label={t("labelFr")}
            value={form.label_fr}
            onChange={(e) => setForm({ ...form, label_fr: e.target.value })}
            error={errors.label_fr}
          />
          <TextField
            lang="en"
            label={t("labelEn")}
            value={form.label_en}
            onChange={(e) => setForm({ ...form, label_en: e.target.value })}
            error={errors.label_en}
          />
          <div className="flex items-end">
            <Button type="submit" disabled={create.isPending}>
              {t("create")}
            </Button>
          </div>
        </form>
      </Card>
      {list.error ? <ErrorBox message={problemOf(list.error)?.message ?? ""} /> : null}
      {list.isPending ? <Loading label={common("loading")} /> : null}
      {list.data && list.data.items.length === 0 ? <EmptyState title={t("empty")}>{t("emptyHint")}</EmptyState> : null}
      {list.data && list.data.items.length > 0 ? (
        <Table
          caption={t("title")}
          head={
            <tr>
              <th scope="col" className="px-3 py-2">
                {t("type")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("labelFr")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("labelEn")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("courses")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("state")}
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">{t("actions")}</span>
              </th>
            </tr>
          }
        >
          {list.data.items.map((c) => (
            <tr key={c.id}>
              <td className="px-3 py-2">{t(`types.${c.type}`)}</td>
              <td className="px-3 py-2" lang="fr">
                {c.label_fr}
              </td>
              <td className="px-3 py-2" lang="en">
                {c.label_en}
              </td>
              <td className="px-3 py-2">{c.course_count}</td>
              <td className="px-3 py-2">
                <Badge value={c.is_active ? "done" : "archived"} label={c.is_active ? t("active") : t("inactive")} />
              </td>
              <td className="flex flex-wrap gap-2 px-3 py-2">
                <Button tone="secondary" onClick={() => update.mutate({ id: c.id, is_active: !c.is_active })}>
                  {c.is_active ? t("deactivate") : t("activate")}
                </Button>
                <ConfirmButton
                  label={t("delete")}
                  title={t("deleteTitle")}
                  body={t("deleteBody", { label: c.label })}
                  confirm={t("delete")}
                  tone="danger"
                  onConfirm={() => remove.mutate({ id: c.id })}
                />
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
    </>
  );
}
