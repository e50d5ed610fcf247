"use client";
/**
 * Recovery by magic link: ask for the email, then (from the link, `?token=`) set up a new
 * authenticator and confirm it. The link is spent only when the learner presses the button, so a
 * mail scanner opening the link does not use it up.
 */
import { type FormEvent, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { apiJson } from "@/lib/api";
import type { Labels } from "@/lib/labels";
import { type Problem, restProblem } from "@/lib/problem";
import { button, input, label as labelClass } from "@/lib/styles";
import { Alert } from "../ui";
import { ConfirmForm } from "./confirm-form";
import { type Enrolment, EnrolmentView } from "./enrolment-view";

export function Recover({ labels, token }: { labels: Labels; token?: string }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [enrolment, setEnrolment] = useState<(Enrolment & { email: string }) | null>(null);

  async function run(work: () => Promise<void>) {
    setBusy(true);
    setProblem(null);
    try {
      await work();
    } catch (error) {
      setProblem(restProblem(error));
    } finally {
      setBusy(false);
    }
  }

  function request(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "").trim();
    void run(async () => {
      await apiJson("/api/v1/auth/recovery/request", { method: "POST", body: { email } });
      setSent(true);
    });
  }

  if (enrolment) {
    return (
      <div className="space-y-6">
        <EnrolmentView enrolment={enrolment} labels={labels} />
        <ConfirmForm email={enrolment.email} labels={labels} askEmailCode={false} />
      </div>
    );
  }
  if (token) {
    return (
      <div className="space-y-3">
        <p>{labels.recoverContinueHelp}</p>
        <ProblemAlert problem={problem} labels={labels} />
        <button
          type="button"
          className={button}
          disabled={busy}
          onClick={() =>
            void run(async () =>
              setEnrolment(await apiJson("/api/v1/auth/recovery/confirm", { method: "POST", body: { token } })),
            )
          }
        >
          {labels.recoverContinue}
        </button>
      </div>
    );
  }
  if (sent) return <Alert tone="success">{labels.recoverSent}</Alert>;
  return (
    <form onSubmit={request} className="space-y-3">
      <p>{labels.recoverHelp}</p>
      <div>
        <label htmlFor="email" className={labelClass}>
          {labels.field_email}
        </label>
        <input id="email" name="email" type="email" autoComplete="email" className={input} required />
      </div>
      <ProblemAlert problem={problem} labels={labels} />
      <button type="submit" className={button} disabled={busy}>
        {labels.recoverSend}
      </button>
    </form>
  );
}
