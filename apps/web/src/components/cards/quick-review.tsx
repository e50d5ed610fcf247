"use client";
/** Quick review across every course: the most urgent cards within today's time budget. */
import { useEffect, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { EmptyState } from "@/components/ui";
import { apiJson } from "@/lib/api";
import { type Labels, plural } from "@/lib/labels";
import { type Problem, restProblem } from "@/lib/problem";
import type { Out } from "@/lib/types";
import { type ReviewCard, Reviewer } from "./reviewer";

type Due = Out["flashcards"]["due"];

export function QuickReview({ labels }: { labels: Labels }) {
  const [due, setDue] = useState<Due | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    apiJson<Due>("/api/v1/flashcards/due?fields=id,term,definition,example,formula")
      .then(setDue)
      .catch((error) => setProblem(restProblem(error)));
  }, []);
  if (problem) return <ProblemAlert problem={problem} labels={labels} />;
  if (!due) return <p role="status">{labels.loading}</p>;
  return (
    <div className="space-y-4">
      <p data-testid="due-total" data-due={due.due_total}>
        {plural(labels, "dueCount", due.due_total)} · {plural(labels, "newToday", due.new_allowed_today)}
      </p>
      {due.items.length ? (
        <Reviewer cards={due.items as ReviewCard[]} labels={labels} />
      ) : (
        <EmptyState title={labels.nothingDue}>{labels.nothingDueHelp}</EmptyState>
      )}
    </div>
  );
}
