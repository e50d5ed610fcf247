"use client";
/**
 * Enroll in a course. A paid course answers 402: the learner then buys it with credits, or goes
 * to buy credits (mobile money) or to enter an activation code, and comes back here.
 */
import Link from "next/link";
import { useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { apiJson } from "@/lib/api";
import { fmt, type Labels } from "@/lib/labels";
import { type Problem, restProblem } from "@/lib/problem";
import { button, buttonSecondary } from "@/lib/styles";

interface Props {
  courseId: string;
  slug: string;
  price: number;
  enrolled: boolean;
  signedIn: boolean;
  labels: Labels;
}

export function CourseActions({ courseId, slug, price, enrolled, signedIn, labels }: Props) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const learn = `/learn/${courseId}`;

  if (enrolled) {
    return (
      <Link href={learn} prefetch={false} className={button}>
        {labels.continue}
      </Link>
    );
  }
  if (!signedIn) {
    return (
      <Link href={`/sign-in?next=${encodeURIComponent(`/courses/${slug}`)}`} prefetch={false} className={button}>
        {labels.signInToEnroll}
      </Link>
    );
  }

  async function act(path: string) {
    setBusy(true);
    setProblem(null);
    try {
      await apiJson(path, { method: "POST" });
      location.assign(learn);
    } catch (error) {
      setProblem(restProblem(error));
    } finally {
      setBusy(false);
    }
  }

  const paymentNeeded = problem?.code === "PAYMENT_REQUIRED" || problem?.code === "INSUFFICIENT_CREDITS";
  const balance = Number(problem?.extra.balance ?? 0);
  const back = encodeURIComponent(slug);
  return (
    <div className="space-y-3">
      {paymentNeeded ? (
        <div className="space-y-3 rounded-xl border border-amber-300 bg-amber-50 p-4" data-testid="payment-required">
          <p className="font-semibold">{fmt(labels.paidCourse, { price, balance })}</p>
          {balance >= price ? (
            <button
              type="button"
              className={button}
              disabled={busy}
              onClick={() => void act(`/api/v1/courses/${slug}/purchase`)}
            >
              {fmt(labels.buyWithCredits, { price })}
            </button>
          ) : null}
          <div className="flex flex-wrap gap-2">
            <Link href={`/credits?course=${back}`} prefetch={false} className={buttonSecondary}>
              {labels.buyCredits}
            </Link>
            <Link href={`/credits?course=${back}#code`} prefetch={false} className={buttonSecondary}>
              {labels.haveCode}
            </Link>
          </div>
        </div>
      ) : (
        <>
          <button
            type="button"
            className={button}
            disabled={busy}
            onClick={() => void act(`/api/v1/courses/${slug}/enroll`)}
          >
            {price === 0 ? labels.enrollFree : fmt(labels.enrollPaid, { price })}
          </button>
          <ProblemAlert problem={problem} labels={labels} />
        </>
      )}
    </div>
  );
}
