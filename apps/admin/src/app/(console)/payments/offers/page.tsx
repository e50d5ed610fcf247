"use client";
/**
 * What learners can buy: credit packages and subscription plans, created and changed (withdrawn
 * from sale by unticking "on sale") with the API's own schemas; the slug is fixed once made.
 */
import {
  type CreditPackageView,
  creditPackageInput,
  creditPackagePatch,
  type SubscriptionPlanView,
  subscriptionPlanInput,
  subscriptionPlanPatch,
} from "@sira/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { FormDialog } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { Cell, PagedTable } from "@/components/paged-table";
import { Badge, Button, Card, Checkbox, DocumentTitle, TextField } from "@/components/ui";
import { formatMoney, pick } from "@/lib/format";
import { problemOf, useTRPC, useTRPCClient } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";
import { useStatusLabel } from "../filters";

type Kind = "package" | "plan";

/** The fields of each kind beyond the names, price, currency, order and sale flag they share. */
const NUMBERS: Record<Kind, { key: string; label: string; min: number }[]> = {
  package: [
    { key: "credits", label: "credits", min: 1 },
    { key: "bonus_credits", label: "bonus", min: 0 },
  ],
  plan: [
    { key: "duration_days", label: "durationDays", min: 1 },
    { key: "daily_message_limit", label: "dailyLimit", min: 0 },
  ],
};

type Values = Record<string, string> & { is_active: string };

function emptyValues(kind: Kind): Values {
  const values: Values = {
    slug: "",
    name_fr: "",
    name_en: "",
    price_amount: "",
    currency: "XOF",
    sort_order: "0",
    is_active: "true",
  };
  for (const field of NUMBERS[kind]) values[field.key] = "";
  return values;
}

function valuesOf(kind: Kind, offer: CreditPackageView | SubscriptionPlanView): Values {
  const values = emptyValues(kind);
  for (const key of Object.keys(values)) {
    const value = (offer as unknown as Record<string, unknown>)[key];
    values[key] = value === undefined || value === null ? "" : String(value);
  }
  return values;
}

/** The form's strings as the API's input: numbers as numbers, the slug only on create. */
function payload(kind: Kind, values: Values, creating: boolean) {
  const number = (s: string | undefined) => (s === undefined || s.trim() === "" ? undefined : Number(s));
  const body: Record<string, unknown> = {
    name_fr: values.name_fr?.trim(),
    name_en: values.name_en?.trim(),
    price_amount: number(values.price_amount),
    currency: values.currency?.trim().toUpperCase() || undefined,
    sort_order: number(values.sort_order),
    is_active: values.is_active === "true",
  };
  for (const field of NUMBERS[kind]) body[field.key] = number(values[field.key]);
  if (creating) body.slug = values.slug?.trim();
  return body;
}

const SCHEMAS: Record<Kind, { create: z.ZodType; patch: z.ZodType }> = {
  package: { create: creditPackageInput, patch: creditPackagePatch },
  plan: { create: subscriptionPlanInput, patch: subscriptionPlanPatch },
};

function OfferFields({
  kind,
  values,
  errors,
  creating,
  onChange,
}: {
  kind: Kind;
  values: Values;
  errors: FieldErrors;
  creating: boolean;
  onChange: (key: string, value: string) => void;
}) {
  const t = useTranslations("payments.offers");
  const text = (key: string, label: string, extra: Record<string, unknown> = {}) => (
    <TextField
      label={t(label)}
      name={key}
      value={values[key] ?? ""}
      onChange={(e) => onChange(key, e.target.value)}
      error={errors[key]}
      {...extra}
    />
  );
  const number = (key: string, label: string, min: number) =>
    text(key, label, { type: "number", min, inputMode: "numeric" });
  return (
    <>
      {creating ? text("slug", "slug", { hint: t("slugHint"), autoComplete: "off" }) : null}
      <div lang="fr">{text("name_fr", "nameFr")}</div>
      <div lang="en">{text("name_en", "nameEn")}</div>
      {NUMBERS[kind].map((field) => (
        <div key={field.key}>{number(field.key, field.label, field.min)}</div>
      ))}
      {number("price_amount", "price", 1)}
      {text("currency", "currency", { maxLength: 3, autoComplete: "off" })}
      {number("sort_order", "order", 0)}
      <div className="flex items-end pb-2">
        <Checkbox
          label={t("active")}
          checked={values.is_active === "true"}
          onChange={(e) => onChange("is_active", String(e.target.checked))}
        />
      </div>
    </>
  );
}

/** Create and update for either kind; the input was checked with that kind's schema. */
function useOfferMutations(kind: Kind) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const money = client.admin.money;
  const create = useMutation({
    mutationFn: async (input: Record<string, unknown>): Promise<unknown> =>
      kind === "package"
        ? money.createPackage.mutate(input as z.output<typeof creditPackageInput>)
        : money.createPlan.mutate(input as z.output<typeof subscriptionPlanInput>),
  });
  const update = useMutation({
    mutationFn: async (input: Record<string, unknown> & { id: string }): Promise<unknown> =>
      kind === "package"
        ? money.updatePackage.mutate(input as z.output<typeof creditPackagePatch> & { id: string })
        : money.updatePlan.mutate(input as z.output<typeof subscriptionPlanPatch> & { id: string }),
  });
  return { create, update, key: trpc.admin.money.pathKey() };
}

function NewOffer({ kind }: { kind: Kind }) {
  const t = useTranslations("payments.offers");
  const locale = useLocale() as "fr" | "en";
  const notice = useNotice();
  const queryClient = useQueryClient();
  const { create, key } = useOfferMutations(kind);
  const [values, setValues] = useState<Values>(() => emptyValues(kind));
  const [errors, setErrors] = useState<FieldErrors>({});
  function submit(event: FormEvent) {
    event.preventDefault();
    const checked = validate(SCHEMAS[kind].create, payload(kind, values, true), locale);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    create.mutate(checked.data as Record<string, unknown>, {
      onSuccess: () => {
        notice("success", t(kind === "package" ? "packageCreated" : "planCreated"));
        setValues(emptyValues(kind));
        void queryClient.invalidateQueries({ queryKey: key });
      },
      onError: (error) => {
        setErrors(problemOf(error)?.fields ?? {});
        notice("error", problemOf(error)?.message ?? "");
      },
    });
  }
  return (
    <details className="mb-3 rounded-lg border border-slate-300 p-3">
      <summary className="cursor-pointer font-medium text-slate-900">
        {t(kind === "package" ? "newPackage" : "newPlan")}
      </summary>
      <form onSubmit={submit} noValidate className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <OfferFields
          kind={kind}
          values={values}
          errors={errors}
          creating
          onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
        />
        <div className="flex items-end">
          <Button type="submit" disabled={create.isPending}>
            {t("create")}
          </Button>
        </div>
      </form>
    </details>
  );
}

function EditOffer({ kind, offer }: { kind: Kind; offer: CreditPackageView | SubscriptionPlanView }) {
  const t = useTranslations("payments.offers");
  const locale = useLocale() as "fr" | "en";
  const notice = useNotice();
  const queryClient = useQueryClient();
  const { update, key } = useOfferMutations(kind);
  const [values, setValues] = useState<Values>(() => valuesOf(kind, offer));
  const [errors, setErrors] = useState<FieldErrors>({});
  const name = pick(locale, offer.name_fr, offer.name_en);
  return (
    <FormDialog
      label={t("edit")}
      title={t("editTitle", { name })}
      description={t("editBody")}
      submit={t("save")}
      busy={update.isPending}
      onSubmit={(close) => {
        const checked = validate(SCHEMAS[kind].patch, payload(kind, values, false), locale);
        if (!checked.ok) return setErrors(checked.errors);
        setErrors({});
        update.mutate(
          { id: offer.id, ...(checked.data as Record<string, unknown>) },
          {
            onSuccess: () => {
              notice("success", t("saved"));
              close();
              void queryClient.invalidateQueries({ queryKey: key });
            },
            onError: (error) => {
              setErrors(problemOf(error)?.fields ?? {});
              notice("error", problemOf(error)?.message ?? "");
            },
          },
        );
      }}
    >
      <OfferFields
        kind={kind}
        values={values}
        errors={errors}
        creating={false}
        onChange={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
      />
    </FormDialog>
  );
}

export default function OffersPage() {
  const t = useTranslations("payments.offers");
  const payments = useTranslations("payments");
  const locale = useLocale();
  const trpc = useTRPC();
  const label = useStatusLabel();
  const packages = useQuery(trpc.admin.money.packages.queryOptions());
  const plans = useQuery(trpc.admin.money.plans.queryOptions());
  const listed = <T,>(q: { data?: { items: T[] } | undefined; error: unknown; isPending: boolean }) => ({
    data: q.data ? { items: q.data.items, total: q.data.items.length } : undefined,
    error: q.error,
    isPending: q.isPending,
  });
  const state = (active: boolean) => (
    <Badge value={active ? "done" : "archived"} label={label(active ? "active" : "inactive")} />
  );
  return (
    <>
      <DocumentTitle title={payments("tabs.offers")} />
      <Card title={t("packages")}>
        <NewOffer kind="package" />
        <PagedTable
          caption={t("packages")}
          query={listed(packages)}
          page={1}
          limit={1000}
          onPage={() => {}}
          empty={t("emptyPackages")}
          columns={[t("name"), t("credits"), t("price"), t("state"), payments("actions")]}
          row={(p) => (
            <tr key={p.id} data-offer={p.slug}>
              <Cell>
                {pick(locale, p.name_fr, p.name_en)}
                <span className="block font-mono text-xs text-slate-700">{p.slug}</span>
              </Cell>
              <Cell>
                {p.credits}
                {p.bonus_credits ? ` + ${p.bonus_credits}` : ""}
              </Cell>
              <Cell className="whitespace-nowrap">{formatMoney(p.price_amount, p.currency, locale)}</Cell>
              <Cell>{state(p.is_active)}</Cell>
              <Cell>
                <EditOffer kind="package" offer={p} />
              </Cell>
            </tr>
          )}
        />
      </Card>
      <Card title={t("plans")}>
        <NewOffer kind="plan" />
        <PagedTable
          caption={t("plans")}
          query={listed(plans)}
          page={1}
          limit={1000}
          onPage={() => {}}
          empty={t("emptyPlans")}
          columns={[t("name"), t("durationDays"), t("dailyLimit"), t("price"), t("state"), payments("actions")]}
          row={(p) => (
            <tr key={p.id} data-offer={p.slug}>
              <Cell>
                {pick(locale, p.name_fr, p.name_en)}
                <span className="block font-mono text-xs text-slate-700">{p.slug}</span>
              </Cell>
              <Cell>{t("days", { count: p.duration_days })}</Cell>
              <Cell>{t("perDay", { count: p.daily_message_limit })}</Cell>
              <Cell className="whitespace-nowrap">{formatMoney(p.price_amount, p.currency, locale)}</Cell>
              <Cell>{state(p.is_active)}</Cell>
              <Cell>
                <EditOffer kind="plan" offer={p} />
              </Cell>
            </tr>
          )}
        />
      </Card>
    </>
  );
}
