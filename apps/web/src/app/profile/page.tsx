import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { ProfileForm } from "@/components/profile/profile-form";
import { SignedOutNotice } from "@/components/signed-out";
import { TrpcProvider } from "@/components/trpc-provider";
import { countryOptions } from "@/lib/server/countries";
import { labelsFor } from "@/lib/server/labels";
import { saveData } from "@/lib/server/preferences";
import { serverUser } from "@/lib/server/session";
import { pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("profile"))("title") };
}

export default async function ProfilePage() {
  const t = await getTranslations("profile");
  if (!(await serverUser())) return <SignedOutNotice next="/profile" />;
  return (
    <div className="space-y-3">
      <h1 className={pageTitle}>{t("title")}</h1>
      <TrpcProvider>
        <ProfileForm
          labels={await labelsFor("profile", "auth", "errors")}
          countries={countryOptions(await getLocale())}
          saveData={await saveData()}
        />
      </TrpcProvider>
    </div>
  );
}
