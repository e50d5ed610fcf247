/** What the service worker shows for a page never opened while online. Static: precached at install. */
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { buttonSecondary, pageTitle } from "@/lib/styles";

export default async function OfflinePage() {
  const t = await getTranslations("offline");
  return (
    <div className="space-y-3">
      <h1 className={pageTitle}>{t("title")}</h1>
      <p>{t("text")}</p>
      <Link href="/" prefetch={false} className={buttonSecondary}>
        {t("home")}
      </Link>
    </div>
  );
}
