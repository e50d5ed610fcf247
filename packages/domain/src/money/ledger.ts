/**
 * The credit ledger. Every movement is one posting: two or more signed rows in `transactions`,
 * sharing a posting id, that sum to zero, each with the balance it leaves on its account. A
 * posting runs in the caller's transaction: its accounts are locked in a fixed order (no deadlock
 * between postings), a user account may not go below zero (409 INSUFFICIENT_CREDITS, and a CHECK
 * backs it), and an idempotency key makes a retried posting return the first one instead of
 * moving money twice. The counter-accounts are the platform and mobile money (decision 0044).
 */
import { randomUUID } from "node:crypto";
import { AppError, type TRANSACTION_TYPES } from "@sira/contracts";
import type { Tx } from "@sira/infra/db";
import { toCredits } from "./amount.ts";

export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** The ledger's counter-accounts: one row each, without a user. */
export const COUNTER_ACCOUNTS = ["platform", "mobile_money"] as const;
export type CounterAccount = (typeof COUNTER_ACCOUNTS)[number];

export type AccountOwner = { userId: string } | { counter: CounterAccount };

export interface PostingLine {
  account: AccountOwner;
  type: TransactionType;
  amount: number;
  /** What the line is about, for lists and reports. */
  courseId?: string | null;
  creditPackageId?: string | null;
  subscriptionId?: string | null;
  subscriptionPaymentId?: string | null;
  activationCodeId?: string | null;
  description?: string | null;
  metadata?: Record<string, unknown>;
  /** A refund line: the type of the line it gives back (keeps the account's totals net). */
  reverses?: TransactionType;
}

export interface Posting {
  /** Makes the posting happen once: a second posting with this key returns the first. */
  key: string;
  lines: PostingLine[];
  /** The posting this one reverses or derives from (a refund names the purchase's). */
  relatedPostingId?: string | null;
  at?: Date;
}

export interface PostedLine {
  id: string;
  accountId: string;
  userId: string | null;
  type: string;
  amount: number;
  balanceAfter: number;
}

export interface PostingResult {
  postingId: string;
  lines: PostedLine[];
  /** True when the key had been posted before: nothing moved this time. */
  replayed: boolean;
}

const PURCHASED: readonly string[] = ["credit_purchase", "code_redemption"];
const SPENT: readonly string[] = ["course_purchase", "tutor_usage", "subscription_purchase"];

/**
 * How a user account's totals move with a line: purchases and spending count net of their
 * refunds, earnings net of theirs. Payouts and adjustments move only the balance.
 */
function totalsOf(line: PostingLine): { purchased: number; spent: number; earned: number } {
  const kind = line.type === "refund" && line.reverses ? line.reverses : line.type;
  return {
    purchased: PURCHASED.includes(kind) ? line.amount : 0,
    spent: SPENT.includes(kind) ? -line.amount : 0,
    earned: kind === "course_earning" ? line.amount : 0,
  };
}

const ownerKey = (owner: AccountOwner): string => ("userId" in owner ? `u:${owner.userId}` : `c:${owner.counter}`);

/**
 * Locks accounts in the one order every posting uses, so two postings never wait on each other in
 * a cycle. A caller that reads a balance before posting locks first, so the balance holds.
 */
export async function lockAccounts(tx: Tx, accountIds: readonly string[]): Promise<void> {
  const ids = [...new Set(accountIds)].sort();
  await tx.$queryRaw`SELECT id FROM credit_accounts WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
}

/**
 * The account of a user or counter-account, created on first use. An existing account is read
 * without a lock (an upsert would lock it here, out of the posting's one lock order).
 */
export async function accountIdOf(tx: Tx, owner: AccountOwner): Promise<string> {
  const existing = await tx.creditAccount.findFirst({
    where: "userId" in owner ? { userId: owner.userId } : { kind: owner.counter, userId: null },
    select: { id: true },
  });
  if (existing) return existing.id;
  if ("userId" in owner) {
    // One statement, so two first postings of a new account cannot both try to create it.
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO credit_accounts (user_id, kind) VALUES (${owner.userId}::uuid, 'user')
      ON CONFLICT (user_id) DO UPDATE SET kind = EXCLUDED.kind
      RETURNING id`;
    if (!row) throw new Error("the user's credit account could not be created");
    return row.id;
  }
  // The counter-accounts have a partial unique index on kind (user_id IS NULL).
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO credit_accounts (kind) VALUES (${owner.counter})
    ON CONFLICT (kind) WHERE user_id IS NULL DO UPDATE SET kind = EXCLUDED.kind
    RETURNING id`;
  if (!row) throw new Error(`counter-account ${owner.counter} could not be created`);
  return row.id;
}

async function findPosted(tx: Tx, accountId: string, key: string): Promise<PostingResult | null> {
  const first = await tx.transaction.findUnique({
    where: { accountId_idempotencyKey: { accountId, idempotencyKey: key } },
    select: { postingId: true },
  });
  if (!first) return null;
  const rows = await tx.transaction.findMany({
    where: { postingId: first.postingId },
    orderBy: { id: "asc" },
    select: {
      id: true,
      accountId: true,
      type: true,
      amount: true,
      balanceAfter: true,
      account: { select: { userId: true } },
    },
  });
  return {
    postingId: first.postingId,
    replayed: true,
    lines: rows.map(({ account, ...r }) => ({
      ...r,
      userId: account.userId,
      amount: toCredits(r.amount),
      balanceAfter: toCredits(r.balanceAfter),
    })),
  };
}

/**
 * Posts `posting` inside `tx`. Lines on the same account are merged per account for the balance
 * check, but each line is its own row. Throws INSUFFICIENT_CREDITS when a user account would go
 * below zero; nothing is written then (the caller's transaction rolls back).
 */
export async function post(tx: Tx, posting: Posting): Promise<PostingResult> {
  const lines = posting.lines.filter((line) => line.amount !== 0);
  if (lines.length < 2) throw new Error("a posting needs two lines or more");
  if (lines.some((line) => !Number.isSafeInteger(line.amount))) throw new Error("amounts are whole credits");
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  if (total !== 0) throw new Error(`a posting must sum to zero (it sums to ${total})`);

  const owners = new Map<string, AccountOwner>();
  for (const line of lines) owners.set(ownerKey(line.account), line.account);
  const ids = new Map<string, string>();
  for (const [key, owner] of owners) ids.set(key, await accountIdOf(tx, owner));
  await lockAccounts(tx, [...ids.values()]);

  const firstAccount = ids.get(ownerKey(lines[0]?.account as AccountOwner)) as string;
  const earlier = await findPosted(tx, firstAccount, posting.key);
  if (earlier) return earlier;

  const postingId = randomUUID();
  const at = posting.at ?? new Date();
  const related = posting.relatedPostingId
    ? await tx.transaction.findFirst({ where: { postingId: posting.relatedPostingId }, select: { id: true } })
    : null;
  const posted: PostedLine[] = [];
  for (const line of lines) {
    const accountId = ids.get(ownerKey(line.account)) as string;
    const totals = "userId" in line.account ? totalsOf(line) : { purchased: 0, spent: 0, earned: 0 };
    const [account] = await tx.$queryRaw<{ balance: bigint; user_id: string | null }[]>`
      UPDATE credit_accounts SET balance = balance + ${line.amount}::bigint,
        total_spent = total_spent + ${totals.spent}::bigint,
        total_purchased = total_purchased + ${totals.purchased}::bigint,
        total_earned = total_earned + ${totals.earned}::bigint,
        updated_at = now()
      WHERE id = ${accountId}::uuid AND (kind <> 'user' OR balance + ${line.amount}::bigint >= 0)
      RETURNING balance, user_id`;
    if (!account) throw new AppError("INSUFFICIENT_CREDITS");
    const balanceAfter = toCredits(account.balance);
    const row = await tx.transaction.create({
      data: {
        postingId,
        accountId,
        type: line.type,
        amount: line.amount,
        balanceAfter,
        courseId: line.courseId ?? null,
        creditPackageId: line.creditPackageId ?? null,
        subscriptionId: line.subscriptionId ?? null,
        subscriptionPaymentId: line.subscriptionPaymentId ?? null,
        activationCodeId: line.activationCodeId ?? null,
        relatedTransactionId: related?.id ?? null,
        // The key marks each account's row once; a posting with two rows on one account keys the first.
        idempotencyKey: posted.some((p) => p.accountId === accountId) ? null : posting.key,
        description: line.description ?? null,
        // created_at stays the server's clock (delta sync reads it); when it happened goes here.
        metadata: {
          ...(line.metadata ?? {}),
          ...(line.reverses ? { reverses: line.reverses } : {}),
          ...(posting.at ? { occurred_at: at.toISOString() } : {}),
        },
      },
      select: { id: true },
    });
    posted.push({
      id: row.id,
      accountId,
      userId: account.user_id,
      type: line.type,
      amount: line.amount,
      balanceAfter,
    });
  }
  return { postingId, lines: posted, replayed: false };
}
