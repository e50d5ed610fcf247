/**
 * What every operator parser reads alike: the text without accents and with one kind of space,
 * amounts with any thousands separator, the payer's number, a labelled field, and our payment
 * reference in the payer's note.
 */
import { hasValidCheck, normalizeCode } from "../../check-code.ts";
import { normalizePhone, type Provider, REFERENCE_LENGTH } from "../../payments.ts";

export interface ParsedPayment {
  provider: Provider;
  /** Whole units of `currency`. */
  amount: number;
  currency: string;
  /** The payer's number, digits only; null when the SMS gives only a name. */
  phone: string | null;
  /** The operator's own transaction id. */
  transactionId: string;
  /** Our payment reference (a valid checked code) when the payer wrote one. */
  reference: string | null;
}

/** Why a text that reads like a payment cannot be taken as one. */
export type UnreadableReason =
  | "amount_missing"
  | "currency_missing"
  | "currency_unsupported"
  | "transaction_id_missing";

export type SmsReading =
  | { outcome: "payment"; payment: ParsedPayment }
  /** A payment confirmation with a part missing or wrong: kept as `failed` for an admin. */
  | { outcome: "unreadable"; provider: Provider; reason: UnreadableReason }
  /** Anything else the operator sends (advertising, transfers out, balance): `ignored`. */
  | { outcome: "not_payment"; provider: Provider | null; reason: string };

/** One operator's way of writing a received payment (see the operator's module for samples). */
export interface OperatorFormat {
  provider: Provider;
  /** The words that say money was received; without them the SMS is not a payment. */
  received: RegExp;
  /** Where the amount paid is: the first amount after this match (or after `received`). */
  amountAfter?: RegExp;
  /** The payer's number; group 1. */
  phone: RegExp;
  /** The operator's transaction id; group 1. */
  transactionId: RegExp;
  /** The payer's note comes before the id: only the last match is the operator's. */
  transactionIdLast?: true;
  /** The payer's note, where the reference is written; group 1. */
  note: RegExp;
}

/**
 * Lower-case ASCII letters where French has accents, and every kind of space (the no-break and
 * narrow no-break spaces of French number formatting included) as one plain space.
 */
export function plainText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/[\s\u00a0\u202f]+/g, " ")
    .trim();
}

const CFA = new Set(["FCFA", "F CFA", "CFA", "XOF", "F"]);

/**
 * An amount with its currency: "5000 FCFA", "5 000 F CFA", "5.000F", "5,000 XOF", "5 000,00 FCFA".
 * Separators of three-digit groups are spaces, dots or commas; decimals must be zero (the franc CFA
 * has no cents).
 */
const AMOUNT = /(\d{1,3}(?:[ .,]\d{3})+|\d+)(?:[.,](\d{1,2}))?(?![\d.,]\d) ?([Ff] ?CFA|fcfa|CFA|XOF|[A-Z]{3}\b|F\b)?/;

export interface Amount {
  amount: number;
  /** ISO code: XOF for the franc CFA, the written code otherwise; null when none is written. */
  currency: string | null;
}

/** The first amount in `text`, null when there is none (or it has cents). */
export function readAmount(text: string): Amount | null {
  const match = AMOUNT.exec(text);
  if (!match?.[1]) return null;
  if (match[2] && Number(match[2]) !== 0) return null;
  const amount = Number(match[1].replace(/[ .,]/g, ""));
  if (!Number.isSafeInteger(amount) || amount <= 0) return null;
  const written = match[3]?.toUpperCase() ?? null;
  return { amount, currency: written === null ? null : CFA.has(written) ? "XOF" : written };
}

/** Our reference in a note: a word (or two, "K7M4 QX") of the code alphabet with a valid check character. */
export function readReference(note: string): string | null {
  const words = note.split(/[\s,;:.()/#'"]+/).filter(Boolean);
  const candidates = [...words, ...words.slice(1).map((word, i) => `${words[i]}${word}`)];
  for (const candidate of candidates) {
    const code = normalizeCode(candidate);
    if (code && code.length === REFERENCE_LENGTH && hasValidCheck(code)) return code;
  }
  return null;
}

/** Digits of a phone number as written ("+221 77 123 45 67"), null below 8 digits. */
export function readPhone(written: string | undefined): string | null {
  if (!written) return null;
  const digits = normalizePhone(written);
  return digits.length >= 8 && digits.length <= 15 ? digits : null;
}

/** A transaction id as written, without the sentence's final dot. */
export function cleanTransactionId(written: string | undefined): string | null {
  const id = written?.replace(/[._-]+$/, "");
  return id && id.length >= 4 ? id.toUpperCase() : null;
}

/** Group 1 of the last match of `pattern` in `text`. */
function lastMatch(pattern: RegExp, text: string): string | undefined {
  return [...text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))].at(-1)?.[1];
}

/** Reads `body` with one operator's format. */
export function readWithFormat(format: OperatorFormat, body: string): SmsReading {
  const text = plainText(body);
  const received = format.received.exec(text);
  if (!received) return { outcome: "not_payment", provider: format.provider, reason: "not_a_payment" };
  const from = format.amountAfter?.exec(text) ?? received;
  const amount = readAmount(text.slice(from.index + from[0].length));
  if (!amount) return { outcome: "unreadable", provider: format.provider, reason: "amount_missing" };
  if (!amount.currency) return { outcome: "unreadable", provider: format.provider, reason: "currency_missing" };
  if (amount.currency !== "XOF")
    return { outcome: "unreadable", provider: format.provider, reason: "currency_unsupported" };
  const transactionId = cleanTransactionId(
    format.transactionIdLast ? lastMatch(format.transactionId, text) : format.transactionId.exec(text)?.[1],
  );
  if (!transactionId) return { outcome: "unreadable", provider: format.provider, reason: "transaction_id_missing" };
  const note = format.note.exec(text)?.[1];
  return {
    outcome: "payment",
    payment: {
      provider: format.provider,
      amount: amount.amount,
      currency: amount.currency,
      phone: readPhone(format.phone.exec(text)?.[1]),
      transactionId,
      reference: note ? readReference(note) : null,
    },
  };
}
