import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { SignIn } from "@/components/auth/sign-in";
import { labelsFor } from "@/lib/server/labels";
import { link, pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signInTitle") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const t = await getTranslations("auth");
  const { next } = await searchParams;
  return (
    <div className="space-y-4">
      <h1 className={pageTitle}>{t("signInTitle")}</h1>
      <SignIn labels={await labelsFor("auth", "errors")} {...(next ? { next } : {})} />
      <p>
        <Link href="/recover" prefetch={false} className={link}>
          {t("lostAuthenticator")}
        </Link>
      </p>
      <p>
        {t("noAccount")}{" "}
        <Link href="/sign-up" prefetch={false} className={link}>
          {t("signUpTitle")}
        </Link>
      </p>
    </div>
  );
}
