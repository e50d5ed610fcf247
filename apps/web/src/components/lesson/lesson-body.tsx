/**
 * A lesson's text and its sources. Each marker `[n]` is a link to its source below (which works
 * before any script runs); in the browser, LessonTools also shows the source and page in place.
 */
import type { CiteRef } from "@/lib/citations";
import { Markdown } from "@/lib/markdown";

export interface LessonBodyLabels {
  source: string;
  page: string;
  sources: string;
}

export function LessonBody({
  markdown,
  refs,
  labels,
}: {
  markdown: string;
  refs: CiteRef[];
  labels: LessonBodyLabels;
}) {
  const known = new Set(refs.map((r) => r.n));
  return (
    <>
      <div className="prose" data-testid="lesson-text">
        <Markdown
          text={markdown}
          skipTitle
          cite={(n, key) =>
            known.has(n) || refs.length === 0 ? (
              <a key={key} href={`#src-${n}`} className="cite" data-cite={n} aria-label={`${labels.source} ${n}`}>
                {n}
              </a>
            ) : (
              <sup key={key}>[{n}]</sup>
            )
          }
        />
      </div>
      {refs.length ? (
        <section aria-labelledby="sources-title" className="mt-6 border-t border-slate-200 pt-3">
          <h2 id="sources-title" className="text-lg font-semibold">
            {labels.sources}
          </h2>
          <ol className="mt-1 space-y-1 text-sm" data-testid="sources">
            {refs.map((ref) => (
              <li key={ref.n} id={`src-${ref.n}`} className="rounded p-1">
                <span className="font-semibold">[{ref.n}]</span> {ref.source}
                {ref.page !== null ? `, ${labels.page} ${ref.page}` : ""}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </>
  );
}
