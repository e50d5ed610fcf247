"use client";
import { auditLogQuery } from "@sira/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { PagedTable } from "@/components/paged-table";
import { Button, PageHeader, TextField } from "@/components/ui";
import { formatDate } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";

const LIMIT = 50;

export default function AuditPage() {
  const t = useTranslations("audit");
  const common = useTranslations("common");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const [draft, setDraft] = useState({ action: "", target_type: "", from: "", to: "" });
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const list = useQuery({
    ...trpc.admin.auditLog.list.queryOptions({ page, limit: LIMIT, ...filters }),
    placeholderData: keepPreviousData,
  });
  function apply() {
    const chosen: Record<string, string> = {};
    if (draft.action.trim()) chosen.action = draft.action.trim();
    if (draft.target_type.trim()) chosen.target_type = draft.target_type.trim();
    if (draft.from) chosen.from = new Date(draft.from).toISOString();
    if (draft.to) chosen.to = new Date(draft.to).toISOString();
    const checked = validate(auditLogQuery, { page: 1, limit: LIMIT, ...chosen }, locale);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    setFilters(chosen);
    setPage(1);
  }
  return (
    <>
      <PageHeader title={t("title")} />
      <form
        className="mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-5"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <TextField
          label={t("action")}
          hint={t("actionHint")}
          value={draft.action}
          onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          error={errors.action}
        />
        <TextField
          label={t("target")}
          value={draft.target_type}
          onChange={(e) => setDraft({ ...draft, target_type: e.target.value })}
          error={errors.target_type}
        />
        <TextField
          label={t("from")}
          type="datetime-local"
          value={draft.from}
          onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          error={errors.from}
        />
        <TextField
          label={t("to")}
          type="datetime-local"
          value={draft.to}
          onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          error={errors.to}
        />
        <div className="flex items-end">
          <Button type="submit">{common("apply")}</Button>
        </div>
      </form>
      <PagedTable
        caption={t("title")}
        query={list}
        page={page}
        limit={LIMIT}
        onPage={setPage}
        columns={[t("when"), t("who"), t("action"), t("target"), t("details")]}
        empty={t("empty")}
        row={(entry) => (
          <tr key={entry.id} className="align-top">
            <td className="px-3 py-2 whitespace-nowrap">{formatDate(entry.created_at, locale)}</td>
            <td className="px-3 py-2">{entry.actor ? `${entry.actor.name} (${entry.actor.role})` : t("system")}</td>
            <td className="px-3 py-2">
              <code>{entry.action}</code>
            </td>
            <td className="px-3 py-2">
              {entry.target_type}
              {entry.target_id ? (
                <span className="block text-xs break-all text-slate-700">{entry.target_id}</span>
              ) : null}
            </td>
            <td className="px-3 py-2">
              <details>
                <summary className="cursor-pointer text-blue-800">{t("show")}</summary>
                <pre className="mt-1 max-w-md overflow-x-auto text-xs">
                  {JSON.stringify({ before: entry.before, after: entry.after }, null, 2)}
                </pre>
              </details>
            </td>
          </tr>
        )}
      />
    </>
  );
}
