"use client";
/** A case study: scenario, data and guided questions; the learner answers, then reads the annotated correction. */
import { useEffect, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { apiJson } from "@/lib/api";
import type { Labels } from "@/lib/labels";
import { Markdown } from "@/lib/markdown";
import { type Problem, restProblem } from "@/lib/problem";
import { button, input, label as labelClass } from "@/lib/styles";
import type { CaseStudy as CaseStudyView } from "@/lib/types";

export function CaseStudy({ moduleId, unitId, labels }: { moduleId: string; unitId: string; labels: Labels }) {
  const [study, setStudy] = useState<CaseStudyView | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [preparing, setPreparing] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = `/api/v1/modules/${moduleId}/case-studies/${unitId}`;

  useEffect(() => {
    let timer: number | undefined;
    let stopped = false;
    const load = async () => {
      try {
        const value = await apiJson<CaseStudyView>(path);
        if (!stopped) setStudy(value);
      } catch (error) {
        const p = restProblem(error);
        if (p.code === "CASE_STUDY_NOT_READY" && !stopped) {
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
  }, [path]);

  async function send(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!study) return;
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    try {
      const result = await apiJson<{ case_study: CaseStudyView }>(`${path}/submission`, {
        method: "POST",
        body: {
          content_id: study.id,
          version: study.version,
          answers: study.content.questions.map((_, i) => String(form.get(`answer-${i}`) ?? "").trim()),
        },
      });
      setStudy(result.case_study);
    } catch (error) {
      setProblem(restProblem(error));
    } finally {
      setBusy(false);
    }
  }

  if (!study)
    return problem ? (
      <ProblemAlert problem={problem} labels={labels} />
    ) : (
      <p role="status">{preparing ? labels.preparing : labels.loading}</p>
    );
  const c = study.content;
  return (
    <article className="space-y-4" data-testid="case-study">
      <h1 className="text-2xl font-bold">{c.title}</h1>
      <div className="prose">
        <Markdown text={c.scenario} />
      </div>
      <table className="w-full border-collapse text-left">
        <caption className="text-left font-semibold">{labels.data}</caption>
        <tbody>
          {c.data.map((row) => (
            <tr key={row.label} className="border-t border-slate-200">
              <th scope="row" className="py-2 pr-2 font-medium">
                {row.label}
              </th>
              <td className="py-2">{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={send} className="space-y-4">
        {c.questions.map((q, i) => {
          const correction = study.correction?.find((x) => x.question_index === i);
          return (
            <div key={q.question} className="space-y-1">
              <label htmlFor={`answer-${i}`} className={labelClass}>
                {i + 1}. {q.question}
              </label>
              {q.hint ? <p className="text-sm text-slate-700">{q.hint}</p> : null}
              <textarea
                id={`answer-${i}`}
                name={`answer-${i}`}
                rows={3}
                maxLength={5000}
                required
                defaultValue={study.submission?.answers[i] ?? ""}
                className={input}
              />
              {correction ? (
                <div className="rounded-lg bg-emerald-50 p-3" data-testid="correction">
                  <p className="font-semibold">{labels.expected}</p>
                  <p>{correction.answer}</p>
                  <p className="mt-1 text-sm text-slate-700">{correction.annotation}</p>
                </div>
              ) : null}
            </div>
          );
        })}
        <ProblemAlert problem={problem} labels={labels} />
        <button type="submit" className={button} disabled={busy}>
          {study.submission ? labels.resubmit : labels.submit}
        </button>
      </form>
    </article>
  );
}
