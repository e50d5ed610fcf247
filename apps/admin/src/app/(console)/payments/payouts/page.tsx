"use client";
/**
 * Expert payout requests: marked paid with the operator's reference once the money was sent
 * outside Sira (the form is the confirmation), or refused after a confirmation.
 */
import { payoutPaidInput } from "@sira/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmButton, FormDialog } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { Cell, PagedTable } from "@/components/paged-table";
import { Badge, Card, DocumentTitle, TextField } from "@/components/ui";
import { formatDate, PROVIDER_NAMES } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";
import { StatusFilter, useStatusLabel } from "../filters";

const LIMIT = 20;
const STATUSES = ["requested", "paid", "rejected"] as const;
type Status = (typeof STATUSES)[number];
interface Payout {
  id: string;
  expert: { name: string };
  credits: number;
  provider: keyof typeof PROVIDER_NAMES;
  phone: string;
  status: Status;
}

export default function PayoutsPage() {
  const t = useTranslations("payments.payouts");
  const payments = useTranslations("payments");
  const locale = useLocale();
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const label = useStatusLabel();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<Status | "">("requested");
  const payouts = useQuery({
    ...trpc.admin.money.payouts.queryOptions({ page, limit: LIMIT, ...(status ? { status } : {}) }),
    placeholderData: keepPreviousData,
  });
  const reject = useMutation(
    trpc.admin.money.payoutRejected.mutationOptions({
      onSuccess: () => {
        notice("success", t("rejected"));
        void queryClient.invalidateQueries({ queryKey: trpc.admin.money.pathKey() });
      },
      onError: (error) => notice("error", problemOf(error)?.message ?? ""),
    }),
  );
  return (
    <Card title={t("title")}>
      <DocumentTitle title={t("title")} />
      <p className="mb-3 text-sm text-slate-700">{t("intro")}</p>
      <div className="mb-3 sm:max-w-xs">
        <StatusFilter
          statuses={STATUSES}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
        />
      </div>
      <PagedTable
        caption={t("title")}
        query={payouts}
        page={page}
        limit={LIMIT}
        onPage={setPage}
        empty={t("empty")}
        columns={[
          t("asked"),
          t("expert"),
          payments("credits"),
          payments("provider"),
          payments("status"),
          payments("actions"),
        ]}
        row={(p) => (
          <tr key={p.id} data-payout={p.phone}>
            <Cell className="whitespace-nowrap">{formatDate(p.created_at, locale)}</Cell>
            <Cell>
              {p.expert.name}
              <span className="block text-xs break-all text-slate-700">{p.expert.email}</span>
            </Cell>
            <Cell>{p.credits}</Cell>
            <Cell>
              {PROVIDER_NAMES[p.provider]}
              <span className="block text-xs text-slate-700">{p.phone}</span>
            </Cell>
            <Cell>
              <Badge value={p.status} label={label(p.status)} />
              {p.operator_reference ? (
                <span className="mt-1 block text-xs text-slate-700">
                  {p.operator_reference} · {formatDate(p.paid_at, locale)}
                </span>
              ) : null}
            </Cell>
            <Cell>
              {p.status === "requested" ? (
                <div className="flex flex-wrap gap-2">
                  <MarkPaid payout={p} />
                  <ConfirmButton
                    label={t("reject")}
                    title={t("rejectTitle")}
                    body={t("rejectBody", { credits: p.credits, expert: p.expert.name })}
                    confirm={t("reject")}
                    tone="danger"
                    disabled={reject.isPending}
                    onConfirm={() => reject.mutate({ id: p.id })}
                  />
                </div>
              ) : null}
            </Cell>
          </tr>
        )}
      />
    </Card>
  );
}

function MarkPaid({ payout }: { payout: Payout }) {
  const t = useTranslations("payments.payouts");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const [reference, setReference] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const paid = useMutation(trpc.admin.money.payoutPaid.mutationOptions());
  return (
    <FormDialog
      label={t("markPaid")}
      title={t("paidTitle", { credits: payout.credits })}
      description={t("paidBody", {
        expert: payout.expert.name,
        credits: payout.credits,
        phone: payout.phone,
        provider: PROVIDER_NAMES[payout.provider] ?? payout.provider,
      })}
      submit={t("paidConfirm")}
      busy={paid.isPending}
      onSubmit={(close) => {
        const checked = validate(payoutPaidInput, { operator_reference: reference }, locale);
        if (!checked.ok) return setErrors(checked.errors);
        setErrors({});
        paid.mutate(
          { id: payout.id, ...checked.data },
          {
            onSuccess: () => {
              notice("success", t("paid"));
              close();
              void queryClient.invalidateQueries({ queryKey: trpc.admin.money.pathKey() });
            },
            onError: (error) => {
              setErrors(problemOf(error)?.fields ?? {});
              notice("error", problemOf(error)?.message ?? "");
            },
          },
        );
      }}
    >
      <TextField
        label={t("operatorReference")}
        autoComplete="off"
        value={reference}
        onChange={(e) => setReference(e.target.value)}
        error={errors.operator_reference}
      />
    </FormDialog>
  );
}
