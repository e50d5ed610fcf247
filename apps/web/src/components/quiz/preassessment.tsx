"use client";
/** A course's pre-assessment: questions across its modules; modules known are marked and a start suggested. */
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { EmptyState } from "@/components/ui";
import { fmt, type Labels } from "@/lib/labels";
import { replay } from "@/lib/outbox";
import { button, buttonSecondary } from "@/lib/styles";
import { problemOf, useTRPC } from "@/lib/trpc";
import type { Out } from "@/lib/types";
import { AdaptiveTest, QueuedAnswer } from "./adaptive-test";

type Result = NonNullable<Out["preassessment"]["status"]["latest_result"]>;

function ResultView({ result, courseId, labels }: { result: Result; courseId: string; labels: Labels }) {
  return (
    <div className="space-y-2 rounded-xl bg-emerald-50 p-4" data-testid="preassessment-result">
      <p className="text-lg font-semibold">{fmt(labels.preScore, { score: Math.round(result.score) })}</p>
      <p>{fmt(labels.knownModules, { count: result.known_module_ids.length })}</p>
      {result.suggested_module_id ? (
        <Link href={`/modules/${result.suggested_module_id}`} prefetch={false} className={button}>
          {labels.startSuggested}
        </Link>
      ) : null}
      <Link href={`/learn/${courseId}`} prefetch={false} className={buttonSecondary}>
        {labels.backToModules}
      </Link>
    </div>
  );
}

export function Preassessment({ courseId, labels }: { courseId: string; labels: Labels }) {
  const trpc = useTRPC();
  const status = useQuery(trpc.preassessment.status.queryOptions({ course_id: courseId }));
  const start = useMutation(trpc.preassessment.start.mutationOptions());
  const [result, setResult] = useState<Result | null>(null);
  const [queued, setQueued] = useState(false);

  const shown = result ?? (start.data ? null : (status.data?.latest_result ?? null));
  if (result) return <ResultView result={result} courseId={courseId} labels={labels} />;
  if (queued) {
    return (
      <QueuedAnswer
        labels={labels}
        onResume={() =>
          void replay().then(async () => {
            setQueued(false);
            // The replayed answers may have ended the test: then its result, not a new start.
            const latest = (await status.refetch()).data?.latest_result;
            if (latest) setResult(latest);
            else start.mutate({ course_id: courseId });
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
        answerPath={`/api/v1/courses/${courseId}/preassessment/answer`}
        labels={labels}
        onQueued={() => setQueued(true)}
        onFinished={(last) => {
          const r = (last as { result?: Result | null }).result;
          if (r) setResult(r);
          else void status.refetch().then((s) => s.data?.latest_result && setResult(s.data.latest_result));
        }}
      />
    );
  }
  if (status.error) return <ProblemAlert problem={problemOf(status.error)} labels={labels} />;
  if (!status.data) return <p role="status">{labels.loading}</p>;
  if (!status.data.available && !shown)
    return <EmptyState title={labels.preUnavailable}>{labels.preUnavailableHelp}</EmptyState>;
  return (
    <div className="space-y-3">
      {shown ? <ResultView result={shown} courseId={courseId} labels={labels} /> : null}
      {status.data.available ? (
        <>
          <p>{fmt(labels.preIntro, { max: status.data.max_items })}</p>
          <button
            type="button"
            className={button}
            disabled={start.isPending}
            onClick={() => start.mutate({ course_id: courseId })}
          >
            {status.data.in_progress_attempt_id ? labels.resumeTest : labels.startTest}
          </button>
        </>
      ) : null}
      <ProblemAlert problem={start.error ? problemOf(start.error) : null} labels={labels} />
    </div>
  );
}
