import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonSecondary, pageTitle } from "@/lib/styles";

export default async function NotFound() {
  const t = await getTranslations("errors");
  return (
    <div className="space-y-3">
      <h1 className={pageTitle}>{t("NOT_FOUND")}</h1>
      <Link href="/courses" prefetch={false} className={buttonSecondary}>
        {t("toCatalog")}
      </Link>
    </div>
  );
}
