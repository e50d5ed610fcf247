"use client";
/**
 * Activation codes: a batch is made after a confirmation, its codes shown this once with the CSV
 * file the API would answer for `?format=csv` (built from the same answer by the contracts'
 * `activationCodesCsv`), and batches are listed with their use and revoked.
 */
import {
  ACTIVATION_CODE_KINDS,
  type ActivationCodeBatch,
  activationCodeBatchInput,
  activationCodesCsv,
  type GeneratedActivationCodes,
} from "@sira/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { ConfirmButton, ConfirmDialog } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { Cell, PagedTable } from "@/components/paged-table";
import { Badge, Button, Card, DocumentTitle, ErrorBox, SelectField, Table, TextField } from "@/components/ui";
import { formatDate, pick } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";
import { useStatusLabel } from "../filters";

const LIMIT = 20;
/** Codes shown on the page; the CSV holds them all. */
const SHOWN = 20;
type Kind = (typeof ACTIVATION_CODE_KINDS)[number];

const EMPTY = {
  kind: "credits" as Kind,
  credits: "",
  plan: "",
  duration_days: "",
  daily_message_limit: "",
  course_id: "",
  curriculum_id: "",
  count: "",
  max_redemptions: "1",
  expires_at: "",
  label: "",
};
type Values = typeof EMPTY;

/** What the form sends: only the fields of the chosen kind, numbers as numbers, the expiry at the day's end (UTC). */
function payload(v: Values) {
  const number = (s: string) => (s.trim() === "" ? undefined : Number(s));
  const text = (s: string) => (s.trim() === "" ? undefined : s.trim());
  return {
    kind: v.kind,
    ...(v.kind === "credits" ? { credits: number(v.credits) } : {}),
    ...(v.kind === "subscription"
      ? {
          plan: text(v.plan),
          duration_days: number(v.duration_days),
          daily_message_limit: number(v.daily_message_limit),
        }
      : {}),
    ...(v.kind === "course" ? { course_id: text(v.course_id) } : {}),
    ...(v.kind === "curriculum" ? { curriculum_id: text(v.curriculum_id) } : {}),
    count: number(v.count),
    max_redemptions: number(v.max_redemptions),
    ...(v.expires_at ? { expires_at: `${v.expires_at}T23:59:59.000Z` } : {}),
    label: v.label.trim(),
  };
}

/** What one code gives, in the admin's words. */
function useDescribeValue() {
  const t = useTranslations("payments.codes");
  return (b: Pick<ActivationCodeBatch, "kind" | "credits" | "plan" | "duration_days">) => {
    switch (b.kind) {
      case "credits":
        return t("valueCredits", { credits: b.credits ?? 0 });
      case "subscription":
        return b.duration_days
          ? t("valuePlanDays", { plan: b.plan ?? "", days: b.duration_days })
          : t("valuePlan", { plan: b.plan ?? "" });
      case "course":
        return t("valueCourse");
      case "curriculum":
        return t("valueCurriculum");
    }
  };
}

export default function CodesPage() {
  const t = useTranslations("payments.codes");
  const payments = useTranslations("payments");
  const locale = useLocale();
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const label = useStatusLabel();
  const describeValue = useDescribeValue();
  const [page, setPage] = useState(1);
  const [created, setCreated] = useState<GeneratedActivationCodes | null>(null);
  const batches = useQuery({
    ...trpc.admin.codes.batches.queryOptions({ page, limit: LIMIT }),
    placeholderData: keepPreviousData,
  });
  const revoke = useMutation(
    trpc.admin.codes.revoke.mutationOptions({
      onSuccess: () => {
        notice("success", t("revoked"));
        void queryClient.invalidateQueries({ queryKey: trpc.admin.codes.pathKey() });
      },
      onError: (error) => notice("error", problemOf(error)?.message ?? ""),
    }),
  );
  return (
    <>
      <DocumentTitle title={t("title")} />
      <BatchForm
        onCreated={(batch) => {
          setCreated(batch);
          notice("success", t("created", { count: batch.count }));
          void queryClient.invalidateQueries({ queryKey: trpc.admin.codes.pathKey() });
        }}
      />
      {created ? <CreatedBatch batch={created} /> : null}
      <Card title={t("batches")}>
        <PagedTable
          caption={t("batches")}
          query={batches}
          page={page}
          limit={LIMIT}
          onPage={setPage}
          empty={t("empty")}
          columns={[t("batch"), t("value"), t("used"), t("expiresAt"), payments("status"), payments("actions")]}
          row={(b) => (
            <tr key={b.batch_id} data-batch={b.label ?? b.batch_id}>
              <Cell>
                {b.label ?? "—"}
                <span className="block text-xs text-slate-700">
                  {t("createdAt")} {formatDate(b.created_at, locale)}
                </span>
              </Cell>
              <Cell>{describeValue(b)}</Cell>
              <Cell>
                {b.codes_used} / {b.count}
              </Cell>
              <Cell>{formatDate(b.expires_at, locale)}</Cell>
              <Cell>
                {b.revoked_at ? (
                  <Badge value="revoked" label={label("revoked")} />
                ) : (
                  <Badge value="done" label={label("active")} />
                )}
              </Cell>
              <Cell>
                {b.revoked_at ? null : (
                  <ConfirmButton
                    label={t("revoke")}
                    title={t("revokeTitle", { label: b.label ?? "" })}
                    body={t("revokeBody")}
                    confirm={t("revoke")}
                    tone="danger"
                    disabled={revoke.isPending}
                    onConfirm={() => revoke.mutate({ batch_id: b.batch_id })}
                  />
                )}
              </Cell>
            </tr>
          )}
        />
      </Card>
    </>
  );
}

function BatchForm({ onCreated }: { onCreated: (batch: GeneratedActivationCodes) => void }) {
  const t = useTranslations("payments.codes");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const notice = useNotice();
  const describeValue = useDescribeValue();
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [checked, setChecked] = useState<ReturnType<typeof activationCodeBatchInput.parse> | null>(null);
  const submitRef = useRef<HTMLButtonElement>(null);
  const plans = useQuery({ ...trpc.admin.money.plans.queryOptions(), enabled: values.kind === "subscription" });
  const courses = useQuery({
    ...trpc.admin.courses.list.queryOptions({ page: 1, limit: 100 }),
    enabled: values.kind === "course",
  });
  const curricula = useQuery({
    ...trpc.admin.curricula.list.queryOptions({ page: 1, limit: 100 }),
    enabled: values.kind === "curriculum",
  });
  const generate = useMutation(
    trpc.admin.codes.generate.mutationOptions({
      onSuccess: (batch) => {
        setValues(EMPTY);
        onCreated(batch);
      },
      onError: (error) => {
        setErrors(problemOf(error)?.fields ?? {});
        notice("error", problemOf(error)?.message ?? "");
      },
    }),
  );
  const set = (key: keyof Values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = validate(activationCodeBatchInput, payload(values), locale);
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    setChecked(result.data);
  }

  return (
    <Card title={t("new")}>
      <p className="mb-3 text-sm text-slate-700">{t("intro")}</p>
      <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <SelectField label={t("kind")} value={values.kind} onChange={set("kind")}>
          {ACTIVATION_CODE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kinds.${k}`)}
            </option>
          ))}
        </SelectField>
        {values.kind === "credits" ? (
          <TextField
            label={t("credits")}
            type="number"
            min={1}
            inputMode="numeric"
            value={values.credits}
            onChange={set("credits")}
            error={errors.credits}
          />
        ) : null}
        {values.kind === "subscription" ? (
          <>
            <SelectField label={t("plan")} value={values.plan} onChange={set("plan")} error={errors.plan}>
              <option value="">{t("choose")}</option>
              {(plans.data?.items ?? []).map((p) => (
                <option key={p.id} value={p.slug}>
                  {pick(locale, p.name_fr, p.name_en)}
                </option>
              ))}
            </SelectField>
            <TextField
              label={t("durationDays")}
              hint={t("durationHint")}
              type="number"
              min={1}
              inputMode="numeric"
              value={values.duration_days}
              onChange={set("duration_days")}
              error={errors.duration_days}
            />
            <TextField
              label={t("dailyLimit")}
              type="number"
              min={0}
              inputMode="numeric"
              value={values.daily_message_limit}
              onChange={set("daily_message_limit")}
              error={errors.daily_message_limit}
            />
          </>
        ) : null}
        {values.kind === "course" ? (
          <SelectField
            label={t("course")}
            value={values.course_id}
            onChange={set("course_id")}
            error={errors.course_id}
          >
            <option value="">{t("choose")}</option>
            {(courses.data?.items ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {pick(locale, c.title_fr, c.title_en)}
              </option>
            ))}
          </SelectField>
        ) : null}
        {values.kind === "curriculum" ? (
          <SelectField
            label={t("curriculum")}
            value={values.curriculum_id}
            onChange={set("curriculum_id")}
            error={errors.curriculum_id}
          >
            <option value="">{t("choose")}</option>
            {(curricula.data?.items ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {pick(locale, c.title_fr, c.title_en)}
              </option>
            ))}
          </SelectField>
        ) : null}
        <TextField
          label={t("count")}
          type="number"
          min={1}
          max={5000}
          inputMode="numeric"
          value={values.count}
          onChange={set("count")}
          error={errors.count}
        />
        <TextField
          label={t("maxRedemptions")}
          type="number"
          min={1}
          inputMode="numeric"
          value={values.max_redemptions}
          onChange={set("max_redemptions")}
          error={errors.max_redemptions}
        />
        <TextField
          label={t("expires")}
          type="date"
          value={values.expires_at}
          onChange={set("expires_at")}
          error={errors.expires_at}
        />
        <TextField label={t("label")} value={values.label} onChange={set("label")} error={errors.label} />
        {errors._form ? <ErrorBox message={errors._form} /> : null}
        <div className="flex items-end sm:col-span-2 lg:col-span-3">
          <Button ref={submitRef} type="submit" disabled={generate.isPending}>
            {t("create")}
          </Button>
        </div>
      </form>
      <ConfirmDialog
        open={checked !== null}
        onOpenChange={(open) => {
          if (!open) setChecked(null);
        }}
        returnFocus={submitRef}
        title={t("createTitle", { count: checked?.count ?? 0 })}
        body={t("createBody", {
          count: checked?.count ?? 0,
          label: checked?.label ?? "",
          value: checked
            ? describeValue({
                kind: checked.kind,
                credits: checked.credits ?? null,
                plan: checked.plan ?? null,
                duration_days: checked.duration_days ?? null,
              })
            : "",
          max: checked?.max_redemptions ?? 1,
        })}
        confirm={t("create")}
        onConfirm={() => {
          if (checked) generate.mutate(checked);
        }}
      />
    </Card>
  );
}

/** The batch just made: its codes this once, and the CSV file to print them from. */
function CreatedBatch({ batch }: { batch: GeneratedActivationCodes }) {
  const t = useTranslations("payments.codes");
  const href = useMemo(
    () => URL.createObjectURL(new Blob([activationCodesCsv(batch)], { type: "text/csv;charset=utf-8" })),
    [batch],
  );
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <Card title={t("result", { label: batch.label ?? "" })}>
      <div data-testid="created-batch">
        <p className="mb-3 text-sm font-medium text-amber-900">{t("resultHint")}</p>
        <a
          href={href}
          download={`activation-codes-${batch.batch_id}.csv`}
          className="mb-3 inline-flex min-h-11 items-center rounded-md bg-blue-700 px-3 py-2 text-sm font-medium text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
        >
          {t("download", { count: batch.count })}
        </a>
        <p className="mb-2 text-sm text-slate-700">
          {t("shown", { shown: Math.min(SHOWN, batch.codes.length), count: batch.count })}
        </p>
        <Table
          caption={t("result", { label: batch.label ?? "" })}
          head={
            <tr>
              <th scope="col" className="px-3 py-2">
                {t("code")}
              </th>
            </tr>
          }
        >
          {batch.codes.slice(0, SHOWN).map((c) => (
            <tr key={c.code}>
              <Cell className="font-mono">{c.code}</Cell>
            </tr>
          ))}
        </Table>
      </div>
    </Card>
  );
}
