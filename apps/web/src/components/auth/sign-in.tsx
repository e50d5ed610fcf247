"use client";
/** Sign-in with email and a code from the authenticator (or a backup code). */
import { type FormEvent, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import type { Labels } from "@/lib/labels";
import { safeNext } from "@/lib/paths";
import { NETWORK_PROBLEM, type Problem, readProblem } from "@/lib/problem";
import { adopt, claimCaches, type SessionAnswer } from "@/lib/session";
import { button, input, label as labelClass } from "@/lib/styles";

export function SignIn({ labels, next }: { labels: Labels; next?: string }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    try {
      const res = await fetch("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", "accept-language": document.documentElement.lang },
        body: JSON.stringify({
          email: String(form.get("email") ?? "").trim(),
          code: String(form.get("code") ?? "").replace(/\s+/g, ""),
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
      location.assign(safeNext(next, location.origin));
    } catch {
      setProblem(NETWORK_PROBLEM);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-3">
      <div>
        <label htmlFor="email" className={labelClass}>
          {labels.field_email}
        </label>
        <input id="email" name="email" type="email" autoComplete="email" className={input} required />
      </div>
      <div>
        <label htmlFor="code" className={labelClass}>
          {labels.signInCode}
        </label>
        <input id="code" name="code" autoComplete="one-time-code" className={input} required maxLength={20} />
        <p className="mt-1 text-sm text-slate-700">{labels.signInCodeHelp}</p>
      </div>
      <ProblemAlert problem={problem} labels={labels} />
      <button type="submit" className={button} disabled={busy}>
        {labels.signInTitle}
      </button>
    </form>
  );
}
