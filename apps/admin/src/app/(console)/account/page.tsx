"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useAuth } from "@/components/auth";
import { ConfirmButton } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { Badge, Card, ErrorBox, Loading, PageHeader } from "@/components/ui";
import { formatDate } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";

export default function AccountPage() {
  const t = useTranslations("account");
  const common = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const auth = useAuth();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.users.me.queryOptions());
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const end = useMutation(
    trpc.auth.endSession.mutationOptions({
      onSuccess: () => {
        notice("success", t("ended"));
        void queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
      },
      onError: (error) => notice("error", problemOf(error)?.message ?? ""),
    }),
  );
  return (
    <>
      <PageHeader title={t("title")} />
      <Card title={t("profile")}>
        {me.data ? (
          <dl className="grid gap-1 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="font-medium">{t("name")}</dt>
            <dd>{me.data.name}</dd>
            <dt className="font-medium">{t("email")}</dt>
            <dd>{me.data.email}</dd>
            <dt className="font-medium">{t("role")}</dt>
            <dd>{t(`roles.${me.data.role}`)}</dd>
          </dl>
        ) : (
          <Loading label={common("loading")} />
        )}
      </Card>
      <Card title={t("sessions")}>
        <p className="mb-3 text-sm text-slate-700">{t("sessionsHint")}</p>
        {sessions.error ? <ErrorBox message={problemOf(sessions.error)?.message ?? ""} /> : null}
        <ul className="flex flex-col gap-2">
          {(sessions.data?.items ?? []).map((s) => (
            <li
              key={s.id}
              className="flex flex-wrap items-center justify-between gap-2 rounded border border-slate-300 bg-white p-2 text-sm"
              data-session={s.current ? "current" : "other"}
            >
              <div className="min-w-0">
                <p className="truncate font-medium">{s.user_agent ?? t("unknownDevice")}</p>
                <p className="text-xs text-slate-700">
                  {t("since", { date: formatDate(s.created_at, locale) })} ·{" "}
                  {t("lastUsed", { date: formatDate(s.last_used_at, locale) })}
                  {s.ip ? ` · ${s.ip}` : ""}
                </p>
              </div>
              {s.current ? (
                <Badge value="done" label={t("current")} />
              ) : (
                <ConfirmButton
                  label={t("end")}
                  title={t("endTitle")}
                  body={t("endBody")}
                  confirm={t("end")}
                  tone="danger"
                  onConfirm={() => end.mutate({ id: s.id })}
                />
              )}
            </li>
          ))}
        </ul>
        <div className="mt-3">
          <ConfirmButton
            label={t("signOut")}
            title={t("signOutTitle")}
            body={t("signOutBody")}
            confirm={t("signOut")}
            onConfirm={() => void auth.signOut()}
          />
        </div>
      </Card>
    </>
  );
}
