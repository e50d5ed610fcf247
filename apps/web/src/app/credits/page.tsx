import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Credits } from "@/components/credits/credits";
import { SignedOutNotice } from "@/components/signed-out";
import { TrpcProvider } from "@/components/trpc-provider";
import { labelsFor } from "@/lib/server/labels";
import { serverApi, serverUser } from "@/lib/server/session";
import { pageTitle } from "@/lib/styles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("credits"))("title") };
}

export default async function CreditsPage({ searchParams }: { searchParams: Promise<{ course?: string }> }) {
  const t = await getTranslations("credits");
  const { course } = await searchParams;
  const slug = course && /^[a-z0-9-]{1,120}$/.test(course) ? course : null;
  if (!(await serverUser())) return <SignedOutNotice next={`/credits${slug ? `?course=${slug}` : ""}`} />;
  // The course a link names is bought only under its own title and price, read here, not from the link.
  const found = slug ? await (await serverApi()).courses.get.query({ id_or_slug: slug }).catch(() => null) : null;
  return (
    <div className="space-y-3">
      <h1 className={pageTitle}>{t("title")}</h1>
      <TrpcProvider>
        <Credits
          course={found ? { slug: found.slug, title: found.title, price: found.price_credits } : null}
          labels={await labelsFor("credits", "errors")}
        />
      </TrpcProvider>
    </div>
  );
}
