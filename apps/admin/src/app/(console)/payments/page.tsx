"use client";
/**
 * Money at a glance: mobile-money payments, the SMS relay's inbox, activation-code batches, credit
 * packages and expert payouts, each a server-paged list. Actions on them (matching an SMS, paying a
 * payout, creating a batch) are still done through the API (`/docs`).
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import { Badge, Card, EmptyState, ErrorBox, Loading, PageHeader, Pager, Table } from "@/components/ui";
import { formatDate, pick } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";

const LIMIT = 10;

function Section<T>({
  title,
  query,
  page,
  onPage,
  columns,
  row,
}: {
  title: string;
  query: { data?: { items: T[]; total: number } | undefined; error: unknown; isPending: boolean };
  page: number;
  onPage: (page: number) => void;
  columns: string[];
  row: (item: T) => ReactNode;
}) {
  const t = useTranslations("payments");
  const common = useTranslations("common");
  return (
    <Card title={title}>
      {query.error ? <ErrorBox message={problemOf(query.error)?.message ?? ""} /> : null}
      {query.isPending ? <Loading label={common("loading")} /> : null}
      {query.data && query.data.items.length === 0 ? <EmptyState title={t("empty")} /> : null}
      {query.data && query.data.items.length > 0 ? (
        <>
          <Table
            caption={title}
            head={
              <tr>
                {columns.map((c) => (
                  <th key={c} scope="col" className="px-3 py-2">
                    {c}
                  </th>
                ))}
              </tr>
            }
          >
            {query.data.items.map(row)}
          </Table>
          <Pager
            page={page}
            total={query.data.total}
            limit={LIMIT}
            onPage={onPage}
            labels={{
              previous: common("previous"),
              next: common("next"),
              status: common("pageStatus", {
                page,
                pages: Math.max(1, Math.ceil(query.data.total / LIMIT)),
                total: query.data.total,
              }),
            }}
          />
        </>
      ) : null}
    </Card>
  );
}

const cell = "px-3 py-2";

export default function PaymentsPage() {
  const t = useTranslations("payments");
  const locale = useLocale();
  const trpc = useTRPC();
  const [pages, setPages] = useState({ payments: 1, sms: 1, batches: 1, payouts: 1 });
  const at = (key: keyof typeof pages) => (page: number) => setPages({ ...pages, [key]: page });
  const keep = { placeholderData: keepPreviousData };
  const payments = useQuery({
    ...trpc.admin.sms.payments.queryOptions({ page: pages.payments, limit: LIMIT }),
    ...keep,
  });
  const sms = useQuery({ ...trpc.admin.sms.smsMessages.queryOptions({ page: pages.sms, limit: LIMIT }), ...keep });
  const batches = useQuery({
    ...trpc.admin.codes.batches.queryOptions({ page: pages.batches, limit: LIMIT }),
    ...keep,
  });
  const payouts = useQuery({
    ...trpc.admin.money.payouts.queryOptions({ page: pages.payouts, limit: LIMIT }),
    ...keep,
  });
  const packages = useQuery(trpc.admin.money.packages.queryOptions());
  const packageList = packages.data ? { items: packages.data.items, total: packages.data.items.length } : undefined;
  return (
    <>
      <PageHeader title={t("title")} />
      <p className="mb-4 text-sm text-slate-700">{t("intro")}</p>
      <Section
        title={t("payments")}
        query={payments}
        page={pages.payments}
        onPage={at("payments")}
        columns={[t("when"), t("provider"), t("amount"), t("reference"), t("status")]}
        row={(p) => (
          <tr key={p.id}>
            <td className={cell}>{formatDate(p.confirmed_at, locale)}</td>
            <td className={cell}>{p.provider}</td>
            <td className={cell}>
              {p.amount} {p.currency}
            </td>
            <td className={cell}>{p.operator_reference ?? "—"}</td>
            <td className={cell}>
              <Badge value={p.status} />
            </td>
          </tr>
        )}
      />
      <Section
        title={t("sms")}
        query={sms}
        page={pages.sms}
        onPage={at("sms")}
        columns={[t("when"), t("sender"), t("amount"), t("reference"), t("status")]}
        row={(m) => (
          <tr key={m.id}>
            <td className={cell}>{formatDate(m.received_at, locale)}</td>
            <td className={cell}>{m.sender}</td>
            <td className={cell}>
              {m.parsed_amount ?? "—"} {m.parsed_currency ?? ""}
            </td>
            <td className={cell}>{m.parsed_reference ?? "—"}</td>
            <td className={cell}>
              <Badge value={m.status} />
            </td>
          </tr>
        )}
      />
      <Section
        title={t("batches")}
        query={batches}
        page={pages.batches}
        onPage={at("batches")}
        columns={[t("label"), t("kind"), t("codes"), t("redeemed")]}
        row={(b) => (
          <tr key={b.batch_id}>
            <td className={cell}>{b.label}</td>
            <td className={cell}>{b.kind}</td>
            <td className={cell}>{b.count}</td>
            <td className={cell}>{b.redeemed}</td>
          </tr>
        )}
      />
      <Section
        title={t("packages")}
        query={{ data: packageList, error: packages.error, isPending: packages.isPending }}
        page={1}
        onPage={() => {}}
        columns={[t("name"), t("credits"), t("price"), t("status")]}
        row={(p) => (
          <tr key={p.id}>
            <td className={cell}>{pick(locale, p.name_fr, p.name_en)}</td>
            <td className={cell}>
              {p.credits} + {p.bonus_credits}
            </td>
            <td className={cell}>
              {p.price_amount} {p.currency}
            </td>
            <td className={cell}>
              <Badge value={p.is_active ? "done" : "archived"} label={p.is_active ? t("active") : t("inactive")} />
            </td>
          </tr>
        )}
      />
      <Section
        title={t("payouts")}
        query={payouts}
        page={pages.payouts}
        onPage={at("payouts")}
        columns={[t("when"), t("credits"), t("provider"), t("status")]}
        row={(p) => (
          <tr key={p.id}>
            <td className={cell}>{formatDate(p.created_at, locale)}</td>
            <td className={cell}>{p.credits}</td>
            <td className={cell}>{p.provider}</td>
            <td className={cell}>
              <Badge value={p.status} />
            </td>
          </tr>
        )}
      />
    </>
  );
}
