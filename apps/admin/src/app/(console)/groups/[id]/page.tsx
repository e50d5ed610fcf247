"use client";
import { addGroupMembersInput } from "@sira/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { Button, Card, EmptyState, ErrorBox, Loading, PageHeader, Pager, Table, TextArea } from "@/components/ui";
import { formatDate } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";

const LIMIT = 20;

export default function GroupPage() {
  const { id } = useParams<{ id: string }>();
  const t = useTranslations("groups");
  const common = useTranslations("common");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const router = useRouter();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [emails, setEmails] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const groups = useQuery(trpc.admin.groups.list.queryOptions({ page: 1, limit: 100 }));
  const group = groups.data?.items.find((g) => g.id === id);
  const members = useQuery({
    ...trpc.admin.groups.members.queryOptions({ id, page, limit: LIMIT }),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.groups.pathKey() });
  const failed = (error: unknown) => notice("error", problemOf(error)?.message ?? "");
  const add = useMutation(
    trpc.admin.groups.addMembers.mutationOptions({
      onSuccess: (result) => {
        const unknown = [...result.unknown_emails, ...result.unknown_user_ids];
        notice(
          unknown.length ? "error" : "success",
          unknown.length
            ? t("addedWithUnknown", { added: result.added.length, unknown: unknown.join(", ") })
            : t("added", { added: result.added.length, already: result.already_members.length }),
        );
        setEmails("");
        void refresh();
      },
      onError: failed,
    }),
  );
  const remove = useMutation(
    trpc.admin.groups.removeMember.mutationOptions({
      onSuccess: () => {
        notice("success", t("removed"));
        void refresh();
      },
      onError: failed,
    }),
  );
  const destroy = useMutation(
    trpc.admin.groups.delete.mutationOptions({
      onSuccess: () => {
        notice("success", t("deleted"));
        void refresh();
        router.push("/groups");
      },
      onError: failed,
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const list = emails.split(/[\s,;]+/).filter(Boolean);
    const checked = validate(addGroupMembersInput, { emails: list }, locale, (field) =>
      field.startsWith("emails.") ? t("emailInvalid") : null,
    );
    if (!checked.ok) return setErrors({ emails: Object.values(checked.errors)[0] ?? "" });
    setErrors({});
    add.mutate({ id, ...checked.data });
  }

  return (
    <>
      <p className="mb-1 text-sm">
        <Link href="/groups" className="text-blue-800 underline-offset-2 hover:underline">
          {t("back")}
        </Link>
      </p>
      <PageHeader title={group?.name ?? t("title")}>
        <ConfirmButton
          label={t("delete")}
          title={t("deleteTitle")}
          body={t("deleteBody", { name: group?.name ?? "" })}
          confirm={t("delete")}
          tone="danger"
          onConfirm={() => destroy.mutate({ id })}
        />
      </PageHeader>
      <Card title={t("addMembers")}>
        <form onSubmit={submit} noValidate className="flex flex-col gap-3">
          <TextArea
            label={t("emails")}
            hint={t("emailsHint")}
            value={emails}
            onChange={(e) => setEmails(e.target.value)}
            error={errors.emails}
            rows={3}
          />
          <div>
            <Button type="submit" disabled={add.isPending}>
              {t("add")}
            </Button>
          </div>
        </form>
      </Card>
      {members.error ? <ErrorBox message={problemOf(members.error)?.message ?? ""} /> : null}
      {members.isPending ? <Loading label={common("loading")} /> : null}
      {members.data && members.data.items.length === 0 ? <EmptyState title={t("noMembers")} /> : null}
      {members.data && members.data.items.length > 0 ? (
        <>
          <Table
            caption={t("members")}
            head={
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("member")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("role")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("addedAt")}
                </th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">{t("actions")}</span>
                </th>
              </tr>
            }
          >
            {members.data.items.map((m) => (
              <tr key={m.user_id}>
                <td className="px-3 py-2">
                  {m.name} <span className="text-slate-700">&lt;{m.email}&gt;</span>
                </td>
                <td className="px-3 py-2">{m.role}</td>
                <td className="px-3 py-2">{formatDate(m.added_at, locale)}</td>
                <td className="px-3 py-2">
                  <ConfirmButton
                    label={t("remove")}
                    title={t("removeTitle")}
                    body={t("removeBody", { name: m.name })}
                    confirm={t("remove")}
                    tone="danger"
                    onConfirm={() => remove.mutate({ id, user_id: m.user_id })}
                  />
                </td>
              </tr>
            ))}
          </Table>
          <Pager
            page={page}
            total={members.data.total}
            limit={LIMIT}
            onPage={setPage}
            labels={{
              previous: common("previous"),
              next: common("next"),
              status: common("pageStatus", {
                page,
                pages: Math.max(1, Math.ceil(members.data.total / LIMIT)),
                total: members.data.total,
              }),
            }}
          />
        </>
      ) : null}
    </>
  );
}
