"use client";
import { curriculumGranteeInput } from "@sira/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useEffect, useState } from "react";
import { ConfirmButton } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { type SortableItem, SortableList } from "@/components/sortable-list";
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorBox,
  Loading,
  PageHeader,
  Pager,
  SelectField,
  TextField,
} from "@/components/ui";
import { formatDate, pick } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";

/** Grants per page: the detail embeds only the newest, so the list pages through GET /{id}/access. */
const GRANTS_LIMIT = 20;

export default function CurriculumPage() {
  const { id } = useParams<{ id: string }>();
  const t = useTranslations("curricula");
  const common = useTranslations("common");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const curriculum = useQuery(trpc.admin.curricula.get.queryOptions({ id }));
  const [order, setOrder] = useState<SortableItem[] | null>(null);
  const [courseSearch, setCourseSearch] = useState("");
  const [toAdd, setToAdd] = useState("");
  const [grantee, setGrantee] = useState<{ kind: "email" | "group"; email: string; group: string }>({
    kind: "email",
    email: "",
    group: "",
  });
  const [grantErrors, setGrantErrors] = useState<FieldErrors>({});
  const [grantsPage, setGrantsPage] = useState(1);
  const grants = useQuery({
    ...trpc.admin.curricula.grants.queryOptions({ id, page: grantsPage, limit: GRANTS_LIMIT }),
    placeholderData: keepPreviousData,
  });
  const grantsTotal = grants.data?.total ?? 0;
  const grantsFrom = grants.data ? (grants.data.page - 1) * grants.data.limit : 0;
  const courses = useQuery(
    trpc.admin.courses.list.queryOptions({
      page: 1,
      limit: 50,
      ...(courseSearch.trim() ? { search: courseSearch.trim() } : {}),
    }),
  );
  const groups = useQuery(trpc.admin.groups.list.queryOptions({ page: 1, limit: 100 }));

  useEffect(() => {
    if (curriculum.data)
      setOrder(curriculum.data.courses.map((c) => ({ id: c.id, label: pick(locale, c.title_fr, c.title_en) })));
  }, [curriculum.data, locale]);

  // A revoke that empties the last page steps back to the new last page.
  useEffect(() => {
    if (grants.data && grants.data.items.length === 0 && grantsPage > 1)
      setGrantsPage(Math.max(1, Math.ceil(grants.data.total / GRANTS_LIMIT)));
  }, [grants.data, grantsPage]);

  const changed = (message: string) => {
    notice("success", message);
    void queryClient.invalidateQueries({ queryKey: trpc.admin.curricula.pathKey() });
  };
  const failed = (error: unknown) => notice("error", problemOf(error)?.message ?? "");
  const replace = useMutation(
    trpc.admin.curricula.replaceCourses.mutationOptions({ onSuccess: () => changed(t("orderSaved")), onError: failed }),
  );
  const visibility = useMutation(
    trpc.admin.curricula.setVisibility.mutationOptions({
      onSuccess: () => changed(t("visibilitySaved")),
      onError: failed,
    }),
  );
  const update = useMutation(
    trpc.admin.curricula.update.mutationOptions({ onSuccess: () => changed(t("statusSaved")), onError: failed }),
  );
  const grant = useMutation(
    trpc.admin.curricula.grant.mutationOptions({
      onSuccess: (result) => {
        changed(result.created ? t("granted") : t("alreadyGranted"));
        setGrantee((g) => ({ ...g, email: "" }));
      },
      onError: (error) => {
        setGrantErrors(problemOf(error)?.fields ?? {});
        failed(error);
      },
    }),
  );
  const revoke = useMutation(
    trpc.admin.curricula.revoke.mutationOptions({ onSuccess: () => changed(t("revoked")), onError: failed }),
  );

  if (curriculum.error) return <ErrorBox message={problemOf(curriculum.error)?.message ?? ""} />;
  if (!curriculum.data || !order) return <Loading label={common("loading")} />;
  const c = curriculum.data;
  const saveOrder = (items: SortableItem[]) => replace.mutate({ id, course_ids: items.map((i) => i.id) });

  function submitGrant(event: FormEvent) {
    event.preventDefault();
    const input = grantee.kind === "email" ? { user_email: grantee.email } : { group_id: grantee.group };
    const checked = validate(curriculumGranteeInput, input, locale, (field) =>
      field === "user_email" ? t("emailInvalid") : field === "" || field === "_form" ? t("chooseGrantee") : null,
    );
    if (!checked.ok) return setGrantErrors(checked.errors);
    setGrantErrors({});
    grant.mutate({ id, ...checked.data });
  }

  const available = (courses.data?.items ?? []).filter((course) => !order.some((o) => o.id === course.id));
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href="/curricula" className="text-blue-800 underline-offset-2 hover:underline">
          {t("back")}
        </Link>
      </p>
      <PageHeader title={pick(locale, c.title_fr, c.title_en)}>
        <Badge value={c.status} label={t(`statuses.${c.status}`)} />
        {c.status !== "published" ? (
          <ConfirmButton
            label={t("publish")}
            title={t("publishTitle")}
            body={t("publishBody")}
            confirm={t("publish")}
            onConfirm={() => update.mutate({ id, status: "published" })}
          />
        ) : (
          <ConfirmButton
            label={t("archive")}
            title={t("archiveTitle")}
            body={t("archiveBody")}
            confirm={t("archive")}
            onConfirm={() => update.mutate({ id, status: "archived" })}
          />
        )}
      </PageHeader>
      <Card title={t("visibility")}>
        <div className="flex flex-wrap items-end gap-3">
          <SelectField
            label={t("visibility")}
            value={c.visibility}
            onChange={(e) => visibility.mutate({ id, visibility: e.target.value as "public" | "private" })}
          >
            <option value="private">{t("private")}</option>
            <option value="public">{t("public")}</option>
          </SelectField>
          <p className="pb-2 text-sm text-slate-700">
            {c.visibility === "private" ? t("privateHint") : t("publicHint")}
          </p>
        </div>
      </Card>
      <Card title={t("courseOrder")}>
        {order.length === 0 ? <EmptyState title={t("noCourses")} /> : null}
        <SortableList
          items={order}
          onChange={(items) => {
            setOrder(items);
            saveOrder(items);
          }}
          extra={(item) => (
            <Button tone="ghost" onClick={() => saveOrder(order.filter((o) => o.id !== item.id))}>
              {t("removeCourse")}
            </Button>
          )}
        />
        <div className="mt-4 grid gap-3 sm:grid-cols-3">
          <TextField
            label={t("findCourse")}
            type="search"
            value={courseSearch}
            onChange={(e) => setCourseSearch(e.target.value)}
          />
          <SelectField label={t("courseToAdd")} value={toAdd} onChange={(e) => setToAdd(e.target.value)}>
            <option value="">{t("chooseCourse")}</option>
            {available.map((course) => (
              <option key={course.id} value={course.id}>
                {pick(locale, course.title_fr, course.title_en)}
              </option>
            ))}
          </SelectField>
          <div className="flex items-end">
            <Button
              disabled={!toAdd || replace.isPending}
              onClick={() => {
                saveOrder([...order, { id: toAdd, label: "" }]);
                setToAdd("");
              }}
            >
              {t("addCourse")}
            </Button>
          </div>
        </div>
      </Card>
      <Card title={t("access")}>
        <form onSubmit={submitGrant} noValidate className="grid gap-3 sm:grid-cols-3">
          <SelectField
            label={t("grantTo")}
            value={grantee.kind}
            onChange={(e) => setGrantee({ ...grantee, kind: e.target.value as "email" | "group" })}
          >
            <option value="email">{t("byEmail")}</option>
            <option value="group">{t("byGroup")}</option>
          </SelectField>
          {grantee.kind === "email" ? (
            <TextField
              label={t("email")}
              type="email"
              value={grantee.email}
              onChange={(e) => setGrantee({ ...grantee, email: e.target.value })}
              error={grantErrors.user_email ?? grantErrors._form}
            />
          ) : (
            <SelectField
              label={t("group")}
              value={grantee.group}
              onChange={(e) => setGrantee({ ...grantee, group: e.target.value })}
              error={grantErrors.group_id ?? grantErrors._form}
            >
              <option value="">{t("chooseGroup")}</option>
              {(groups.data?.items ?? []).map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </SelectField>
          )}
          <div className="flex items-end">
            <Button type="submit" disabled={grant.isPending}>
              {t("grant")}
            </Button>
          </div>
        </form>
        {grants.error ? <ErrorBox message={problemOf(grants.error)?.message ?? ""} /> : null}
        {!grants.data ? null : grants.data.items.length === 0 ? (
          <p className="mt-3 text-sm text-slate-700">{t("noGrants")}</p>
        ) : (
          <ul className="mt-3 flex flex-col gap-2" aria-label={t("grantsList")}>
            {grants.data.items.map((g) => {
              const who =
                g.kind === "group"
                  ? `${t("groupLabel")} ${g.group?.name} (${t("members", { count: g.group?.member_count ?? 0 })})`
                  : `${g.user?.name} <${g.user?.email}>`;
              return (
                <li
                  key={g.id}
                  className="flex flex-wrap items-center justify-between gap-2 rounded border border-slate-300 bg-white p-2 text-sm"
                  data-grant={g.kind === "group" ? g.group?.name : g.user?.email}
                >
                  <span>
                    {who} · {formatDate(g.created_at, locale)}
                  </span>
                  <ConfirmButton
                    label={t("revoke")}
                    title={t("revokeTitle")}
                    body={t("revokeBody", { who })}
                    confirm={t("revoke")}
                    tone="danger"
                    onConfirm={() =>
                      revoke.mutate(
                        g.kind === "group" ? { id, group_id: g.group?.id ?? "" } : { id, user_id: g.user?.id ?? "" },
                      )
                    }
                  />
                </li>
              );
            })}
          </ul>
        )}
        {grantsTotal > GRANTS_LIMIT || grantsPage > 1 ? (
          <Pager
            page={grantsPage}
            total={grantsTotal}
            limit={GRANTS_LIMIT}
            onPage={setGrantsPage}
            labels={{
              previous: common("previous"),
              next: common("next"),
              status: t("grantsStatus", {
                from: grantsFrom + 1,
                to: grantsFrom + (grants.data?.items.length ?? 0),
                total: grantsTotal,
              }),
            }}
          />
        ) : null}
      </Card>
    </>
  );
}
