/**
 * The app shell: a header with the main places, the sync indicator and the page. Server-rendered;
 * only the indicator and the interactive parts of each page run in the browser.
 */
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { labelsFor } from "@/lib/server/labels";
import { serverUser } from "@/lib/server/session";
import { AppRuntime } from "./providers";
import { SyncIndicator } from "./sync-indicator";

export async function Shell({ children }: { children: ReactNode }) {
  const t = await getTranslations("nav");
  const user = await serverUser();
  const link = "flex min-h-11 items-center rounded px-2 font-medium text-brand hover:bg-emerald-50";
  return (
    <>
      <AppRuntime userId={user?.id ?? null} />
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        {t("skip")}
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-3xl flex-wrap items-center gap-x-1 gap-y-1 px-3 py-1">
          <Link
            href="/"
            prefetch={false}
            className="mr-auto flex min-h-11 min-w-11 items-center text-lg font-bold text-brand"
          >
            Sira
          </Link>
          <SyncIndicator labels={await labelsFor("sync")} />
        </div>
        <nav aria-label={t("label")} className="mx-auto flex max-w-3xl flex-wrap gap-x-1 px-2 pb-1 text-[0.95rem]">
          <Link href="/courses" prefetch={false} className={link}>
            {t("catalog")}
          </Link>
          {user ? (
            <>
              <Link href="/review" prefetch={false} className={link}>
                {t("review")}
              </Link>
              <Link href="/tutor" prefetch={false} className={link}>
                {t("tutor")}
              </Link>
              <Link href="/profile" prefetch={false} className={link}>
                {t("profile")}
              </Link>
            </>
          ) : (
            <>
              <Link href="/sign-in" prefetch={false} className={link}>
                {t("signIn")}
              </Link>
              <Link href="/sign-up" prefetch={false} className={link}>
                {t("signUp")}
              </Link>
            </>
          )}
        </nav>
      </header>
      <main id="main" className="mx-auto max-w-3xl px-4 py-4">
        {children}
      </main>
    </>
  );
}
