import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Recover } from "@/components/auth/recover";
import { labelsFor } from "@/lib/server/labels";
import { pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("recoverTitle"), referrer: "no-referrer" };
}

export default async function RecoverPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const t = await getTranslations("auth");
  const { token } = await searchParams;
  // With a magic link's token: transient, so the service worker never keeps the page (and its token).
  return (
    <div className="space-y-4" {...(token ? { "data-transient": "1" } : {})}>
      <h1 className={pageTitle}>{t("recoverTitle")}</h1>
      <Recover labels={await labelsFor("auth", "errors")} {...(token ? { token } : {})} />
    </div>
  );
}
