import type { Metadata, Viewport } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getLocale } from "next-intl/server";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { publicApiUrl } from "@/lib/server/api";
import "./globals.css";

// Each page names itself with a React <title> (PageHeader), which also holds after client navigations.
export const metadata: Metadata = { robots: { index: false, follow: false } };

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  return (
    <html lang={locale}>
      <body>
        <NextIntlClientProvider>
          {/* Read per request, so one build serves any API address. */}
          <Providers apiUrl={publicApiUrl()}>{children}</Providers>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
