"use client";
/**
 * The first code of a new authenticator (after sign-up or recovery), with the 8-digit code emailed
 * at sign-up while the address is unverified. Success signs in: the refresh token goes to the
 * httpOnly cookie, the access token to memory, and the app opens on the learner's home.
 */
import { type FormEvent, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import type { Labels } from "@/lib/labels";
import { NETWORK_PROBLEM, type Problem, readProblem } from "@/lib/problem";
import { adopt, claimCaches, type SessionAnswer } from "@/lib/session";
import { button, input, label as labelClass } from "@/lib/styles";

export function ConfirmForm({ email, labels, askEmailCode }: { email: string; labels: Labels; askEmailCode: boolean }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [resent, setResent] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const emailCode = String(form.get("email_code") ?? "").trim();
    setBusy(true);
    setProblem(null);
    try {
      const res = await fetch("/api/auth/confirm", {
        method: "POST",
        headers: { "content-type": "application/json", "accept-language": document.documentElement.lang },
        body: JSON.stringify({
          email,
          code: String(form.get("code") ?? "").trim(),
          ...(emailCode ? { email_code: emailCode } : {}),
        }),
      });
      if (!res.ok) {
        setProblem(await readProblem(res));
        return;
      }
      const answer = (await res.json()) as SessionAnswer;
      adopt(answer);
      // Before the first page of this session is kept: none of another learner's copies remain.
      await claimCaches(answer.user.id).catch(() => undefined);
      location.assign("/");
    } catch {
      setProblem(NETWORK_PROBLEM);
    } finally {
      setBusy(false);
    }
  }

  async function resend() {
    await fetch("/api/v1/auth/email-code/request", {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": document.documentElement.lang },
      body: JSON.stringify({ email }),
    }).catch(() => null);
    setResent(true);
  }

  return (
    <form onSubmit={submit} className="space-y-3" aria-label={labels.confirmTitle}>
      <div>
        <label htmlFor="code" className={labelClass}>
          {labels.totpCode}
        </label>
        <input
          id="code"
          name="code"
          className={input}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="\d{6}"
          maxLength={6}
          required
        />
      </div>
      {askEmailCode ? (
        <div>
          <label htmlFor="email_code" className={labelClass}>
            {labels.emailCode}
          </label>
          <input
            id="email_code"
            name="email_code"
            className={input}
            inputMode="numeric"
            pattern="\d{4}\D?\d{4}"
            maxLength={9}
            required
          />
          <p className="mt-1 text-sm text-slate-700">{labels.emailCodeHelp}</p>
          <button type="button" onClick={resend} className="mt-1 min-h-11 text-brand underline">
            {resent ? labels.emailCodeResent : labels.emailCodeResend}
          </button>
        </div>
      ) : null}
      <ProblemAlert problem={problem} labels={labels} />
      <button type="submit" className={button} disabled={busy}>
        {labels.confirm}
      </button>
    </form>
  );
}
