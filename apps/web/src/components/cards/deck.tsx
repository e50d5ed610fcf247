"use client";
/** A module's deck: how many cards are new and due, and a review of those (or of every card). */
import { useEffect, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { EmptyState } from "@/components/ui";
import { apiJson } from "@/lib/api";
import { type Labels, plural } from "@/lib/labels";
import { submit } from "@/lib/outbox";
import { type Problem, restProblem } from "@/lib/problem";
import { buttonSecondary } from "@/lib/styles";
import type { Flashcard } from "@/lib/types";
import { Reviewer } from "./reviewer";

const FIELDS = "id,term,definition,example,formula,memory";

/** Once a session is through, the deck's unit counts as done (queued offline like any progress). */
function completeUnit(moduleId: string, unitId: string, startedAt: number): void {
  void submit("unit", "POST", `/api/v1/modules/${moduleId}/units/${unitId}/complete`, {
    time_spent_seconds: Math.round((Date.now() - startedAt) / 1000),
  }).catch(() => undefined);
}

export function Deck({ moduleId, unitId, labels }: { moduleId: string; unitId: string | null; labels: Labels }) {
  const [startedAt] = useState(Date.now);
  const [cards, setCards] = useState<Flashcard[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [preparing, setPreparing] = useState(false);
  const [all, setAll] = useState(false);

  useEffect(() => {
    let timer: number | undefined;
    let stopped = false;
    const load = async () => {
      try {
        const page = await apiJson<{ items: Flashcard[] }>(
          `/api/v1/modules/${moduleId}/flashcards?limit=100&fields=${FIELDS}`,
        );
        if (!stopped) {
          setPreparing(false);
          setCards(page.items);
        }
      } catch (error) {
        const p = restProblem(error);
        // The deck is generated on first request: 409 NOT_READY says when to ask again.
        if (p.code === "NOT_READY" && !stopped) {
          setPreparing(true);
          timer = window.setTimeout(load, Math.max(2, p.retryAfter ?? 3) * 1000);
        } else if (!stopped) setProblem(p);
      }
    };
    void load();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [moduleId]);

  if (problem) return <ProblemAlert problem={problem} labels={labels} />;
  if (!cards) return <p role="status">{preparing ? labels.preparing : labels.loading}</p>;
  if (cards.length === 0) return <EmptyState title={labels.emptyDeck} />;
  const now = Date.now();
  const fresh = cards.filter((c) => !c.memory);
  const due = cards.filter((c) => c.memory && Date.parse(c.memory.due) <= now);
  const session = all ? cards : [...due, ...fresh];
  return (
    <div className="space-y-4">
      <p
        className="flex flex-wrap gap-x-4"
        data-testid="due-counts"
        data-due={due.length}
        data-new={fresh.length}
        data-total={cards.length}
      >
        <span>{plural(labels, "dueCount", due.length)}</span>
        <span>{plural(labels, "newCount", fresh.length)}</span>
        <span>{plural(labels, "totalCount", cards.length)}</span>
      </p>
      {session.length ? (
        <Reviewer
          key={all ? "all" : "due"}
          cards={session}
          labels={labels}
          {...(unitId ? { onDone: () => completeUnit(moduleId, unitId, startedAt) } : {})}
        />
      ) : (
        <EmptyState title={labels.nothingDue}>
          <button type="button" className={`${buttonSecondary} mt-2`} onClick={() => setAll(true)}>
            {labels.reviewAll}
          </button>
        </EmptyState>
      )}
    </div>
  );
}
