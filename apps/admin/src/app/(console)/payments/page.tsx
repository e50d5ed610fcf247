"use client";
/** Mobile-money payments with their states, newest first, filtered by status and operator. */
import { PAYMENT_STATUSES } from "@sira/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { Cell, PagedTable } from "@/components/paged-table";
import { Badge, Card, DocumentTitle } from "@/components/ui";
import { formatDate, formatMoney, PROVIDER_NAMES } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { type Provider, ProviderFilter, StatusFilter, useStatusLabel } from "./filters";

const LIMIT = 20;
type Status = (typeof PAYMENT_STATUSES)[number];

export default function PaymentsPage() {
  const t = useTranslations("payments");
  const locale = useLocale();
  const trpc = useTRPC();
  const label = useStatusLabel();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<Status | "">("");
  const [provider, setProvider] = useState<Provider | "">("");
  const payments = useQuery({
    ...trpc.admin.sms.payments.queryOptions({
      page,
      limit: LIMIT,
      ...(status ? { status } : {}),
      ...(provider ? { provider } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  return (
    <Card title={t("payments.title")}>
      <DocumentTitle title={t("payments.title")} />
      <div className="mb-3 grid gap-3 sm:max-w-lg sm:grid-cols-2">
        <StatusFilter
          statuses={PAYMENT_STATUSES}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
        />
        <ProviderFilter
          value={provider}
          onChange={(v) => {
            setProvider(v);
            setPage(1);
          }}
        />
      </div>
      <PagedTable
        caption={t("payments.title")}
        query={payments}
        page={page}
        limit={LIMIT}
        onPage={setPage}
        empty={t("payments.empty")}
        columns={[
          t("when"),
          t("purpose"),
          t("provider"),
          t("phone"),
          t("amount"),
          t("operatorReference"),
          t("status"),
          t("confirmedAt"),
        ]}
        row={(p) => (
          <tr key={p.id} data-payment={p.operator_reference}>
            <Cell>{formatDate(p.created_at, locale)}</Cell>
            <Cell>
              {t(`purposes.${p.purpose}`)}
              {p.plan ? ` · ${p.plan}` : ""}
            </Cell>
            <Cell>{PROVIDER_NAMES[p.provider]}</Cell>
            <Cell>{p.phone ?? "—"}</Cell>
            <Cell className="whitespace-nowrap">{formatMoney(p.amount, p.currency, locale)}</Cell>
            <Cell>{p.operator_reference}</Cell>
            <Cell>
              <Badge value={p.status} label={label(p.status)} />
            </Cell>
            <Cell>{formatDate(p.confirmed_at, locale)}</Cell>
          </tr>
        )}
      />
    </Card>
  );
}
