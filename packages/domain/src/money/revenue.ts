/**
 * The revenue report for admins: by day, by operator, by course and by expert, over [from, to].
 * Ledger figures are net of the refunds given in the period (a refund counts on its own day), with
 * the gross and refunded parts beside commission and earnings.
 */
import type { Db } from "@sira/infra/db";
import { toCredits } from "./amount.ts";

type Numbered<T> = { [K in keyof T]: T[K] extends bigint ? number : T[K] };

/** Sums come back as bigint (a quarter's sales may pass 2^31); the report carries them as numbers. */
function numbered<T extends object>(rows: T[]): Numbered<T>[] {
  return rows.map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [key, typeof value === "bigint" ? toCredits(value) : value]),
      ) as Numbered<T>,
  );
}

export async function revenueReport(db: Db, range: { from: string; to: string }) {
  const from = `${range.from}T00:00:00Z`;
  const to = `${range.to}T23:59:59.999Z`;
  const [byDay, byOperator, byCourse, byExpert] = await Promise.all([
    db.$queryRaw<
      {
        day: string;
        payments: number;
        amount: bigint;
        credits_sold: bigint;
        course_sales: number;
        course_refunds: number;
        commission: bigint;
        commission_gross: bigint;
        commission_refunded: bigint;
      }[]
    >`
      WITH days AS (
        SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series(${from}::timestamptz::date, ${to}::timestamptz::date, interval '1 day') d
      ), pay AS (
        SELECT to_char(confirmed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS payments, sum(amount)::bigint AS amount
        FROM subscription_payments WHERE status = 'confirmed' AND confirmed_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz GROUP BY 1
      ), led AS (
        SELECT to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
          coalesce(sum(t.amount) FILTER (WHERE t.type = 'credit_purchase' AND a.kind = 'user'), 0)::bigint AS credits_sold,
          count(*) FILTER (WHERE t.type = 'course_purchase' AND a.kind = 'user')::int AS course_sales,
          count(*) FILTER (WHERE t.type = 'refund' AND t.course_id IS NOT NULL AND a.kind = 'user' AND t.amount > 0)::int AS course_refunds,
          coalesce(sum(t.amount) FILTER (WHERE t.type = 'commission'), 0)::bigint AS commission_gross
        FROM transactions t JOIN credit_accounts a ON a.id = t.account_id
        WHERE t.created_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz GROUP BY 1
      ), refunded AS (
        -- A refund posting names a row of the sale it reverses; it gives back the sale's commission whole.
        SELECT to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(c.amount)::bigint AS commission_refunded
        FROM (
          SELECT DISTINCT ON (t.posting_id) t.created_at, sale.posting_id AS sale_posting_id
          FROM transactions t JOIN transactions sale ON sale.id = t.related_transaction_id
          WHERE t.type = 'refund' AND t.created_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz
          ORDER BY t.posting_id
        ) r
        JOIN transactions c ON c.posting_id = r.sale_posting_id AND c.type = 'commission'
        GROUP BY 1
      )
      SELECT days.day, coalesce(pay.payments, 0) AS payments, coalesce(pay.amount, 0) AS amount,
        coalesce(led.credits_sold, 0) AS credits_sold, coalesce(led.course_sales, 0) AS course_sales,
        coalesce(led.course_refunds, 0) AS course_refunds,
        (coalesce(led.commission_gross, 0) - coalesce(refunded.commission_refunded, 0))::bigint AS commission,
        coalesce(led.commission_gross, 0)::bigint AS commission_gross,
        coalesce(refunded.commission_refunded, 0)::bigint AS commission_refunded
      FROM days LEFT JOIN pay USING (day) LEFT JOIN led USING (day) LEFT JOIN refunded USING (day) ORDER BY days.day`,
    db.$queryRaw<{ provider: string; payments: number; amount: bigint }[]>`
      SELECT provider, count(*)::int AS payments, sum(amount)::bigint AS amount FROM subscription_payments
      WHERE status = 'confirmed' AND confirmed_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz
      GROUP BY provider ORDER BY amount DESC`,
    db.$queryRaw<{ course_id: string; sales: number; credits: bigint; refunds: number }[]>`
      SELECT t.course_id,
        count(*) FILTER (WHERE t.type = 'course_purchase')::int AS sales,
        (-coalesce(sum(t.amount), 0))::bigint AS credits,
        count(*) FILTER (WHERE t.type = 'refund')::int AS refunds
      FROM transactions t JOIN credit_accounts a ON a.id = t.account_id
      WHERE a.kind = 'user' AND t.course_id IS NOT NULL AND t.type IN ('course_purchase', 'refund')
        AND t.amount <> 0 AND (t.type = 'course_purchase' OR t.amount > 0)
        AND t.created_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz
      GROUP BY t.course_id ORDER BY credits DESC`,
    // Paid out: payouts the admin marked paid in the period. A request holds its credits when made
    // (its ledger line), so the ledger alone would count requests still waiting, or refused.
    // Earned: as the expert's own earnings count it, less what refunds took back from them. A share
    // already paid out when its sale was refunded stays theirs (the platform covers it).
    db.$queryRaw<
      { expert_id: string; earned: bigint; earned_gross: bigint; earned_refunded: bigint; paid_out: bigint }[]
    >`
      SELECT expert_id, coalesce(e.gross - e.refunded, 0)::bigint AS earned,
        coalesce(e.gross, 0)::bigint AS earned_gross, coalesce(e.refunded, 0)::bigint AS earned_refunded,
        coalesce(p.paid_out, 0)::bigint AS paid_out
      FROM (
        SELECT a.user_id AS expert_id,
          coalesce(sum(t.amount) FILTER (WHERE t.type = 'course_earning'), 0) AS gross,
          (-coalesce(sum(t.amount) FILTER (WHERE t.type = 'refund'), 0)) AS refunded
        FROM transactions t JOIN credit_accounts a ON a.id = t.account_id
        WHERE a.kind = 'user' AND (t.type = 'course_earning' OR (t.type = 'refund' AND t.amount < 0))
          AND t.created_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz
        GROUP BY a.user_id
      ) e
      FULL JOIN (
        SELECT user_id AS expert_id, sum(credits) AS paid_out
        FROM payout_requests
        WHERE status = 'paid' AND paid_at BETWEEN ${from}::timestamptz AND ${to}::timestamptz
        GROUP BY user_id
      ) p USING (expert_id)
      ORDER BY earned DESC, expert_id`,
  ]);
  return {
    from: range.from,
    to: range.to,
    by_day: numbered(byDay),
    by_operator: numbered(byOperator),
    by_course: numbered(byCourse),
    by_expert: numbered(byExpert),
  };
}
