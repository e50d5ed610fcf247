"use client";
/** FR ⇄ EN: the choice is a cookie the server reads, so the next render is in the other language. */
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { LOCALE_COOKIE } from "@/i18n/locale";
import { Button } from "./ui";

export function LanguageSwitch() {
  const locale = useLocale();
  const t = useTranslations("common");
  const router = useRouter();
  const other = locale === "fr" ? "en" : "fr";
  return (
    <Button
      tone="secondary"
      lang={other}
      onClick={() => {
        // biome-ignore lint/suspicious/noDocumentCookie: a plain preference cookie, read by the server.
        document.cookie = `${LOCALE_COOKIE}=${other}; path=/; max-age=31536000; samesite=lax`;
        router.refresh();
      }}
    >
      {t("switchLanguage")}
    </Button>
  );
}
