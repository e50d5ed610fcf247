"use client";
/**
 * Flashcard review: the term, then its definition, example and formula, then one of the four
 * ratings (again, hard, good, easy). Reviews go through the offline queue, so a learner can review
 * a whole session without a connection; each counts once, at the time it was made.
 */
import { useRef, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { fmt, type Labels, plural } from "@/lib/labels";
import { submit } from "@/lib/outbox";
import { type Problem, restProblem } from "@/lib/problem";
import { button } from "@/lib/styles";

export interface ReviewCard {
  id: string;
  term?: string;
  definition?: string;
  example?: string | null;
  formula?: string | null;
}

const RATINGS = [
  { value: 1, key: "again", tone: "bg-red-700" },
  { value: 2, key: "hard", tone: "bg-amber-700" },
  { value: 3, key: "good", tone: "bg-emerald-700" },
  { value: 4, key: "easy", tone: "bg-sky-700" },
] as const;

export function Reviewer({ cards, labels, onDone }: { cards: ReviewCard[]; labels: Labels; onDone?: () => void }) {
  const [index, setIndex] = useState(0);
  const [revealed, setRevealed] = useState(false);
  const [queued, setQueued] = useState(0);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const shownAt = useRef(Date.now());
  const card = cards[index];

  if (!card) {
    return (
      <div className="space-y-2 rounded-xl bg-emerald-50 p-4" role="status" data-testid="review-done">
        <p className="font-semibold">{plural(labels, "sessionDone", cards.length)}</p>
        {queued > 0 ? <p>{plural(labels, "reviewsQueued", queued)}</p> : null}
      </div>
    );
  }

  async function rate(rating: number) {
    if (!card) return;
    setBusy(true);
    setProblem(null);
    try {
      const outcome = await submit("review", "POST", `/api/v1/flashcards/${card.id}/review`, {
        rating,
        duration_ms: Math.min(3_600_000, Date.now() - shownAt.current),
      });
      if (outcome.status === "queued") setQueued((n) => n + 1);
      setIndex((i) => i + 1);
      setRevealed(false);
      shownAt.current = Date.now();
      if (index + 1 >= cards.length) onDone?.();
    } catch (error) {
      setProblem(restProblem(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="card-term" className="space-y-4" data-testid="card" data-card={card.id}>
      <p className="text-sm text-slate-700">{fmt(labels.cardOf, { n: index + 1, total: cards.length })}</p>
      <div className="min-h-40 rounded-xl border-2 border-slate-300 p-4">
        <h2 id="card-term" className="text-xl font-bold">
          {card.term}
        </h2>
        {revealed ? (
          <div className="mt-3 space-y-2" data-testid="card-back">
            <p>{card.definition}</p>
            {card.example ? (
              <p className="text-slate-700">
                <span className="font-semibold">{labels.example} :</span> {card.example}
              </p>
            ) : null}
            {card.formula ? <p className="font-mono">{card.formula}</p> : null}
          </div>
        ) : null}
      </div>
      {revealed ? (
        <fieldset>
          <legend className="mb-2 font-medium">{labels.howWell}</legend>
          <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            {RATINGS.map((r) => (
              <button
                key={r.value}
                type="button"
                disabled={busy}
                onClick={() => void rate(r.value)}
                data-rating={r.value}
                className={`min-h-12 rounded-lg px-3 font-semibold text-white ${r.tone} disabled:opacity-60`}
              >
                {labels[r.key]}
              </button>
            ))}
          </div>
        </fieldset>
      ) : (
        <button type="button" className={button} onClick={() => setRevealed(true)} data-testid="reveal">
          {labels.reveal}
        </button>
      )}
      <ProblemAlert problem={problem} labels={labels} />
    </section>
  );
}
