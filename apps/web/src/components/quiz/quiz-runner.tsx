"use client";
/** A module's quiz (formative practice or the summative test), then its result and review. */
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { fmt, type Labels } from "@/lib/labels";
import { replay } from "@/lib/outbox";
import { button, buttonSecondary, card } from "@/lib/styles";
import { problemOf, useTRPC } from "@/lib/trpc";
import type { QuizResult } from "@/lib/types";
import { AdaptiveTest, QueuedAnswer } from "./adaptive-test";

const PASS = 80;

function ResultView({ result, moduleId, labels }: { result: QuizResult; moduleId: string; labels: Labels }) {
  const passed = result.score >= PASS;
  return (
    <section
      className="space-y-4"
      data-testid="quiz-result"
      data-score={result.score}
      data-passed={passed ? "yes" : "no"}
    >
      <div className={`rounded-xl p-4 ${passed ? "bg-emerald-50" : "bg-amber-50"}`}>
        <p className="text-2xl font-bold">{fmt(labels.score, { score: Math.round(result.score) })}</p>
        <p>{fmt(labels.rawScore, { correct: result.correct_count, total: result.item_count })}</p>
        <p className="mt-1 font-semibold">
          {result.kind === "formative" ? labels.practiceNote : passed ? labels.passed : labels.notPassed}
        </p>
      </div>
      <h2 className="text-lg font-semibold">{labels.review}</h2>
      <ol className="space-y-2">
        {result.review.map((item) => (
          <li key={item.item_id} className={card}>
            <p className="font-medium">{item.stem}</p>
            <p className={item.correct ? "text-emerald-800" : "text-red-800"}>
              {item.correct ? labels.correct : labels.incorrect} · {labels.keyIs} {item.options[item.correct_option]}
            </p>
            <p className="text-sm text-slate-700">{item.explanation}</p>
          </li>
        ))}
      </ol>
      <Link href={`/modules/${moduleId}`} prefetch={false} className={buttonSecondary}>
        {labels.backToModule}
      </Link>
    </section>
  );
}

export function QuizRunner({
  moduleId,
  kind,
  labels,
}: {
  moduleId: string;
  kind: "formative" | "summative";
  labels: Labels;
}) {
  const trpc = useTRPC();
  const [queued, setQueued] = useState(false);
  const start = useQuery({
    ...trpc.quiz.start.queryOptions({ module_id: moduleId, kind }),
    staleTime: Number.POSITIVE_INFINITY,
    // The quiz is generated on first request: 409 QUIZ_NOT_READY says when to ask again.
    retry: (count, error) => {
      const p = problemOf(error);
      return p.code === "QUIZ_NOT_READY" ? count < 100 : count < 2 && (p.status === 0 || p.status >= 500);
    },
    retryDelay: (_count, error) => Math.max(2, Number(problemOf(error).extra.retry_after ?? 3)) * 1000,
  });
  const finish = useMutation(trpc.quiz.submit.mutationOptions());

  if (finish.data) return <ResultView result={finish.data} moduleId={moduleId} labels={labels} />;
  if (queued) {
    return (
      <QueuedAnswer
        labels={labels}
        onResume={() =>
          void replay().then(() => {
            setQueued(false);
            void start.refetch();
          })
        }
      />
    );
  }
  if (start.isPending || (start.isFetching && !start.data)) {
    return (
      <p role="status" data-testid="quiz-loading">
        {start.failureReason && problemOf(start.failureReason).code === "QUIZ_NOT_READY"
          ? labels.preparing
          : labels.loading}
      </p>
    );
  }
  if (start.error) return <ProblemAlert problem={problemOf(start.error)} labels={labels} />;
  const state = start.data;
  if (!state.question || state.finished) {
    return (
      <div className="space-y-3">
        <p>{labels.allAnswered}</p>
        <ProblemAlert problem={finish.error ? problemOf(finish.error) : null} labels={labels} />
        <button
          type="button"
          className={button}
          disabled={finish.isPending}
          onClick={() => finish.mutate({ module_id: moduleId, attempt_id: state.attempt.id })}
        >
          {labels.seeResult}
        </button>
      </div>
    );
  }
  return (
    <>
      <AdaptiveTest
        key={state.attempt.id + state.question.id}
        attemptId={state.attempt.id}
        question={state.question}
        maxItems={state.attempt.max_items}
        answerPath={`/api/v1/modules/${moduleId}/quiz/answer`}
        labels={labels}
        onQueued={() => setQueued(true)}
        onFinished={() => finish.mutate({ module_id: moduleId, attempt_id: state.attempt.id })}
      />
      {finish.isPending ? <p role="status">{labels.loading}</p> : null}
      <ProblemAlert problem={finish.error ? problemOf(finish.error) : null} labels={labels} />
    </>
  );
}
