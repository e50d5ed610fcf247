"use client";
/**
 * One adaptive test, one question at a time: a module quiz, the placement test or a course's
 * pre-assessment. Answers go through the offline queue: made offline, an answer is kept and sent
 * when the connection returns (the next question needs the server, so the test waits for it).
 * Feedback follows the rules the API applies: immediate for practice, none before a summative
 * test is submitted.
 */
import { useRef, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { fmt, type Labels } from "@/lib/labels";
import { submit } from "@/lib/outbox";
import { type Problem, restProblem } from "@/lib/problem";
import { button, buttonSecondary } from "@/lib/styles";

export interface Question {
  id: string;
  position: number;
  stem: string;
  options: string[];
}

export interface AnswerResult {
  feedback: "immediate" | "after_submission";
  correct: boolean | null;
  correct_option: number | null;
  explanation: string | null;
  source: { source: string; page: number | null } | null;
  next_question: Question | null;
  finished: boolean;
}

interface Props {
  attemptId: string;
  question: Question;
  maxItems: number;
  answerPath: string;
  /** Extra body fields of an answer (e.g. nothing for quizzes, which carry the attempt id). */
  labels: Labels;
  onFinished: (last: AnswerResult) => void;
  /** The answer was queued offline: the caller restarts the test once the queue has synced. */
  onQueued: () => void;
}

export function AdaptiveTest({
  attemptId,
  question: first,
  maxItems,
  answerPath,
  labels,
  onFinished,
  onQueued,
}: Props) {
  const [question, setQuestion] = useState<Question>(first);
  const [selected, setSelected] = useState<number | null>(null);
  const [result, setResult] = useState<AnswerResult | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const shownAt = useRef(Date.now());

  async function answer() {
    if (selected === null) return;
    setBusy(true);
    setProblem(null);
    try {
      const outcome = await submit<AnswerResult>("quiz", "POST", answerPath, {
        attempt_id: attemptId,
        item_id: question.id,
        selected_option: selected,
        duration_ms: Math.min(24 * 3600_000, Date.now() - shownAt.current),
      });
      if (outcome.status === "queued") {
        onQueued();
        return;
      }
      setResult(outcome.data);
      if (outcome.data.feedback === "after_submission") advance(outcome.data);
    } catch (error) {
      setProblem(restProblem(error));
    } finally {
      setBusy(false);
    }
  }

  function advance(last: AnswerResult) {
    if (last.finished || !last.next_question) {
      onFinished(last);
      return;
    }
    setQuestion(last.next_question);
    setSelected(null);
    setResult(null);
    shownAt.current = Date.now();
  }

  const feedback = result && result.feedback === "immediate" ? result : null;
  return (
    <section aria-labelledby="question" className="space-y-4" data-testid="question" data-item={question.id}>
      <p className="text-sm text-slate-700">{fmt(labels.progress, { n: question.position, max: maxItems })}</p>
      <h2 id="question" className="text-lg font-semibold">
        {question.stem}
      </h2>
      <fieldset className="space-y-2" disabled={Boolean(feedback) || busy}>
        <legend className="sr-only">{labels.chooseOne}</legend>
        {question.options.map((option, i) => {
          const isKey = feedback?.correct_option === i;
          const isWrongPick = feedback && selected === i && !feedback.correct;
          const tone = isKey
            ? "border-emerald-600 bg-emerald-50"
            : isWrongPick
              ? "border-red-500 bg-red-50"
              : "border-slate-300";
          return (
            <label
              // biome-ignore lint/suspicious/noArrayIndexKey: the four options are positional
              key={i}
              className={`flex min-h-11 cursor-pointer items-start gap-3 rounded-lg border-2 p-3 ${tone} ${selected === i ? "ring-2 ring-brand" : ""}`}
            >
              <input
                type="radio"
                name="option"
                value={i}
                checked={selected === i}
                onChange={() => setSelected(i)}
                className="mt-1 size-5 shrink-0"
                data-option={i}
              />
              <span>{option}</span>
            </label>
          );
        })}
      </fieldset>
      {feedback ? (
        <div
          role="status"
          data-testid="feedback"
          data-correct={feedback.correct ? "yes" : "no"}
          className={`rounded-lg p-3 ${feedback.correct ? "bg-emerald-50" : "bg-red-50"}`}
        >
          <p className="font-semibold">{feedback.correct ? labels.correct : labels.incorrect}</p>
          {feedback.explanation ? <p className="mt-1">{feedback.explanation}</p> : null}
          {feedback.source ? (
            <p className="mt-1 text-sm text-slate-700">
              {labels.source} : {feedback.source.source}
              {feedback.source.page !== null ? `, ${labels.page} ${feedback.source.page}` : ""}
            </p>
          ) : null}
        </div>
      ) : null}
      <ProblemAlert problem={problem} labels={labels} />
      {feedback ? (
        <button type="button" className={button} onClick={() => advance(feedback)} data-testid="next">
          {feedback.finished || !feedback.next_question ? labels.finish : labels.next}
        </button>
      ) : (
        <button
          type="button"
          className={button}
          onClick={() => void answer()}
          disabled={selected === null || busy}
          data-testid="answer"
        >
          {labels.answer}
        </button>
      )}
    </section>
  );
}

/** Shown when an answer waits in the offline queue. */
export function QueuedAnswer({ labels, onResume }: { labels: Labels; onResume: () => void }) {
  return (
    <div className="space-y-3 rounded-xl border border-amber-300 bg-amber-50 p-4" role="status">
      <p>{labels.answerQueued}</p>
      <button type="button" className={buttonSecondary} onClick={onResume}>
        {labels.resume}
      </button>
    </div>
  );
}
