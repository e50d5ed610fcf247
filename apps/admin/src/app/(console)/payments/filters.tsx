"use client";
/** The status and operator filters the payment lists share. */
import { PAYMENT_PROVIDERS } from "@sira/contracts";
import { useTranslations } from "next-intl";
import { SelectField } from "@/components/ui";
import { PROVIDER_NAMES } from "@/lib/format";

export function StatusFilter<S extends string>({
  statuses,
  value,
  onChange,
}: {
  statuses: readonly S[];
  value: S | "";
  onChange: (value: S | "") => void;
}) {
  const t = useTranslations("payments");
  const common = useTranslations("common");
  const label = useStatusLabel();
  return (
    <SelectField label={t("statusFilter")} value={value} onChange={(e) => onChange(e.target.value as S | "")}>
      <option value="">{common("all")}</option>
      {statuses.map((s) => (
        <option key={s} value={s}>
          {label(s)}
        </option>
      ))}
    </SelectField>
  );
}

export type Provider = (typeof PAYMENT_PROVIDERS)[number];

export function ProviderFilter({
  value,
  onChange,
}: {
  value: Provider | "";
  onChange: (value: Provider | "") => void;
}) {
  const t = useTranslations("payments");
  const common = useTranslations("common");
  return (
    <SelectField label={t("providerFilter")} value={value} onChange={(e) => onChange(e.target.value as Provider | "")}>
      <option value="">{common("all")}</option>
      {PAYMENT_PROVIDERS.map((p) => (
        <option key={p} value={p}>
          {PROVIDER_NAMES[p]}
        </option>
      ))}
    </SelectField>
  );
}

/** A status as a badge, in the admin's language. */
export function useStatusLabel() {
  const t = useTranslations("payments");
  return (status: string) => (t.has(`statuses.${status}`) ? t(`statuses.${status}`) : status);
}
