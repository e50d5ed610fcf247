/** Small building blocks usable from server and client components alike. */
import type { ReactNode } from "react";

export function EmptyState({ title, children }: { title: string | undefined; children?: ReactNode }) {
  return (
    <div className="rounded-xl border border-dashed border-slate-300 bg-slate-50 p-4 text-center" data-testid="empty">
      <p className="font-semibold">{title}</p>
      {children ? <div className="mt-1 text-slate-700">{children}</div> : null}
    </div>
  );
}

export function Alert({ tone = "error", children }: { tone?: "error" | "info" | "success"; children: ReactNode }) {
  const colors = {
    error: "border-red-300 bg-red-50 text-red-900",
    info: "border-sky-300 bg-sky-50 text-sky-900",
    success: "border-emerald-300 bg-emerald-50 text-emerald-900",
  }[tone];
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`rounded-lg border p-3 ${colors}`}>
      {children}
    </div>
  );
}

/** A progress bar with its value spoken, e.g. a module's completion. */
export function Progress({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      role="progressbar"
      aria-valuenow={pct}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-label={label}
      className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
    >
      <div className="h-full bg-brand" style={{ width: `${pct}%` }} />
    </div>
  );
}
