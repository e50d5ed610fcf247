"use client";
/** The money back office: one heading, a tab per area (payments, SMS inbox, codes, offers, refunds, payouts). */
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { TabNav } from "@/components/tab-nav";
import { PageHeader } from "@/components/ui";

const TABS = [
  ["/payments", "payments"],
  ["/payments/sms", "sms"],
  ["/payments/codes", "codes"],
  ["/payments/offers", "offers"],
  ["/payments/refunds", "refunds"],
  ["/payments/payouts", "payouts"],
] as const;

export default function PaymentsLayout({ children }: { children: ReactNode }) {
  const t = useTranslations("payments");
  return (
    <>
      <PageHeader title={t("title")} />
      <TabNav label={t("tabsLabel")} tabs={TABS.map(([href, key]) => ({ href, label: t(`tabs.${key}`) }))} />
      {children}
    </>
  );
}
