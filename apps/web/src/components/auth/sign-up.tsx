"use client";
/** Sign-up: who the learner is, then the authenticator to set up, then the first codes. */
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import type { Labels } from "@/lib/labels";
import { button, input, label as labelClass } from "@/lib/styles";
import { problemOf, useTRPC } from "@/lib/trpc";
import { ConfirmForm } from "./confirm-form";
import { EnrolmentView } from "./enrolment-view";

export function SignUp({
  labels,
  countries,
  language,
}: {
  labels: Labels;
  countries: { code: string; name: string }[];
  language: "fr" | "en";
}) {
  const trpc = useTRPC();
  const register = useMutation(trpc.auth.register.mutationOptions());
  const [email, setEmail] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim();
    setEmail(value("email").toLowerCase());
    register.mutate({
      name: value("name"),
      email: value("email"),
      country: value("country"),
      professional_role: value("professional_role"),
      preferred_language: value("preferred_language") === "en" ? "en" : "fr",
    });
  }

  if (register.data) {
    return (
      <div className="space-y-6">
        <EnrolmentView enrolment={register.data} labels={labels} />
        <section aria-labelledby="confirm-title" className="space-y-2">
          <h2 id="confirm-title" className="text-xl font-semibold">
            {labels.confirmTitle}
          </h2>
          <p>{labels.confirmHelp}</p>
          <ConfirmForm email={email} labels={labels} askEmailCode />
        </section>
      </div>
    );
  }

  const field = (name: string, type = "text", extra: Record<string, string | number | boolean> = {}) => (
    <div>
      <label htmlFor={name} className={labelClass}>
        {labels[`field_${name}`]}
      </label>
      <input id={name} name={name} type={type} className={input} required {...extra} />
    </div>
  );

  return (
    <form onSubmit={submit} className="space-y-3">
      {field("name", "text", { autoComplete: "name", maxLength: 120 })}
      {field("email", "email", { autoComplete: "email", maxLength: 254 })}
      <div>
        <label htmlFor="country" className={labelClass}>
          {labels.field_country}
        </label>
        <select id="country" name="country" className={input} required defaultValue="SN">
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      {field("professional_role", "text", { maxLength: 80, placeholder: labels.rolePlaceholder ?? "" })}
      <fieldset>
        <legend className={labelClass}>{labels.field_preferred_language}</legend>
        <div className="flex gap-4">
          {(["fr", "en"] as const).map((lang) => (
            <label key={lang} className="flex min-h-11 items-center gap-2">
              <input
                type="radio"
                name="preferred_language"
                value={lang}
                defaultChecked={lang === language}
                className="size-5"
              />
              {labels[`lang_${lang}`]}
            </label>
          ))}
        </div>
      </fieldset>
      <ProblemAlert problem={register.error ? problemOf(register.error) : null} labels={labels} />
      <button type="submit" className={button} disabled={register.isPending}>
        {labels.createAccount}
      </button>
    </form>
  );
}
