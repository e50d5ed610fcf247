"use client";
/** Course purchases, newest first, each refundable once within the window after a confirmation. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmButton } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { Cell, PagedTable } from "@/components/paged-table";
import { Badge, Card, DocumentTitle } from "@/components/ui";
import { formatDate } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { useStatusLabel } from "../filters";

const LIMIT = 20;

export default function RefundsPage() {
  const t = useTranslations("payments.refunds");
  const payments = useTranslations("payments");
  const locale = useLocale();
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const label = useStatusLabel();
  const [page, setPage] = useState(1);
  // The window is judged against the clock once per render of the list; the API decides anyway.
  const [now] = useState(() => Date.now());
  const purchases = useQuery({
    ...trpc.admin.money.purchases.queryOptions({ page, limit: LIMIT }),
    placeholderData: keepPreviousData,
  });
  const refund = useMutation(
    trpc.admin.money.refund.mutationOptions({
      onSuccess: (result) => {
        notice("success", t("refunded", { credits: result.refunded }));
        void queryClient.invalidateQueries({ queryKey: trpc.admin.money.pathKey() });
      },
      onError: (error) => notice("error", problemOf(error)?.message ?? ""),
    }),
  );
  return (
    <Card title={t("title")}>
      <DocumentTitle title={t("title")} />
      <p className="mb-3 text-sm text-slate-700">{t("intro")}</p>
      <PagedTable
        caption={t("title")}
        query={purchases}
        page={page}
        limit={LIMIT}
        onPage={setPage}
        empty={t("empty")}
        columns={[t("purchased"), payments("learner"), t("course"), t("price"), t("until"), payments("actions")]}
        row={(p) => {
          const open = new Date(p.refundable_until).getTime() > now;
          return (
            <tr key={p.posting_id} data-purchase={p.course.title}>
              <Cell className="whitespace-nowrap">{formatDate(p.purchased_at, locale)}</Cell>
              <Cell>
                {p.learner.name}
                <span className="block text-xs break-all text-slate-700">{p.learner.email}</span>
              </Cell>
              <Cell>{p.course.title}</Cell>
              <Cell>{p.price}</Cell>
              <Cell className="whitespace-nowrap">{formatDate(p.refundable_until, locale)}</Cell>
              <Cell>
                {p.refunded_at ? (
                  <Badge value="refunded" label={t("refundedOn", { date: formatDate(p.refunded_at, locale) })} />
                ) : open ? (
                  <ConfirmButton
                    label={t("refund")}
                    title={t("refundTitle")}
                    body={t("refundBody", { learner: p.learner.name, price: p.price, course: p.course.title })}
                    confirm={t("refund")}
                    tone="danger"
                    disabled={refund.isPending}
                    onConfirm={() => refund.mutate({ posting_id: p.posting_id })}
                  />
                ) : (
                  <Badge value="archived" label={label("windowClosed")} />
                )}
              </Cell>
            </tr>
          );
        }}
      />
    </Card>
  );
}
