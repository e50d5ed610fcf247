"use client";
import { BLOOM_LEVELS, type CourseStructure, CourseStructureSchema, UNIT_TYPES } from "@sira/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams, useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { ConfirmButton } from "@/components/confirm";
import { useNotice } from "@/components/notice";
import { Badge, Button, Card, EmptyState, ErrorBox, Loading, SelectField, TextField } from "@/components/ui";
import { formatDate } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";

type Module = CourseStructure["modules"][number];

export default function StructurePage() {
  const { id } = useParams<{ id: string }>();
  const t = useTranslations("structure");
  const common = useTranslations("common");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const router = useRouter();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const proposals = useQuery(trpc.admin.structure.list.queryOptions({ course_id: id, page: 1, limit: 5 }));
  const latest = proposals.data?.items[0];
  // The job runs on the worker: the newest proposal is read every second until it is ready or failed.
  const proposal = useQuery({
    ...trpc.admin.structure.get.queryOptions({ course_id: id, proposal_id: latest?.id ?? "" }),
    enabled: Boolean(latest),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === "queued" || status === "running" ? 1000 : false;
    },
  });
  const [draft, setDraft] = useState<CourseStructure | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  useEffect(() => {
    if (proposal.data?.status === "ready" && proposal.data.proposal) setDraft(structuredClone(proposal.data.proposal));
  }, [proposal.data?.status, proposal.data?.proposal]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.structure.pathKey() });
  const failed = (error: unknown) => notice("error", problemOf(error)?.message ?? "");
  const generate = useMutation(
    trpc.admin.structure.generate.mutationOptions({
      onSuccess: () => {
        notice("success", t("queued"));
        setDraft(null);
        void refresh();
      },
      onError: failed,
    }),
  );
  const accept = useMutation(
    trpc.admin.structure.accept.mutationOptions({
      onSuccess: (result) => {
        notice("success", t("accepted", { count: result.module_ids.length }));
        void refresh();
        void queryClient.invalidateQueries({ queryKey: trpc.admin.courses.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.courses.get.pathKey() });
        router.push(`/courses/${id}/content`);
      },
      onError: failed,
    }),
  );
  const reject = useMutation(
    trpc.admin.structure.reject.mutationOptions({
      onSuccess: () => {
        notice("success", t("rejected"));
        void refresh();
      },
      onError: failed,
    }),
  );

  const update = (index: number, change: Partial<Module>) =>
    setDraft((d) => (d ? { modules: d.modules.map((m, i) => (i === index ? { ...m, ...change } : m)) } : d));
  const updateUnit = (index: number, unit: number, change: Partial<Module["units"][number]>) =>
    update(index, {
      units: (draft?.modules[index]?.units ?? []).map((u, j) => (j === unit ? { ...u, ...change } : u)),
    });

  function submit() {
    if (!draft || !latest) return;
    const checked = validate(CourseStructureSchema, draft, locale);
    if (!checked.ok) {
      setErrors(checked.errors);
      notice("error", t("invalid"));
      return;
    }
    setErrors({});
    accept.mutate({ course_id: id, proposal_id: latest.id, proposal: checked.data });
  }

  const status = proposal.data?.status ?? latest?.status;
  return (
    <>
      <Card
        title={t("title")}
        actions={
          <Button
            onClick={() => generate.mutate({ course_id: id })}
            disabled={generate.isPending || status === "queued" || status === "running"}
          >
            {latest ? t("regenerate") : t("generate")}
          </Button>
        }
      >
        <p className="text-sm text-slate-700">{t("intro")}</p>
        {latest ? (
          <p className="mt-2 flex flex-wrap items-center gap-2 text-sm" data-testid="proposal-status">
            {t("latest", { date: formatDate(latest.created_at, locale) })}
            {status ? <Badge value={status} label={t(`statuses.${status}`)} /> : null}
          </p>
        ) : null}
        {proposal.data?.status === "failed" ? (
          <ErrorBox message={t("failedBecause", { reason: proposal.data.error ?? "" })} />
        ) : null}
      </Card>
      {proposals.isPending ? <Loading label={common("loading")} /> : null}
      {proposals.data && !latest ? <EmptyState title={t("empty")}>{t("emptyHint")}</EmptyState> : null}
      {status === "queued" || status === "running" ? <Loading label={t("working")} /> : null}
      {draft && proposal.data?.status === "ready" ? (
        <section aria-label={t("preview")}>
          <h2 className="mb-2 text-lg font-semibold">{t("preview")}</h2>
          <ol className="flex flex-col gap-4">
            {draft.modules.map((module, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a proposal's modules have no id until accepted.
              <li key={index} className="rounded-lg border border-slate-300 bg-white p-3">
                <h3 className="mb-2 font-semibold">{t("module", { number: index + 1 })}</h3>
                <div className="grid gap-3 md:grid-cols-2">
                  <TextField
                    lang="fr"
                    label={t("titleFr")}
                    value={module.title_fr}
                    onChange={(e) => update(index, { title_fr: e.target.value })}
                    error={errors[`modules.${index}.title_fr`]}
                  />
                  <TextField
                    lang="en"
                    label={t("titleEn")}
                    value={module.title_en}
                    onChange={(e) => update(index, { title_en: e.target.value })}
                    error={errors[`modules.${index}.title_en`]}
                  />
                  <TextField
                    label={t("hours")}
                    type="number"
                    min={1}
                    value={String(module.estimated_hours)}
                    onChange={(e) => update(index, { estimated_hours: Number(e.target.value) })}
                    error={errors[`modules.${index}.estimated_hours`]}
                  />
                  <SelectField
                    label={t("bloom")}
                    value={module.bloom_level}
                    onChange={(e) => update(index, { bloom_level: e.target.value as Module["bloom_level"] })}
                  >
                    {BLOOM_LEVELS.map((level) => (
                      <option key={level} value={level}>
                        {t(`blooms.${level}`)}
                      </option>
                    ))}
                  </SelectField>
                </div>
                {index > 0 ? (
                  <fieldset className="mt-3">
                    <legend className="text-sm font-medium">{t("prerequisites")}</legend>
                    <div className="flex flex-wrap gap-3">
                      {draft.modules.slice(0, index).map((earlier, e) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: positions are the prerequisites' identity.
                        <label key={e} className="flex items-center gap-1 text-sm">
                          <input
                            type="checkbox"
                            className="size-4 accent-blue-700"
                            checked={module.prerequisites.includes(e)}
                            onChange={(ev) =>
                              update(index, {
                                prerequisites: ev.target.checked
                                  ? [...module.prerequisites, e].sort()
                                  : module.prerequisites.filter((p) => p !== e),
                              })
                            }
                          />
                          {t("module", { number: e + 1 })}: {locale === "en" ? earlier.title_en : earlier.title_fr}
                        </label>
                      ))}
                    </div>
                  </fieldset>
                ) : null}
                <div className="mt-3">
                  <p className="text-sm font-medium">{t("sources")}</p>
                  <ul className="list-disc pl-5 text-sm text-slate-700">
                    {module.books_sources.resources.map((source) => (
                      <li key={source.resource_id}>
                        {source.filename}
                        {source.pages ? ` — ${t("pageRange", { from: source.pages.from, to: source.pages.to })}` : ""}
                        {source.chapters.length ? ` — ${source.chapters.join(", ")}` : ""}
                      </li>
                    ))}
                  </ul>
                </div>
                <div className="mt-3 overflow-x-auto">
                  <table className="w-full min-w-[36rem] text-left text-sm">
                    <caption className="sr-only">{t("units", { number: index + 1 })}</caption>
                    <thead>
                      <tr className="bg-slate-100">
                        <th scope="col" className="px-2 py-1">
                          {t("titleFr")}
                        </th>
                        <th scope="col" className="px-2 py-1">
                          {t("titleEn")}
                        </th>
                        <th scope="col" className="px-2 py-1">
                          {t("unitType")}
                        </th>
                        <th scope="col" className="px-2 py-1">
                          {t("minutes")}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {module.units.map((unit, u) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: a proposal's units have no id until accepted.
                        <tr key={u}>
                          <td className="px-2 py-1">
                            <input
                              lang="fr"
                              aria-label={`${t("titleFr")} ${index + 1}.${u + 1}`}
                              className="w-full rounded border border-slate-400 px-2 py-1"
                              value={unit.title_fr}
                              onChange={(e) => updateUnit(index, u, { title_fr: e.target.value })}
                            />
                          </td>
                          <td className="px-2 py-1">
                            <input
                              lang="en"
                              aria-label={`${t("titleEn")} ${index + 1}.${u + 1}`}
                              className="w-full rounded border border-slate-400 px-2 py-1"
                              value={unit.title_en}
                              onChange={(e) => updateUnit(index, u, { title_en: e.target.value })}
                            />
                          </td>
                          <td className="px-2 py-1">
                            <select
                              aria-label={`${t("unitType")} ${index + 1}.${u + 1}`}
                              className="rounded border border-slate-400 px-2 py-1"
                              value={unit.unit_type}
                              onChange={(e) =>
                                updateUnit(index, u, { unit_type: e.target.value as (typeof UNIT_TYPES)[number] })
                              }
                            >
                              {UNIT_TYPES.map((type) => (
                                <option key={type} value={type}>
                                  {t(`unitTypes.${type}`)}
                                </option>
                              ))}
                            </select>
                          </td>
                          <td className="px-2 py-1">
                            <input
                              type="number"
                              min={1}
                              aria-label={`${t("minutes")} ${index + 1}.${u + 1}`}
                              className="w-20 rounded border border-slate-400 px-2 py-1"
                              value={unit.estimated_minutes}
                              onChange={(e) => updateUnit(index, u, { estimated_minutes: Number(e.target.value) })}
                            />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </li>
            ))}
          </ol>
          <div className="mt-4 flex flex-wrap gap-2">
            <ConfirmButton
              label={t("accept")}
              title={t("acceptTitle")}
              body={t("acceptBody", { count: draft.modules.length })}
              confirm={t("accept")}
              disabled={accept.isPending}
              onConfirm={submit}
            />
            <ConfirmButton
              label={t("reject")}
              title={t("rejectTitle")}
              body={t("rejectBody")}
              confirm={t("reject")}
              tone="danger"
              disabled={reject.isPending}
              onConfirm={() => latest && reject.mutate({ course_id: id, proposal_id: latest.id })}
            />
          </div>
        </section>
      ) : null}
    </>
  );
}
