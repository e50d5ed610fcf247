"use client";
import { CONTENT_TYPES, PREGENERATION_TYPES } from "@sira/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { ContentView } from "@/components/content-view";
import { useNotice } from "@/components/notice";
import {
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  ErrorBox,
  Loading,
  Pager,
  ProgressBar,
  SelectField,
} from "@/components/ui";
import { formatDate, pick } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";

const LIMIT = 20;
type PregenType = (typeof PREGENERATION_TYPES)[number];
interface PregenOptions {
  content_types: PregenType[];
  languages: ("fr" | "en")[];
}

/** One module's pre-generation: the options, the start, and its progress read every two seconds. */
function Pregeneration({ moduleId, title }: { moduleId: string; title: string }) {
  const t = useTranslations("review");
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const [types, setTypes] = useState<PregenType[]>(["lesson", "quiz", "flashcard"]);
  const [languages, setLanguages] = useState<("fr" | "en")[]>(["fr", "en"]);
  const [started, setStarted] = useState<PregenOptions | null>(null);
  const progress = useQuery({
    ...trpc.admin.content.pregeneration.queryOptions({
      module_id: moduleId,
      ...(started ?? { content_types: types, languages }),
    }),
    enabled: Boolean(started),
    refetchInterval: (query) => {
      const data = query.state.data;
      return data && data.ready < data.total ? 2000 : false;
    },
  });
  const done = progress.data && progress.data.total > 0 && progress.data.ready >= progress.data.total;
  useEffect(() => {
    if (done) void queryClient.invalidateQueries({ queryKey: trpc.admin.content.list.pathKey() });
  }, [done, queryClient, trpc]);
  const start = useMutation(
    trpc.admin.content.pregenerate.mutationOptions({
      onSuccess: (answer, input) => {
        notice("success", t("pregenerationStarted", { total: answer.total }));
        setStarted({ content_types: input.content_types ?? types, languages: input.languages ?? languages });
        queryClient.setQueryData(
          trpc.admin.content.pregeneration.queryKey({
            module_id: moduleId,
            content_types: input.content_types ?? types,
            languages: input.languages ?? languages,
          }),
          answer,
        );
      },
      onError: (error) => notice("error", problemOf(error)?.message ?? ""),
    }),
  );
  const toggle = <T,>(list: T[], value: T, on: boolean) => (on ? [...list, value] : list.filter((v) => v !== value));
  return (
    <li className="rounded-lg border border-slate-300 bg-white p-3" data-module={title}>
      <p className="font-medium">{title}</p>
      <div className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
        {PREGENERATION_TYPES.map((type) => (
          <Checkbox
            key={type}
            label={t(`types.${type}`)}
            checked={types.includes(type)}
            onChange={(e) => setTypes(toggle(types, type, e.target.checked))}
          />
        ))}
        {(["fr", "en"] as const).map((language) => (
          <Checkbox
            key={language}
            label={t(`languages.${language}`)}
            checked={languages.includes(language)}
            onChange={(e) => setLanguages(toggle(languages, language, e.target.checked))}
          />
        ))}
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <Button
          tone="secondary"
          disabled={start.isPending || !types.length || !languages.length}
          onClick={() => start.mutate({ module_id: moduleId, content_types: types, languages })}
        >
          {t("pregenerate")}
        </Button>
        {progress.data ? (
          <div className="min-w-48 flex-1" data-testid="pregeneration">
            <ProgressBar
              value={progress.data.total ? (progress.data.ready / progress.data.total) * 100 : 100}
              label={t("pregenerationProgress", { ready: progress.data.ready, total: progress.data.total })}
            />
          </div>
        ) : null}
      </div>
    </li>
  );
}

export default function ContentPage() {
  const { id } = useParams<{ id: string }>();
  const t = useTranslations("review");
  const common = useTranslations("common");
  const locale = useLocale();
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [type, setType] = useState("");
  const [validated, setValidated] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const course = useQuery(trpc.courses.get.queryOptions({ id_or_slug: id }));
  const list = useQuery({
    ...trpc.admin.content.list.queryOptions({
      course_id: id,
      page,
      limit: LIMIT,
      ...(type ? { content_type: type as (typeof CONTENT_TYPES)[number] } : {}),
      ...(validated ? { validated: validated as "true" | "false" } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const detail = useQuery({
    ...trpc.admin.content.get.queryOptions({ id: selected ?? "" }),
    enabled: Boolean(selected),
  });
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.admin.content.pathKey() });
  };
  const failed = (error: unknown) => notice("error", problemOf(error)?.message ?? "");
  const review = useMutation(
    trpc.admin.content.review.mutationOptions({
      onSuccess: (item) => {
        notice("success", item.validated ? t("validated") : t("unvalidated"));
        changed();
      },
      onError: failed,
    }),
  );
  const regenerate = useMutation(
    trpc.admin.content.regenerate.mutationOptions({
      onSuccess: () => {
        notice("success", t("regenerating"));
        changed();
      },
      onError: failed,
    }),
  );
  const modules = course.data?.modules ?? [];
  return (
    <>
      <Card title={t("modules")}>
        {course.isPending ? <Loading label={common("loading")} /> : null}
        {course.data && modules.length === 0 ? (
          <EmptyState title={t("noModules")}>{t("noModulesHint")}</EmptyState>
        ) : null}
        <ul className="flex flex-col gap-3">
          {modules.map((m) => (
            <Pregeneration
              key={m.id}
              moduleId={m.id}
              title={`${m.module_number}. ${pick(locale, m.title_fr, m.title_en)}`}
            />
          ))}
        </ul>
      </Card>
      <section aria-labelledby="generated-heading">
        <h2 id="generated-heading" className="mb-2 text-lg font-semibold">
          {t("generated")}
        </h2>
        <div className="mb-3 grid gap-3 sm:grid-cols-2">
          <SelectField
            label={t("type")}
            value={type}
            onChange={(e) => {
              setType(e.target.value);
              setPage(1);
            }}
          >
            <option value="">{common("all")}</option>
            {CONTENT_TYPES.map((c) => (
              <option key={c} value={c}>
                {t(`types.${c}`)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t("validation")}
            value={validated}
            onChange={(e) => {
              setValidated(e.target.value);
              setPage(1);
            }}
          >
            <option value="">{common("all")}</option>
            <option value="false">{t("toReview")}</option>
            <option value="true">{t("validatedFilter")}</option>
          </SelectField>
        </div>
        {list.error ? <ErrorBox message={problemOf(list.error)?.message ?? ""} /> : null}
        {list.data && list.data.items.length === 0 ? (
          <EmptyState title={t("empty")}>{t("emptyHint")}</EmptyState>
        ) : null}
        {list.data && list.data.items.length > 0 ? (
          <>
            <ul className="flex flex-col gap-2">
              {list.data.items.map((item) => {
                const unit = modules.find((m) => m.id === item.module_id);
                const open = selected === item.id;
                return (
                  <li
                    key={item.id}
                    className="rounded-lg border border-slate-300 bg-white"
                    data-content={item.content_type}
                  >
                    <button
                      type="button"
                      aria-expanded={open}
                      onClick={() => setSelected(open ? null : item.id)}
                      className="flex w-full flex-wrap items-center justify-between gap-2 p-3 text-left"
                    >
                      <span className="font-medium">
                        {t(`types.${item.content_type}`)} · {item.language.toUpperCase()} ·{" "}
                        {unit ? pick(locale, unit.title_fr, unit.title_en) : ""} · v{item.version}
                      </span>
                      <span className="flex items-center gap-2 text-xs text-slate-700">
                        {formatDate(item.generated_at, locale)}
                        <Badge
                          value={item.validated ? "done" : "draft"}
                          label={item.validated ? t("isValidated") : t("isToReview")}
                        />
                      </span>
                    </button>
                    {open ? (
                      <div className="border-t border-slate-200 p-3">
                        {detail.data && detail.data.id === item.id ? (
                          <>
                            <div className="mb-3 flex flex-wrap gap-2">
                              {detail.data.validated ? (
                                <Button
                                  tone="secondary"
                                  disabled={review.isPending}
                                  onClick={() => review.mutate({ id: item.id, validated: false })}
                                >
                                  {t("unvalidate")}
                                </Button>
                              ) : (
                                <Button
                                  disabled={review.isPending}
                                  onClick={() => review.mutate({ id: item.id, validated: true })}
                                >
                                  {t("validate")}
                                </Button>
                              )}
                              <Button
                                tone="secondary"
                                disabled={regenerate.isPending}
                                onClick={() => regenerate.mutate({ id: item.id })}
                              >
                                {t("regenerate")}
                              </Button>
                              {detail.data.offline ? <Badge value="offline" label={t("offline")} /> : null}
                            </div>
                            <ContentView
                              courseId={id}
                              type={detail.data.content_type}
                              content={detail.data.content}
                              sources={detail.data.sources_cited}
                            />
                          </>
                        ) : (
                          <Loading label={common("loading")} />
                        )}
                      </div>
                    ) : null}
                  </li>
                );
              })}
            </ul>
            <Pager
              page={page}
              total={list.data.total}
              limit={LIMIT}
              onPage={setPage}
              labels={{
                previous: common("previous"),
                next: common("next"),
                status: common("pageStatus", {
                  page,
                  pages: Math.max(1, Math.ceil(list.data.total / LIMIT)),
                  total: list.data.total,
                }),
              }}
            />
          </>
        ) : null}
      </section>
    </>
  );
}
