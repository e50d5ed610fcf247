"use client";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type ReactNode, useEffect } from "react";
import { useAuth } from "@/components/auth";
import { Shell } from "@/components/shell";
import { DocumentTitle, Loading } from "@/components/ui";

/** Every console page needs a signed-in admin or expert; others go to the sign-in page. */
export default function ConsoleLayout({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const router = useRouter();
  const path = usePathname();
  const t = useTranslations("common");
  useEffect(() => {
    if (auth.status === "signed-out") router.replace(`/sign-in?next=${encodeURIComponent(path)}`);
  }, [auth.status, router, path]);
  if (auth.status !== "signed-in") {
    return (
      <main id="main" className="p-6">
        <DocumentTitle title={t("loading")} />
        <Loading label={t("loading")} />
      </main>
    );
  }
  return <Shell>{children}</Shell>;
}
