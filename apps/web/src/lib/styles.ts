/** Shared class names: every tap target is at least 44 px high (min-h-11) and wide. */
export const button =
  "inline-flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-lg bg-brand px-4 py-2 font-semibold text-white hover:bg-brand-dark disabled:opacity-60";
export const buttonSecondary =
  "inline-flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-lg border border-brand bg-white px-4 py-2 font-semibold text-brand hover:bg-emerald-50 disabled:opacity-60";
export const input =
  "block min-h-11 w-full rounded-lg border border-slate-400 bg-white px-3 py-2 text-base focus:border-brand focus:outline-2 focus:outline-brand";
export const label = "mb-1 block font-medium";
export const card = "rounded-xl border border-slate-200 bg-white p-4";
export const link = "inline-flex min-h-11 items-center text-brand underline underline-offset-2";
/** A title that is a link: the whole line is the tap target. */
export const titleLink = "flex min-h-11 items-center text-brand underline-offset-2 hover:underline";
export const pageTitle = "mb-3 text-2xl font-bold";
export const muted = "text-slate-700";
