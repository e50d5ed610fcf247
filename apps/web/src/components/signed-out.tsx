/** What a signed-in page shows to someone signed out: where to sign in, coming back here after. */
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { button } from "@/lib/styles";
import { EmptyState } from "./ui";

export async function SignedOutNotice({ next }: { next: string }) {
  const t = await getTranslations("auth");
  // Transient: the service worker never keeps it over a learner's copy of the page (sw.ts).
  return (
    <div data-transient="1">
      <EmptyState title={t("signedOut")}>
        <Link href={`/sign-in?next=${encodeURIComponent(next)}`} prefetch={false} className={`${button} mt-2`}>
          {t("signInTitle")}
        </Link>
      </EmptyState>
    </div>
  );
}
