"use client";
/**
 * Paying for a course: buy credits by mobile money (a payment intent gives the reference to write
 * in the transfer, the exact amount and the number per operator; it turns "paid" when the
 * operator's SMS arrives), or redeem an activation code; then buy the course and go back to it.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { Alert, EmptyState } from "@/components/ui";
import { fmt, type Labels } from "@/lib/labels";
import { button, buttonSecondary, card, input, label as labelClass } from "@/lib/styles";
import { problemOf, useTRPC } from "@/lib/trpc";

const amount = (n: number) => n.toLocaleString(typeof document === "undefined" ? "fr" : document.documentElement.lang);

export function Credits({
  course,
  labels,
}: {
  course: { slug: string; title: string; price: number } | null;
  labels: Labels;
}) {
  const trpc = useTRPC();
  const balance = useQuery(trpc.credits.balance.queryOptions());
  const packages = useQuery(trpc.credits.packages.queryOptions());
  const createIntent = useMutation(trpc.credits.createIntent.mutationOptions());
  const intentId = createIntent.data?.id;
  const intent = useQuery({
    ...trpc.credits.intent.queryOptions({ id: intentId ?? "" }),
    enabled: Boolean(intentId),
    // Paid when the operator's SMS is matched: ask again every 10 s while it is open.
    refetchInterval: (query) => (query.state.data?.status === "open" ? 10_000 : false),
  });
  const redeem = useMutation(trpc.activationCodes.redeem.mutationOptions());
  const purchase = useMutation(trpc.credits.purchase.mutationOptions());
  const [phone, setPhone] = useState("");
  const shown = intent.data ?? createIntent.data;

  function pay(packageId: string) {
    createIntent.mutate({ purpose: "credits", package_id: packageId, ...(phone ? { phone } : {}) });
  }

  function redeemCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    redeem.mutate(
      { code: String(new FormData(event.currentTarget).get("code") ?? "") },
      { onSuccess: () => void balance.refetch() },
    );
  }

  return (
    <div className="space-y-6">
      <p className="text-lg" data-testid="balance">
        {balance.data ? fmt(labels.balance, { credits: balance.data.balance }) : labels.loading}
      </p>
      {course ? (
        <div className={`${card} space-y-2`}>
          <p>{labels.forCourse}</p>
          <ProblemAlert problem={purchase.error ? problemOf(purchase.error) : null} labels={labels} />
          {purchase.data ? (
            <Link href={`/learn/${purchase.data.course_id}`} prefetch={false} className={button}>
              {labels.startCourse}
            </Link>
          ) : (
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                className={button}
                disabled={purchase.isPending}
                onClick={() => purchase.mutate({ id_or_slug: course.slug })}
                data-testid="buy-course"
              >
                {fmt(labels.buyCourse, { title: course.title, price: course.price })}
              </button>
              <Link href={`/courses/${course.slug}`} prefetch={false} className={buttonSecondary}>
                {labels.backToCourse}
              </Link>
            </div>
          )}
        </div>
      ) : null}

      <section aria-labelledby="packages-title" className="space-y-3">
        <h2 id="packages-title" className="text-xl font-semibold">
          {labels.packagesTitle}
        </h2>
        <div>
          <label htmlFor="phone" className={labelClass}>
            {labels.phone}
          </label>
          <input
            id="phone"
            type="tel"
            autoComplete="tel"
            className={input}
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            maxLength={30}
          />
          <p className="mt-1 text-sm text-slate-700">{labels.phoneHelp}</p>
        </div>
        {packages.data && packages.data.items.length === 0 ? <EmptyState title={labels.noPackages} /> : null}
        <ul className="space-y-2">
          {packages.data?.items.map((p) => (
            <li key={p.id} className={`${card} flex flex-wrap items-center justify-between gap-2`}>
              <div>
                <p className="font-semibold">{p.name}</p>
                <p className="text-sm text-slate-700">
                  {fmt(labels.packageCredits, { credits: p.credits + p.bonus_credits })} · {amount(p.price_amount)}{" "}
                  {p.currency}
                </p>
              </div>
              <button
                type="button"
                className={buttonSecondary}
                disabled={createIntent.isPending}
                onClick={() => pay(p.id)}
              >
                {labels.pay}
              </button>
            </li>
          ))}
        </ul>
        <ProblemAlert problem={createIntent.error ? problemOf(createIntent.error) : null} labels={labels} />
        {shown ? (
          <div
            className="space-y-2 rounded-xl border-2 border-brand p-4"
            data-testid="payment-intent"
            data-status={shown.status}
          >
            <p className="text-lg font-semibold">
              {fmt(labels.payExactly, { amount: amount(shown.amount), currency: shown.currency })}
            </p>
            <p>
              {labels.reference} <span className="font-mono text-2xl font-bold tracking-widest">{shown.reference}</span>
            </p>
            <ul className="space-y-2">
              {shown.pay_to.map((to) => (
                <li key={to.provider} className="rounded bg-slate-50 p-2">
                  <p className="font-semibold">
                    {to.name} · <span className="font-mono">{to.number}</span>
                  </p>
                  <p className="text-sm">{to.instructions}</p>
                </li>
              ))}
            </ul>
            <p className="text-sm text-slate-700">
              {fmt(labels.expires, { time: new Date(shown.expires_at).toLocaleString() })}
            </p>
            <p role="status" className="font-semibold">
              {shown.status === "paid"
                ? labels.paid
                : shown.status === "expired"
                  ? labels.expired
                  : labels.waitingPayment}
            </p>
          </div>
        ) : null}
      </section>

      <section id="code" aria-labelledby="code-title" className="space-y-2">
        <h2 id="code-title" className="text-xl font-semibold">
          {labels.codeTitle}
        </h2>
        <form onSubmit={redeemCode} className="space-y-2">
          <label htmlFor="activation" className={labelClass}>
            {labels.codeLabel}
          </label>
          <input
            id="activation"
            name="code"
            className={`${input} font-mono uppercase`}
            required
            maxLength={40}
            autoComplete="off"
          />
          <ProblemAlert problem={redeem.error ? problemOf(redeem.error) : null} labels={labels} />
          {redeem.data ? (
            <Alert tone="success">
              {redeem.data.credits !== null
                ? fmt(labels.codeCredits, { credits: redeem.data.credits })
                : labels.codeDone}
            </Alert>
          ) : null}
          <button type="submit" className={button} disabled={redeem.isPending}>
            {labels.redeem}
          </button>
        </form>
      </section>
    </div>
  );
}
