/** The console's small set of accessible building blocks, styled with Tailwind. */
import Link from "next/link";
import type {
  ComponentProps,
  InputHTMLAttributes,
  ReactNode,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from "react";
import { useId } from "react";

type Tone = "primary" | "secondary" | "danger" | "ghost";
const TONES: Record<Tone, string> = {
  primary: "bg-blue-700 text-white hover:bg-blue-800 disabled:bg-slate-400",
  secondary: "border border-slate-400 bg-white text-slate-900 hover:bg-slate-100 disabled:text-slate-500",
  danger: "bg-red-700 text-white hover:bg-red-800 disabled:bg-slate-400",
  ghost: "text-blue-800 underline-offset-2 hover:underline disabled:text-slate-500",
};
const BUTTON =
  "inline-flex min-h-11 items-center justify-center gap-2 rounded-md px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:cursor-not-allowed";

export function Button({ tone = "primary", className = "", ...props }: ComponentProps<"button"> & { tone?: Tone }) {
  return <button type="button" className={`${BUTTON} ${TONES[tone]} ${className}`} {...props} />;
}

export function LinkButton({ href, tone = "secondary", children }: { href: string; tone?: Tone; children: ReactNode }) {
  return (
    <Link href={href} className={`${BUTTON} ${TONES[tone]}`}>
      {children}
    </Link>
  );
}

const CONTROL =
  "block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900 focus:border-blue-700 focus:outline-2 focus:outline-blue-700 aria-invalid:border-red-700";

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
}

function FieldFrame({ id, label, error, hint, children }: FieldProps & { id: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-800" data-field-error>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function described(id: string, error?: string, hint?: string): string | undefined {
  if (error) return `${id}-error`;
  return hint ? `${id}-hint` : undefined;
}

export function TextField({ label, error, hint, ...props }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const id = props.id ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        className={CONTROL}
        aria-invalid={error ? true : undefined}
        aria-describedby={described(id, error, hint)}
        {...props}
      />
    </FieldFrame>
  );
}

export function TextArea({ label, error, hint, ...props }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const id = props.id ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <textarea
        id={id}
        rows={4}
        className={CONTROL}
        aria-invalid={error ? true : undefined}
        aria-describedby={described(id, error, hint)}
        {...props}
      />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  error,
  hint,
  children,
  ...props
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const id = props.id ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <select
        id={id}
        className={CONTROL}
        aria-invalid={error ? true : undefined}
        aria-describedby={described(id, error, hint)}
        {...props}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

export function Checkbox({ label, ...props }: { label: string } & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const id = props.id ?? auto;
  return (
    <div className="flex items-center gap-2">
      <input id={id} type="checkbox" className="size-4 accent-blue-700" {...props} />
      <label htmlFor={id} className="text-sm text-slate-800">
        {label}
      </label>
    </div>
  );
}

/** The page's name, as its heading and as the document title (React hoists <title> into the head). */
export function DocumentTitle({ title }: { title: string }) {
  return <title>{`${title} · Sira`}</title>;
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
      <DocumentTitle title={title} />
      <h1 className="text-2xl font-semibold text-slate-900">{title}</h1>
      {children ? <div className="flex flex-wrap gap-2">{children}</div> : null}
    </div>
  );
}

export function Card({ title, children, actions }: { title?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="mb-4 rounded-lg border border-slate-300 bg-white p-4" aria-label={title}>
      {title || actions ? (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title ? <h2 className="text-lg font-semibold text-slate-900">{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}

const BADGES: Record<string, string> = {
  draft: "bg-amber-100 text-amber-900",
  published: "bg-emerald-100 text-emerald-900",
  archived: "bg-slate-200 text-slate-800",
  done: "bg-emerald-100 text-emerald-900",
  ready: "bg-emerald-100 text-emerald-900",
  accepted: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
  rejected: "bg-red-100 text-red-900",
  queued: "bg-sky-100 text-sky-900",
  running: "bg-sky-100 text-sky-900",
  confirmed: "bg-emerald-100 text-emerald-900",
  matched: "bg-emerald-100 text-emerald-900",
  paid: "bg-emerald-100 text-emerald-900",
  open: "bg-sky-100 text-sky-900",
  review: "bg-amber-100 text-amber-900",
  requested: "bg-amber-100 text-amber-900",
  pending: "bg-amber-100 text-amber-900",
};

export function Badge({ value, label }: { value: string; label?: string }) {
  return (
    <span
      className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${BADGES[value] ?? "bg-slate-100 text-slate-800"}`}
      data-status={value}
    >
      {label ?? value}
    </span>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-400 bg-white p-6 text-center">
      <p className="font-medium text-slate-900">{title}</p>
      {children ? <div className="mt-2 text-sm text-slate-700">{children}</div> : null}
    </div>
  );
}

export function ErrorBox({ message }: { message: string }) {
  return (
    <p role="alert" className="rounded-md border border-red-700 bg-red-50 px-3 py-2 text-sm text-red-900">
      {message}
    </p>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p role="status" className="text-sm text-slate-700">
      {label}
    </p>
  );
}

export function ProgressBar({ value, label, max = 100 }: { value: number; label: string; max?: number }) {
  const pct = Math.round((Math.min(value, max) / max) * 100);
  return (
    <div className="flex flex-col gap-1">
      <div className="flex justify-between text-xs text-slate-700">
        <span>{label}</span>
        <span>{pct} %</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="h-2 w-full overflow-hidden rounded bg-slate-200"
      >
        <div className="h-full bg-blue-700 transition-[width]" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

/** Server paging: the API's `{page, limit, total, has_more}` envelope drives it. */
export function Pager({
  page,
  total,
  limit,
  onPage,
  labels,
}: {
  page: number;
  total: number;
  limit: number;
  onPage: (page: number) => void;
  labels: { previous: string; next: string; status: string };
}) {
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav aria-label={labels.status} className="mt-3 flex items-center justify-between gap-2 text-sm">
      <Button tone="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {labels.previous}
      </Button>
      <span className="text-slate-700">{labels.status}</span>
      <Button tone="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {labels.next}
      </Button>
    </nav>
  );
}

/** A table that scrolls sideways on a narrow screen instead of squeezing its columns. */
export function Table({ caption, head, children }: { caption: string; head: ReactNode; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-300 bg-white">
      <table className="w-full min-w-[36rem] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100 text-slate-800">{head}</thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
    </div>
  );
}
