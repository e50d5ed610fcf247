"use client";
/** The console's frame: skip link, navigation by role, language switch, the account and sign-out. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { useAuth } from "./auth";
import { LanguageSwitch } from "./language-switch";
import { Button } from "./ui";

const LINKS = [
  { href: "/courses", key: "courses", admin: false },
  { href: "/curricula", key: "curricula", admin: true },
  { href: "/groups", key: "groups", admin: true },
  { href: "/taxonomy", key: "taxonomy", admin: true },
  { href: "/analytics", key: "analytics", admin: false },
  { href: "/payments", key: "payments", admin: true },
  { href: "/audit", key: "audit", admin: true },
  { href: "/settings", key: "settings", admin: true },
  { href: "/account", key: "account", admin: false },
] as const;

export function Shell({ children }: { children: ReactNode }) {
  const t = useTranslations("nav");
  const auth = useAuth();
  const trpc = useTRPC();
  const path = usePathname();
  const [open, setOpen] = useState(false);
  const me = useQuery(trpc.users.me.queryOptions());
  const links = LINKS.filter((l) => auth.isAdmin || !l.admin);
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only z-50 rounded bg-white px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        {t("skip")}
      </a>
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-300 bg-white px-4 py-2">
        <div className="flex items-center gap-2">
          <Button
            tone="secondary"
            className="md:hidden"
            aria-expanded={open}
            aria-controls="console-nav"
            onClick={() => setOpen(!open)}
          >
            {t("menu")}
          </Button>
          <Link href="/courses" className="text-lg font-semibold text-blue-800">
            {t("brand")}
          </Link>
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-slate-700" data-testid="who">
            {me.data
              ? `${me.data.name} · ${t(`role.${auth.user?.role ?? "expert"}`)}`
              : t(`role.${auth.user?.role ?? "expert"}`)}
          </span>
          <LanguageSwitch />
          <Button tone="secondary" onClick={() => void auth.signOut()}>
            {t("signOut")}
          </Button>
        </div>
      </header>
      <div className="md:flex">
        <nav
          id="console-nav"
          aria-label={t("label")}
          className={`${open ? "block" : "hidden"} border-b border-slate-300 bg-white md:block md:min-h-[calc(100vh-3.5rem)] md:w-52 md:border-r md:border-b-0`}
        >
          <ul className="flex flex-col p-2">
            {links.map((link) => {
              const current = path === link.href || path.startsWith(`${link.href}/`);
              return (
                <li key={link.href}>
                  <Link
                    href={link.href}
                    aria-current={current ? "page" : undefined}
                    onClick={() => setOpen(false)}
                    className={`block rounded-md px-3 py-2 text-sm ${current ? "bg-blue-50 font-semibold text-blue-900" : "text-slate-800 hover:bg-slate-100"}`}
                  >
                    {t(link.key)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 p-4 md:p-6">
          {children}
        </main>
      </div>
    </div>
  );
}
