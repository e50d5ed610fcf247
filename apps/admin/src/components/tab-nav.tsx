"use client";
/** Links to a section's pages as tabs; the current one is marked for assistive technology too. */
import Link from "next/link";
import { usePathname } from "next/navigation";

export function TabNav({ label, tabs }: { label: string; tabs: { href: string; label: string }[] }) {
  const path = usePathname();
  return (
    <nav aria-label={label} className="mb-4 overflow-x-auto border-b border-slate-300">
      <ul className="flex gap-1">
        {tabs.map((tab) => {
          const current = path === tab.href;
          return (
            <li key={tab.href}>
              <Link
                href={tab.href}
                aria-current={current ? "page" : undefined}
                className={`block border-b-2 px-3 py-2 text-sm whitespace-nowrap ${current ? "border-blue-700 font-semibold text-blue-900" : "border-transparent text-slate-800 hover:border-slate-400"}`}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
