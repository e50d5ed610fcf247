"use client";
/**
 * Platform settings as a typed form: each key's input follows its schema in the contracts registry
 * (number, boolean, language, or JSON for structured values) and is checked by it before saving.
 */
import { isPlatformSettingKey, PLATFORM_SETTINGS, type PlatformSetting } from "@sira/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { useNotice } from "@/components/notice";
import {
  Badge,
  Button,
  Checkbox,
  ErrorBox,
  Loading,
  PageHeader,
  SelectField,
  TextArea,
  TextField,
} from "@/components/ui";
import { formatDate } from "@/lib/format";
import { problemOf, useTRPC } from "@/lib/trpc";
import { validate } from "@/lib/validate";

function kindOf(value: unknown): "number" | "boolean" | "language" | "json" {
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  if (value === "fr" || value === "en") return "language";
  return "json";
}

function SettingForm({
  setting,
}: {
  setting: Omit<PlatformSetting, "value" | "default"> & { value?: unknown; default?: unknown };
}) {
  const t = useTranslations("settings");
  const locale = useLocale() as "fr" | "en";
  const trpc = useTRPC();
  const notice = useNotice();
  const queryClient = useQueryClient();
  const kind = kindOf(setting.default);
  const [raw, setRaw] = useState(() =>
    kind === "json" ? JSON.stringify(setting.value, null, 2) : String(setting.value),
  );
  const [error, setError] = useState<string | null>(null);
  const done = (message: string) => {
    notice("success", message);
    void queryClient.invalidateQueries({ queryKey: trpc.admin.settings.pathKey() });
  };
  const failed = (e: unknown) => {
    setError(problemOf(e)?.fields.value ?? problemOf(e)?.message ?? "");
    notice("error", problemOf(e)?.message ?? "");
  };
  const update = useMutation(
    trpc.admin.settings.update.mutationOptions({ onSuccess: () => done(t("saved")), onError: failed }),
  );
  const reset = useMutation(
    trpc.admin.settings.reset.mutationOptions({ onSuccess: () => done(t("resetDone")), onError: failed }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!isPlatformSettingKey(setting.key)) return;
    let value: unknown = raw;
    if (kind === "number") value = raw.trim() === "" ? Number.NaN : Number(raw);
    if (kind === "boolean") value = raw === "true";
    if (kind === "json") {
      try {
        value = JSON.parse(raw);
      } catch {
        return setError(t("badJson"));
      }
    }
    const checked = validate(PLATFORM_SETTINGS[setting.key].schema, value, locale);
    if (!checked.ok) return setError(Object.values(checked.errors)[0] ?? "");
    setError(null);
    update.mutate({ key: setting.key, value: checked.data });
  }
  const label = setting.key;
  return (
    <form
      onSubmit={submit}
      noValidate
      className="flex flex-col gap-2 rounded-lg border border-slate-300 bg-white p-3"
      data-setting={setting.key}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <code className="text-sm font-semibold">{setting.key}</code>
        <Badge
          value={setting.source === "stored" ? "done" : "archived"}
          label={setting.source === "stored" ? t("stored") : t("default")}
        />
      </div>
      <p className="text-sm text-slate-700">{setting.description}</p>
      {kind === "boolean" ? (
        <Checkbox label={t("enabled")} checked={raw === "true"} onChange={(e) => setRaw(String(e.target.checked))} />
      ) : kind === "language" ? (
        <SelectField label={label} value={raw} onChange={(e) => setRaw(e.target.value)} error={error ?? undefined}>
          <option value="fr">Français</option>
          <option value="en">English</option>
        </SelectField>
      ) : kind === "number" ? (
        <TextField
          label={label}
          type="number"
          inputMode="numeric"
          value={raw}
          onChange={(e) => setRaw(e.target.value)}
          error={error ?? undefined}
        />
      ) : (
        <TextArea
          label={label}
          value={raw}
          onChange={(e) => setRaw(e.target.value)}
          error={error ?? undefined}
          rows={4}
          className="font-mono"
        />
      )}
      {kind === "boolean" && error ? <ErrorBox message={error} /> : null}
      <p className="text-xs text-slate-700">
        {t("defaultIs", { value: JSON.stringify(setting.default) })}
        {setting.updated_at ? ` · ${t("changed", { date: formatDate(setting.updated_at, locale) })}` : ""}
      </p>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={update.isPending}>
          {t("save")}
        </Button>
        {setting.source === "stored" ? (
          <Button tone="secondary" disabled={reset.isPending} onClick={() => reset.mutate({ key: setting.key })}>
            {t("reset")}
          </Button>
        ) : null}
      </div>
    </form>
  );
}

export default function SettingsPage() {
  const t = useTranslations("settings");
  const common = useTranslations("common");
  const trpc = useTRPC();
  const settings = useQuery(trpc.admin.settings.list.queryOptions());
  return (
    <>
      <PageHeader title={t("title")} />
      {settings.error ? <ErrorBox message={problemOf(settings.error)?.message ?? ""} /> : null}
      {settings.isPending ? <Loading label={common("loading")} /> : null}
      <div className="grid gap-3 lg:grid-cols-2">
        {(settings.data?.items ?? []).map((s) => (
          <SettingForm key={`${s.key}:${s.updated_at ?? "default"}`} setting={s} />
        ))}
      </div>
    </>
  );
}
