"use client";
import { loginInput } from "@sira/contracts";
import { useRouter, useSearchParams } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { type FormEvent, Suspense, useEffect, useState } from "react";
import { useAuth } from "@/components/auth";
import { LanguageSwitch } from "@/components/language-switch";
import { Button, DocumentTitle, ErrorBox, TextField } from "@/components/ui";
import { safeNext } from "@/lib/paths";
import { type FieldErrors, validate } from "@/lib/validate";

function SignInForm() {
  const t = useTranslations("auth");
  const locale = useLocale() as "fr" | "en";
  const auth = useAuth();
  const router = useRouter();
  const next = useSearchParams().get("next");
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (auth.status === "signed-in") router.replace(safeNext(next, window.location.origin));
  }, [auth.status, router, next]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    const checked = validate(loginInput, { email, code }, locale, (field) =>
      field === "code" ? t("codeHint") : field === "email" ? t("emailInvalid") : null,
    );
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    const problem = await auth.signIn(checked.data.email, checked.data.code);
    setBusy(false);
    if (problem) {
      setFailure(problem.message);
      setErrors(problem.fields);
      setCode("");
    }
  }

  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 p-4">
      <div className="flex items-center justify-between">
        <p className="text-lg font-semibold text-blue-800">{t("brand")}</p>
        <LanguageSwitch />
      </div>
      <DocumentTitle title={t("title")} />
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="text-sm text-slate-700">{t("intro")}</p>
      <form
        onSubmit={submit}
        noValidate
        className="flex flex-col gap-4 rounded-lg border border-slate-300 bg-white p-4"
      >
        <TextField
          label={t("email")}
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
          required
        />
        <TextField
          label={t("code")}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={errors.code}
          hint={t("codeHint")}
          required
        />
        {failure ? <ErrorBox message={failure} /> : null}
        <Button type="submit" disabled={busy}>
          {busy ? t("signingIn") : t("submit")}
        </Button>
      </form>
    </main>
  );
}

export default function SignInPage() {
  return (
    <Suspense>
      <SignInForm />
    </Suspense>
  );
}
