"use client";
/**
 * The learner's profile: name, language, country, role; "save data"; sign-out; the GDPR export
 * (a JSON download) and erasure of the account.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState, useSyncExternalStore } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { Alert } from "@/components/ui";
import { apiHeaders } from "@/lib/api";
import type { Labels } from "@/lib/labels";
import { ApiError, type Problem, readProblem, restProblem } from "@/lib/problem";
import { authedFetch, signOut } from "@/lib/session";
import { button, buttonSecondary, input, label as labelClass } from "@/lib/styles";
import { problemOf, useTRPC } from "@/lib/trpc";

function subscribeOnline(listener: () => void): () => void {
  window.addEventListener("online", listener);
  window.addEventListener("offline", listener);
  return () => {
    window.removeEventListener("online", listener);
    window.removeEventListener("offline", listener);
  };
}

function setCookie(name: string, value: string) {
  // A preference the server reads to render (language, save data): not a credential.
  // biome-ignore lint/suspicious/noDocumentCookie: Cookie Store API is missing from older Android browsers
  document.cookie = `${name}=${value}; path=/; max-age=31536000; samesite=lax`;
}

export function ProfileForm({
  labels,
  countries,
  saveData,
}: {
  labels: Labels;
  countries: { code: string; name: string }[];
  saveData: boolean;
}) {
  const trpc = useTRPC();
  const me = useQuery(trpc.users.me.queryOptions());
  const update = useMutation(trpc.users.update.mutationOptions());
  const erase = useMutation(trpc.users.erase.mutationOptions());
  const [lean, setLean] = useState(saveData);
  const [exportProblem, setExportProblem] = useState<Problem | null>(null);
  const [signOutFailed, setSignOutFailed] = useState(false);
  const online = useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );

  async function endSession() {
    setSignOutFailed(false);
    if (await signOut()) location.assign("/");
    else setSignOutFailed(true);
  }

  function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const language = form.get("preferred_language") === "en" ? "en" : "fr";
    update.mutate(
      {
        name: String(form.get("name") ?? "").trim(),
        country: String(form.get("country") ?? ""),
        professional_role: String(form.get("professional_role") ?? "").trim(),
        preferred_language: language,
      },
      {
        onSuccess: () => {
          // The interface follows the profile's language from the next page on.
          if (language !== document.documentElement.lang) {
            setCookie("sira_locale", language);
            location.reload();
          }
        },
      },
    );
  }

  async function download() {
    setExportProblem(null);
    try {
      const res = await authedFetch("/api/v1/users/me/export", { headers: apiHeaders() });
      if (!res.ok) throw new ApiError(await readProblem(res));
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = `sira-export-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setExportProblem(restProblem(error));
    }
  }

  function eraseAccount(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const confirm = String(new FormData(event.currentTarget).get("confirm") ?? "");
    erase.mutate(
      { confirm: confirm as "DELETE" },
      {
        onSuccess: async () => {
          await signOut();
          location.assign("/");
        },
      },
    );
  }

  if (me.error) return <ProblemAlert problem={problemOf(me.error)} labels={labels} />;
  if (!me.data) return <p role="status">{labels.loading}</p>;
  const profile = me.data;
  return (
    <div className="space-y-8">
      <form onSubmit={save} className="space-y-3" aria-labelledby="profile-title">
        <h2 id="profile-title" className="text-xl font-semibold">
          {labels.details}
        </h2>
        <p className="text-slate-700">{profile.email}</p>
        <div>
          <label htmlFor="name" className={labelClass}>
            {labels.field_name}
          </label>
          <input id="name" name="name" defaultValue={profile.name} className={input} required maxLength={120} />
        </div>
        <fieldset>
          <legend className={labelClass}>{labels.field_preferred_language}</legend>
          <div className="flex gap-4">
            {(["fr", "en"] as const).map((lang) => (
              <label key={lang} className="flex min-h-11 items-center gap-2">
                <input
                  type="radio"
                  name="preferred_language"
                  value={lang}
                  defaultChecked={profile.preferred_language === lang}
                  className="size-5"
                />
                {labels[`lang_${lang}`]}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor="country" className={labelClass}>
            {labels.field_country}
          </label>
          <select id="country" name="country" defaultValue={profile.country ?? "SN"} className={input}>
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="professional_role" className={labelClass}>
            {labels.field_professional_role}
          </label>
          <input
            id="professional_role"
            name="professional_role"
            defaultValue={profile.professional_role ?? ""}
            className={input}
            required
            maxLength={80}
          />
        </div>
        <ProblemAlert problem={update.error ? problemOf(update.error) : null} labels={labels} />
        {update.isSuccess ? <Alert tone="success">{labels.saved}</Alert> : null}
        <button type="submit" className={button} disabled={update.isPending}>
          {labels.save}
        </button>
      </form>

      <section aria-labelledby="data-title" className="space-y-2">
        <h2 id="data-title" className="text-xl font-semibold">
          {labels.saveDataTitle}
        </h2>
        <label className="flex min-h-11 items-center gap-3">
          <input
            type="checkbox"
            className="size-6"
            checked={lean}
            data-testid="save-data"
            onChange={(e) => {
              setLean(e.target.checked);
              setCookie("sira_save_data", e.target.checked ? "1" : "0");
            }}
          />
          {labels.saveDataLabel}
        </label>
        <p className="text-sm text-slate-700">{labels.saveDataHelp}</p>
      </section>

      <section aria-labelledby="export-title" className="space-y-2">
        <h2 id="export-title" className="text-xl font-semibold">
          {labels.exportTitle}
        </h2>
        <p>{labels.exportHelp}</p>
        <button type="button" className={buttonSecondary} onClick={() => void download()}>
          {labels.exportButton}
        </button>
        <ProblemAlert problem={exportProblem} labels={labels} />
      </section>

      <section aria-labelledby="session-title" className="space-y-2">
        <h2 id="session-title" className="text-xl font-semibold">
          {labels.sessionTitle}
        </h2>
        <button
          type="button"
          className={buttonSecondary}
          onClick={() => void endSession()}
          disabled={!online}
          aria-describedby={online ? undefined : "sign-out-offline"}
          data-testid="sign-out"
        >
          {labels.signOut}
        </button>
        {online ? null : (
          <p id="sign-out-offline" className="text-sm text-slate-700" data-testid="sign-out-offline">
            {labels.signOutOffline}
          </p>
        )}
        {signOutFailed ? (
          <Alert>
            <p data-testid="sign-out-failed">{labels.signOutFailed}</p>
          </Alert>
        ) : null}
      </section>

      <form
        onSubmit={eraseAccount}
        className="space-y-2 rounded-xl border border-red-300 p-4"
        aria-labelledby="erase-title"
      >
        <h2 id="erase-title" className="text-xl font-semibold text-red-900">
          {labels.eraseTitle}
        </h2>
        <p>{labels.eraseHelp}</p>
        <label htmlFor="confirm" className={labelClass}>
          {labels.eraseConfirm}
        </label>
        <input id="confirm" name="confirm" className={input} required pattern="DELETE" autoComplete="off" />
        <ProblemAlert problem={erase.error ? problemOf(erase.error) : null} labels={labels} />
        <button
          type="submit"
          className="inline-flex min-h-11 items-center rounded-lg bg-red-800 px-4 font-semibold text-white"
          disabled={erase.isPending}
        >
          {labels.eraseButton}
        </button>
      </form>
    </div>
  );
}
