/**
 * The signed-in learner as the server sees a page request: the access cookie (or the token proxy.ts
 * just renewed). The API verifies the token on every call; this only reads who it names.
 */
import type { AppRouter } from "@sira/api/router";
import { createTRPCClient, httpLink } from "@trpc/client";
import { cookies, headers } from "next/headers";
import { getLocale } from "next-intl/server";
import { ACCESS_COOKIE, apiUrl } from "./api";
import { SERVER_TOKEN_HEADER } from "./header";

export interface ServerUser {
  id: string;
  role: "learner" | "expert" | "admin";
  preferredLanguage: "fr" | "en";
}

export async function serverToken(): Promise<string | null> {
  return (await headers()).get(SERVER_TOKEN_HEADER) ?? (await cookies()).get(ACCESS_COOKIE)?.value ?? null;
}

function claimsOf(token: string): ServerUser | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      sub?: string;
      role?: ServerUser["role"];
      preferred_language?: ServerUser["preferredLanguage"];
      exp?: number;
    };
    if (!payload.sub || !payload.exp || payload.exp * 1000 < Date.now()) return null;
    return { id: payload.sub, role: payload.role ?? "learner", preferredLanguage: payload.preferred_language ?? "fr" };
  } catch {
    return null;
  }
}

/** Who is signed in, from the token's claims (null when signed out or the token has lapsed). */
export async function serverUser(): Promise<ServerUser | null> {
  const token = await serverToken();
  return token ? claimsOf(token) : null;
}

/** The typed API as the signed-in learner (or anonymous), in the page's language. */
export async function serverApi() {
  const token = await serverToken();
  const language = await getLocale();
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${apiUrl()}/trpc`,
        headers: () => ({
          "accept-language": language,
          ...(token && claimsOf(token) ? { authorization: `Bearer ${token}` } : {}),
        }),
        fetch: (url, init) => fetch(url, { ...(init as RequestInit), cache: "no-store" }),
      }),
    ],
  });
}
