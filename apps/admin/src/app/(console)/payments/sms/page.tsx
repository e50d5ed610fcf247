"use client";
/**
 * The relay's SMS inbox: every forwarded message, those under review first. A message under review
 * is matched to one of the intents of its amount (picked from the API's candidates, after a
 * confirmation) or rejected with a reason.
 */
import { SMS_RELAY_STATUSES, type smsRelayMessageSchema, smsRelayRejectInput } from "@sira/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import type { z } from "zod";
import { ConfirmButton, FormDialog, Sheet } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { Cell, PagedTable } from "@/components/paged-table";
import {
  Badge,
  Button,
  Card,
  DocumentTitle,
  EmptyState,
  ErrorBox,
  Loading,
  TextArea,
  TextField,
} from "@/components/ui";
import { formatDate, formatMoney, PROVIDER_NAMES } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";
import { type Provider, ProviderFilter, StatusFilter, useStatusLabel } from "../filters";

const LIMIT = 20;
type Message = z.infer<typeof smsRelayMessageSchema>;
type Status = (typeof SMS_RELAY_STATUSES)[number];

export default function SmsInboxPage() {
  const t = useTranslations("payments");
  const locale = useLocale();
  const trpc = useTRPC();
  const label = useStatusLabel();
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<Status | "">("review");
  const [provider, setProvider] = useState<Provider | "">("");
  const messages = useQuery({
    ...trpc.admin.sms.smsMessages.queryOptions({
      page,
      limit: LIMIT,
      ...(status ? { status } : {}),
      ...(provider ? { provider } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const reason = (m: Message) => {
    if (!m.error) return null;
    return t.has(`sms.reasons.${m.error}`) ? t(`sms.reasons.${m.error}`) : m.error;
  };
  return (
    <Card title={t("sms.title")}>
      <DocumentTitle title={t("sms.title")} />
      <p className="mb-3 text-sm text-slate-700">{t("sms.intro")}</p>
      <div className="mb-3 grid gap-3 sm:max-w-lg sm:grid-cols-2">
        <StatusFilter
          statuses={SMS_RELAY_STATUSES}
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
        caption={t("sms.title")}
        query={messages}
        page={page}
        limit={LIMIT}
        onPage={setPage}
        empty={t("sms.empty")}
        columns={[t("sms.received"), t("sms.sender"), t("sms.message"), t("sms.read"), t("status"), t("actions")]}
        row={(m) => (
          <tr key={m.id} data-sms={m.parsed_transaction_id ?? m.id}>
            <Cell className="whitespace-nowrap">{formatDate(m.received_at, locale)}</Cell>
            <Cell>
              {m.sender}
              {m.provider ? <span className="block text-xs text-slate-700">{PROVIDER_NAMES[m.provider]}</span> : null}
            </Cell>
            <Cell className="max-w-xs">
              <p className="text-xs break-words text-slate-800">{m.body}</p>
            </Cell>
            <Cell>
              <dl className="text-xs">
                <dt className="sr-only">{t("amount")}</dt>
                <dd className="font-medium whitespace-nowrap">
                  {formatMoney(m.parsed_amount, m.parsed_currency, locale)}
                </dd>
                {m.parsed_reference ? (
                  <>
                    <dt className="sr-only">{t("reference")}</dt>
                    <dd className="font-mono">{m.parsed_reference}</dd>
                  </>
                ) : null}
                {m.parsed_transaction_id ? (
                  <>
                    <dt className="sr-only">{t("operatorReference")}</dt>
                    <dd className="break-all text-slate-700">{m.parsed_transaction_id}</dd>
                  </>
                ) : null}
              </dl>
            </Cell>
            <Cell>
              <Badge value={m.status} label={label(m.status)} />
              {reason(m) ? <span className="mt-1 block text-xs text-slate-700">{reason(m)}</span> : null}
            </Cell>
            <Cell>
              <div className="flex flex-wrap gap-2">
                {m.status === "review" ? <MatchSheet message={m} /> : null}
                {m.status === "review" || m.status === "failed" ? <RejectDialog message={m} /> : null}
              </div>
            </Cell>
          </tr>
        )}
      />
    </Card>
  );
}

/** The intents of the message's amount, narrowed by reference; paying one asks for confirmation. */
function MatchSheet({ message }: { message: Message }) {
  const t = useTranslations("payments");
  const common = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const label = useStatusLabel();
  const [open, setOpen] = useState(false);
  const [reference, setReference] = useState("");
  const amount = formatMoney(message.parsed_amount, message.parsed_currency, locale);
  const candidates = useQuery({
    ...trpc.admin.sms.smsCandidates.queryOptions({
      id: message.id,
      page: 1,
      limit: 20,
      ...(reference.trim() ? { reference: reference.trim() } : {}),
    }),
    enabled: open,
    placeholderData: keepPreviousData,
  });
  const match = useMutation(
    trpc.admin.sms.smsMatch.mutationOptions({
      onSuccess: () => {
        notice("success", t("sms.matched"));
        setOpen(false);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.sms.pathKey() });
      },
      onError: (error) => notice("error", problemOf(error)?.message ?? ""),
    }),
  );
  return (
    <>
      <Button tone="secondary" onClick={() => setOpen(true)}>
        {t("sms.match")}
      </Button>
      <Sheet open={open} onOpenChange={setOpen} title={t("sms.matchTitle", { sender: message.sender })}>
        <p className="mb-2 text-sm text-slate-700">
          {t("sms.matchIntro", { amount, date: formatDate(message.received_at, locale) })}
        </p>
        <blockquote className="mb-3 rounded border-l-4 border-slate-400 bg-slate-50 p-2 text-xs text-slate-800">
          {message.body}
        </blockquote>
        <form className="mb-3" onSubmit={(e) => e.preventDefault()}>
          <TextField
            label={t("sms.searchReference")}
            type="search"
            autoComplete="off"
            value={reference}
            onChange={(e) => setReference(e.target.value)}
          />
        </form>
        <h3 id={`candidates-${message.id}`} className="mb-2 font-semibold text-slate-900">
          {t("sms.candidates")}
        </h3>
        {candidates.error ? <ErrorBox message={problemOf(candidates.error)?.message ?? ""} /> : null}
        {candidates.isPending ? <Loading label={common("loading")} /> : null}
        {candidates.data && candidates.data.items.length === 0 ? <EmptyState title={t("sms.noCandidates")} /> : null}
        <ul aria-labelledby={`candidates-${message.id}`} className="flex flex-col gap-2">
          {(candidates.data?.items ?? []).map((c) => (
            <li
              key={c.id}
              data-intent={c.reference}
              className="flex flex-wrap items-start justify-between gap-2 rounded-md border border-slate-300 p-3 text-sm"
            >
              <div className="min-w-0">
                <p className="font-mono font-semibold">
                  {c.reference} <Badge value={c.status} label={label(c.status)} />
                </p>
                <p>{c.learner.name}</p>
                <p className="text-xs break-all text-slate-700">{c.learner.email}</p>
                <p className="text-xs text-slate-700">
                  {t(`purposes.${c.purpose}`)}
                  {c.phone ? ` · ${c.phone}` : ""}
                  {c.phone_matches ? ` · ${t("sms.phoneMatches")}` : ""}
                </p>
                <p className="text-xs text-slate-700">
                  {t("sms.created")} {formatDate(c.created_at, locale)} · {t("sms.expires")}{" "}
                  {formatDate(c.expires_at, locale)}
                </p>
              </div>
              <ConfirmButton
                label={t("sms.pay", { reference: c.reference })}
                title={t("sms.payTitle", { reference: c.reference })}
                body={t("sms.payBody", { amount, reference: c.reference, learner: c.learner.name })}
                confirm={t("sms.payConfirm")}
                disabled={match.isPending}
                onConfirm={() => match.mutate({ id: message.id, intent_id: c.id })}
              />
            </li>
          ))}
        </ul>
      </Sheet>
    </>
  );
}

function RejectDialog({ message }: { message: Message }) {
  const t = useTranslations("payments");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const reject = useMutation(trpc.admin.sms.smsReject.mutationOptions());
  return (
    <FormDialog
      label={t("sms.reject")}
      title={t("sms.rejectTitle")}
      description={t("sms.rejectBody")}
      submit={t("sms.rejectConfirm")}
      tone="danger"
      busy={reject.isPending}
      onSubmit={(close) => {
        const checked = validate(smsRelayRejectInput, { reason }, locale);
        if (!checked.ok) return setErrors(checked.errors);
        setErrors({});
        reject.mutate(
          { id: message.id, ...checked.data },
          {
            onSuccess: () => {
              notice("success", t("sms.rejected"));
              close();
              void queryClient.invalidateQueries({ queryKey: trpc.admin.sms.pathKey() });
            },
            onError: (error) => {
              setErrors(problemOf(error)?.fields ?? {});
              notice("error", problemOf(error)?.message ?? "");
            },
          },
        );
      }}
    >
      <TextArea
        label={t("sms.rejectReason")}
        rows={3}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={errors.reason}
      />
    </FormDialog>
  );
}
