"use client";
/**
 * The bilingual course editor: French and English side by side, taxonomy, price, visibility and
 * (for admins) the marketplace flag and the owning expert. Checked with the API's own schemas before sending.
 */
import { type AdminCourse, createAdminCourseInput, updateAdminCourseInput } from "@sira/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { type ApiProblem, useTRPC } from "@/lib/trpc";
import { type FieldErrors, validate } from "@/lib/validate";
import { useAuth } from "./auth";
import { Button, Checkbox, ErrorBox, SelectField, TextArea, TextField } from "./ui";

type Values = {
  title_fr: string;
  title_en: string;
  description_fr: string;
  description_en: string;
  price_credits: string;
  estimated_hours: string;
  visibility: "public" | "private";
  is_marketplace: boolean;
  taxonomy_ids: string[];
  expert_id: string;
};

function initial(course?: AdminCourse): Values {
  return {
    title_fr: course?.title_fr ?? "",
    title_en: course?.title_en ?? "",
    description_fr: course?.description_fr ?? "",
    description_en: course?.description_en ?? "",
    price_credits: String(course?.price_credits ?? 0),
    estimated_hours: String(course?.estimated_hours ?? 0),
    visibility: course?.visibility ?? "public",
    is_marketplace: course?.is_marketplace ?? false,
    taxonomy_ids: course?.taxonomy.map((c) => c.id) ?? [],
    expert_id: course?.expert_id ?? "",
  };
}

/** What the form sends: blanks left out on create, cleared (null) descriptions on update. */
function payload(values: Values, isAdmin: boolean, editing: boolean) {
  const text = (v: string) => (v.trim() ? v.trim() : editing ? null : undefined);
  const number = (v: string) => (v.trim() === "" ? undefined : Number(v));
  return {
    ...(values.title_fr.trim() || editing ? { title_fr: values.title_fr.trim() || undefined } : {}),
    ...(values.title_en.trim() || editing ? { title_en: values.title_en.trim() || undefined } : {}),
    description_fr: text(values.description_fr),
    description_en: text(values.description_en),
    price_credits: number(values.price_credits),
    estimated_hours: number(values.estimated_hours),
    visibility: values.visibility,
    taxonomy_ids: values.taxonomy_ids,
    // The revenue split and the owning expert are the admin's to set.
    ...(isAdmin ? { is_marketplace: values.is_marketplace, expert_id: values.expert_id.trim() || null } : {}),
  };
}

export function CourseForm({
  course,
  busy,
  problem,
  onSubmit,
}: {
  course?: AdminCourse;
  busy: boolean;
  problem: ApiProblem | null;
  onSubmit: (input: Record<string, unknown>) => void;
}) {
  const t = useTranslations("courseForm");
  const locale = useLocale() as "fr" | "en";
  const auth = useAuth();
  const trpc = useTRPC();
  const taxonomy = useQuery(trpc.courses.taxonomy.queryOptions());
  const [values, setValues] = useState<Values>(() => initial(course));
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));
  const shown = { ...errors, ...(problem?.fields ?? {}) };

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = payload(values, auth.isAdmin, Boolean(course));
    const checked = validate(course ? updateAdminCourseInput : createAdminCourseInput, body, locale);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    onSubmit(checked.data as Record<string, unknown>);
  }

  const groups = taxonomy.data ? (["domain", "level", "audience"] as const) : [];
  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      <fieldset className="grid gap-4 md:grid-cols-2">
        <legend className="sr-only">{t("texts")}</legend>
        <div lang="fr" className="flex flex-col gap-3 rounded-lg border border-slate-300 bg-white p-3">
          <h2 className="font-semibold">{t("french")}</h2>
          <TextField
            label={t("titleFr")}
            name="title_fr"
            value={values.title_fr}
            onChange={(e) => set("title_fr", e.target.value)}
            error={shown.title_fr}
          />
          <TextArea
            label={t("descriptionFr")}
            name="description_fr"
            value={values.description_fr}
            onChange={(e) => set("description_fr", e.target.value)}
            error={shown.description_fr}
          />
        </div>
        <div lang="en" className="flex flex-col gap-3 rounded-lg border border-slate-300 bg-white p-3">
          <h2 className="font-semibold">{t("english")}</h2>
          <TextField
            label={t("titleEn")}
            name="title_en"
            value={values.title_en}
            onChange={(e) => set("title_en", e.target.value)}
            error={shown.title_en}
          />
          <TextArea
            label={t("descriptionEn")}
            name="description_en"
            value={values.description_en}
            onChange={(e) => set("description_en", e.target.value)}
            error={shown.description_en}
          />
        </div>
      </fieldset>
      <div className="grid gap-4 rounded-lg border border-slate-300 bg-white p-3 sm:grid-cols-2 lg:grid-cols-4">
        <TextField
          label={t("price")}
          name="price_credits"
          type="number"
          min={0}
          inputMode="numeric"
          value={values.price_credits}
          onChange={(e) => set("price_credits", e.target.value)}
          error={shown.price_credits}
        />
        <TextField
          label={t("hours")}
          name="estimated_hours"
          type="number"
          min={0}
          inputMode="numeric"
          value={values.estimated_hours}
          onChange={(e) => set("estimated_hours", e.target.value)}
          error={shown.estimated_hours}
        />
        <SelectField
          label={t("visibility")}
          name="visibility"
          value={values.visibility}
          onChange={(e) => set("visibility", e.target.value as Values["visibility"])}
        >
          <option value="public">{t("public")}</option>
          <option value="private">{t("private")}</option>
        </SelectField>
        {auth.isAdmin ? (
          <div className="flex items-end pb-2">
            <Checkbox
              label={t("marketplace")}
              name="is_marketplace"
              checked={values.is_marketplace}
              onChange={(e) => set("is_marketplace", e.target.checked)}
            />
          </div>
        ) : null}
        {auth.isAdmin ? (
          <div className="sm:col-span-2">
            <ExpertPicker value={values.expert_id} onChange={(id) => set("expert_id", id)} error={shown.expert_id} />
          </div>
        ) : null}
      </div>
      {groups.length ? (
        <fieldset className="rounded-lg border border-slate-300 bg-white p-3">
          <legend className="px-1 font-semibold">{t("taxonomy")}</legend>
          <div className="grid gap-3 sm:grid-cols-3">
            {groups.map((type) => (
              <div key={type}>
                <p className="mb-1 text-sm font-medium text-slate-800">{t(`taxonomyTypes.${type}`)}</p>
                {(taxonomy.data?.[type] ?? []).map((category) => (
                  <Checkbox
                    key={category.id}
                    label={locale === "en" ? category.label_en : category.label_fr}
                    checked={values.taxonomy_ids.includes(category.id)}
                    onChange={(e) =>
                      set(
                        "taxonomy_ids",
                        e.target.checked
                          ? [...values.taxonomy_ids, category.id]
                          : values.taxonomy_ids.filter((id) => id !== category.id),
                      )
                    }
                  />
                ))}
              </div>
            ))}
          </div>
          {shown.taxonomy_ids ? <p className="text-sm text-red-800">{shown.taxonomy_ids}</p> : null}
        </fieldset>
      ) : null}
      {shown._form ? <ErrorBox message={shown._form} /> : null}
      {problem ? <ErrorBox message={problem.message} /> : null}
      <div>
        <Button type="submit" disabled={busy}>
          {course ? t("save") : t("create")}
        </Button>
      </div>
    </form>
  );
}

/**
 * The owning expert, picked from the staff directory (experts by name, narrowed by the start of a
 * name or email): a search field and a native select, so keyboard and screen readers need nothing
 * special. An expert beyond the page shown stays selectable as the current one.
 */
function ExpertPicker({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (id: string) => void;
  error?: string | undefined;
}) {
  const t = useTranslations("courseForm");
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const experts = useQuery({
    ...trpc.admin.listUsers.queryOptions({
      role: "expert",
      page: 1,
      limit: 50,
      ...(search.trim() ? { search: search.trim() } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const items = experts.data?.items ?? [];
  const listed = items.some((u) => u.id === value);
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <TextField
        label={t("expertSearch")}
        hint={t("expertSearchHint")}
        type="search"
        autoComplete="off"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        // Enter narrows the list; it must not submit the course form around it.
        onKeyDown={(e) => {
          if (e.key === "Enter") e.preventDefault();
        }}
      />
      <SelectField
        label={t("expert")}
        name="expert_id"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        error={error}
      >
        <option value="">{t("expertNone")}</option>
        {value && !listed ? <option value={value}>{t("expertCurrent", { id: value.slice(0, 8) })}</option> : null}
        {items.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name} · {u.email}
          </option>
        ))}
      </SelectField>
    </div>
  );
}
