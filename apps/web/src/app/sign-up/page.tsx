import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { SignUp } from "@/components/auth/sign-up";
import { TrpcProvider } from "@/components/trpc-provider";
import { countryOptions } from "@/lib/server/countries";
import { labelsFor } from "@/lib/server/labels";
import { link, pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signUpTitle") };
}

export default async function SignUpPage() {
  const t = await getTranslations("auth");
  const locale = (await getLocale()) as "fr" | "en";
  return (
    <div className="space-y-4">
      <h1 className={pageTitle}>{t("signUpTitle")}</h1>
      <p>{t("signUpIntro")}</p>
      <TrpcProvider>
        <SignUp labels={await labelsFor("auth", "errors")} countries={countryOptions(locale)} language={locale} />
      </TrpcProvider>
      <p>
        {t("haveAccount")}{" "}
        <Link href="/sign-in" prefetch={false} className={link}>
          {t("signInTitle")}
        </Link>
      </p>
    </div>
  );
}
