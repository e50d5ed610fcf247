/** next-intl without locale routing: the language cookie, else Accept-Language, else French. */
import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALE_COOKIE, resolveLocale } from "./locale";

export default getRequestConfig(async () => {
  const locale = resolveLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get("accept-language"));
  const messages = (await import(`../../messages/${locale}.json`)).default;
  return { locale, messages };
});
