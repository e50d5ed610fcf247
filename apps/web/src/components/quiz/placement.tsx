"use client";
/** The placement test: up to 12 adaptive questions that set the learner's level (1-4). */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { Alert } from "@/components/ui";
import { fmt, type Labels } from "@/lib/labels";
import { replay } from "@/lib/outbox";
import { button } from "@/lib/styles";
import { problemOf, useTRPC } from "@/lib/trpc";
import { AdaptiveTest, type AnswerResult, QueuedAnswer } from "./adaptive-test";

export function Placement({ labels }: { labels: Labels }) {
  const trpc = useTRPC();
  const status = useQuery(trpc.placement.status.queryOptions());
  const start = useMutation(trpc.placement.start.mutationOptions());
  const [level, setLevel] = useState<number | null>(null);
  const [queued, setQueued] = useState(false);

  if (level !== null) {
    return (
      <Alert tone="success">
        <p className="text-lg font-semibold" data-testid="placement-level">
          {fmt(labels.levelResult, { level })}
        </p>
      </Alert>
    );
  }
  if (queued) {
    return (
      <QueuedAnswer
        labels={labels}
        onResume={() =>
          void replay().then(() => {
            setQueued(false);
            start.mutate({});
          })
        }
      />
    );
  }
  const question = start.data?.question;
  if (start.data && question) {
    const state = start.data;
    return (
      <AdaptiveTest
        key={state.attempt.id}
        attemptId={state.attempt.id}
        question={question}
        maxItems={state.attempt.max_items}
        answerPath="/api/v1/users/me/placement/answer"
        labels={labels}
        onQueued={() => setQueued(true)}
        onFinished={(last: AnswerResult & { result_level?: number | null }) =>
          setLevel(last.result_level ?? status.data?.current_level ?? 1)
        }
      />
    );
  }
  const s = status.data;
  const waitUntil = s?.retake_allowed_at ? new Date(s.retake_allowed_at) : null;
  return (
    <div className="space-y-3">
      {s ? <p>{fmt(labels.currentLevel, { level: s.current_level })}</p> : <p role="status">{labels.loading}</p>}
      {s?.latest ? (
        <p className="text-slate-700">
          {fmt(labels.lastResult, {
            level: s.latest.result_level,
            date: new Date(s.latest.finished_at).toLocaleDateString(),
          })}
        </p>
      ) : null}
      {waitUntil && waitUntil > new Date() ? (
        <p>{fmt(labels.retakeAt, { date: waitUntil.toLocaleDateString() })}</p>
      ) : (
        <button type="button" className={button} disabled={start.isPending || !s} onClick={() => start.mutate({})}>
          {s?.in_progress_attempt_id ? labels.resumeTest : labels.startTest}
        </button>
      )}
      <ProblemAlert
        problem={start.error ? problemOf(start.error) : status.error ? problemOf(status.error) : null}
        labels={labels}
      />
    </div>
  );
}
