"use client";
/** A generated lesson, quiz, flashcard deck or case study, readable, with its citations clickable. */
import type { SourceRef } from "@sira/contracts";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { Fragment, type ReactNode, useState } from "react";
import { problemOf, useTRPC } from "@/lib/trpc";
import { Sheet } from "./confirm";
import { ErrorBox, Loading } from "./ui";

type Json = Record<string, unknown>;

/** Turns `[n]` markers into buttons that open source n. */
function Cited({ text, onCite }: { text: string; onCite: (n: number) => void }) {
  // Each part is keyed by where it starts in the text: stable, since the text never changes in place.
  let offset = 0;
  const parts = text.split(/(\[\d+\])/g).map((part) => {
    const start = offset;
    offset += part.length;
    return { part, start };
  });
  return (
    <>
      {parts.map(({ part, start }) => {
        const n = /^\[(\d+)\]$/.exec(part)?.[1];
        return n ? (
          <button
            key={start}
            type="button"
            onClick={() => onCite(Number(n))}
            className="mx-0.5 rounded px-1 text-blue-800 underline underline-offset-2 hover:bg-blue-50"
            data-citation={n}
          >
            {part}
          </button>
        ) : (
          <Fragment key={start}>{part}</Fragment>
        );
      })}
    </>
  );
}

function Paragraphs({ text, onCite }: { text: string; onCite: (n: number) => void }) {
  return (
    <>
      {text
        .split(/\n{2,}/)
        .filter((p) => p.trim())
        .map((p, i) => {
          const heading = /^(#{1,6})\s+(.*)$/.exec(p.trim());
          return heading ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the text's parts never move.
            <h4 key={i} className="mt-3 font-semibold">
              {heading[2]}
            </h4>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: the text's parts never move.
            <p key={i} className="mt-2 whitespace-pre-line">
              <Cited text={p} onCite={onCite} />
            </p>
          );
        })}
    </>
  );
}

function Body({ type, content, onCite }: { type: string; content: Json; onCite: (n: number) => void }): ReactNode {
  const t = useTranslations("review");
  if (type === "lesson") return <Paragraphs text={String(content.markdown ?? "")} onCite={onCite} />;
  if (type === "quiz") {
    const questions = (content.questions ?? []) as {
      question: string;
      options: string[];
      correct_index: number;
      explanation: string;
      source: number;
    }[];
    return (
      <ol className="list-decimal space-y-3 pl-5">
        {questions.map((q, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: questions are listed in their stored order.
          <li key={i}>
            <p className="font-medium">{q.question}</p>
            <ul className="mt-1 space-y-0.5 text-sm">
              {q.options.map((option, o) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: options are listed in their stored order.
                <li key={o} className={o === q.correct_index ? "font-semibold text-emerald-900" : ""}>
                  {String.fromCharCode(65 + o)}. {option} {o === q.correct_index ? `(${t("correct")})` : ""}
                </li>
              ))}
            </ul>
            <p className="mt-1 text-sm text-slate-700">
              <Cited text={`${q.explanation} [${q.source}]`} onCite={onCite} />
            </p>
          </li>
        ))}
      </ol>
    );
  }
  if (type === "flashcard") {
    const cards = (content.cards ?? []) as {
      term_fr: string;
      term_en: string;
      definition_fr: string;
      definition_en: string;
      example: string;
      source: number;
    }[];
    return (
      <ul className="grid gap-3 sm:grid-cols-2">
        {cards.map((card, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: cards are listed in their stored order.
          <li key={i} className="rounded border border-slate-300 p-2 text-sm">
            <p className="font-semibold">
              <span lang="fr">{card.term_fr}</span> / <span lang="en">{card.term_en}</span>
            </p>
            <p lang="fr" className="mt-1">
              {card.definition_fr}
            </p>
            <p lang="en" className="mt-1 text-slate-700">
              {card.definition_en}
            </p>
            <p className="mt-1 text-slate-700">
              <Cited text={`${card.example} [${card.source}]`} onCite={onCite} />
            </p>
          </li>
        ))}
      </ul>
    );
  }
  const study = content as {
    title?: string;
    scenario?: string;
    data?: { label: string; value: string }[];
    questions?: { question: string }[];
  };
  return (
    <div>
      <p className="font-semibold">{study.title}</p>
      <Paragraphs text={study.scenario ?? ""} onCite={onCite} />
      <dl className="mt-2 grid grid-cols-2 gap-1 text-sm">
        {(study.data ?? []).map((d) => (
          <Fragment key={d.label}>
            <dt className="font-medium">{d.label}</dt>
            <dd>{d.value}</dd>
          </Fragment>
        ))}
      </dl>
      <ol className="mt-2 list-decimal pl-5 text-sm">
        {(study.questions ?? []).map((q) => (
          <li key={q.question}>{q.question}</li>
        ))}
      </ol>
    </div>
  );
}

/** The chunk a citation points to, with its page, read from the API when opened. */
function CitedPassage({ courseId, source }: { courseId: string; source: SourceRef }) {
  const t = useTranslations("review");
  const trpc = useTRPC();
  const chunk = useQuery(
    trpc.admin.resources.chunk.queryOptions({
      course_id: courseId,
      resource_id: source.resource_id,
      chunk_id: source.chunk_id,
    }),
  );
  if (chunk.error)
    return (
      <ErrorBox
        message={
          problemOf(chunk.error)?.code === "NOT_FOUND" ? t("passageGone") : (problemOf(chunk.error)?.message ?? "")
        }
      />
    );
  if (!chunk.data) return <Loading label={t("loadingPassage")} />;
  return (
    <div data-testid="cited-passage">
      <p className="text-sm text-slate-700">
        {chunk.data.filename}
        {chunk.data.page ? ` · ${t("page", { page: chunk.data.page })}` : ""}
        {chunk.data.chapter ? ` · ${chunk.data.chapter}` : ""}
      </p>
      {chunk.data.low_confidence ? <p className="mt-1 text-sm text-amber-900">{t("lowConfidence")}</p> : null}
      <blockquote className="mt-3 border-l-4 border-blue-700 pl-3 whitespace-pre-line">{chunk.data.content}</blockquote>
    </div>
  );
}

export function ContentView({
  courseId,
  type,
  content,
  sources,
}: {
  courseId: string;
  type: string;
  content: unknown;
  sources: SourceRef[];
}) {
  const t = useTranslations("review");
  const [open, setOpen] = useState<number | null>(null);
  const source = open ? sources[open - 1] : undefined;
  return (
    <div>
      <div className="text-sm leading-relaxed">
        <Body type={type} content={(content ?? {}) as Json} onCite={setOpen} />
      </div>
      <h4 className="mt-4 font-semibold">{t("sources")}</h4>
      <ol className="mt-1 list-decimal pl-5 text-sm">
        {sources.map((s, i) => (
          <li key={s.chunk_id}>
            <button
              type="button"
              className="text-left text-blue-800 underline underline-offset-2"
              onClick={() => setOpen(i + 1)}
            >
              {s.source}
              {s.page ? ` — ${t("page", { page: s.page })}` : ""}
              {s.chapter ? ` — ${s.chapter}` : ""}
            </button>
          </li>
        ))}
      </ol>
      <Sheet open={Boolean(source)} onOpenChange={(o) => !o && setOpen(null)} title={t("citation", { n: open ?? 0 })}>
        {source ? <CitedPassage courseId={courseId} source={source} /> : null}
      </Sheet>
    </div>
  );
}
