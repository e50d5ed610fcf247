/**
 * Reading an operator's SMS: the sender id picks the operator when it is exactly one of the
 * operator's known ids (the relay phone receives other SMS too, and a person's number cannot send
 * as "OrangeMoney"), then that operator's format reads the amount, the payer's number, the
 * transaction id and our reference.
 */
import type { Provider } from "../../payments.ts";
import { moovMoney } from "./moov-money.ts";
import { mtnMomo } from "./mtn-momo.ts";
import { orangeMoney } from "./orange-money.ts";
import { type OperatorFormat, readWithFormat, type SmsReading } from "./reading.ts";
import { wave } from "./wave.ts";

export type { ParsedPayment, SmsReading, UnreadableReason } from "./reading.ts";
export { readAmount, readReference } from "./reading.ts";

const FORMATS: Record<Provider, OperatorFormat> = {
  orange_money: orangeMoney,
  wave,
  mtn_momo: mtnMomo,
  moov_money: moovMoney,
};

/**
 * Each operator's sender ids as its SMS show them. A sender is one of them only when it is one
 * whole (trimmed, case aside): "WAVE-2" or "Wave Promo" are anyone's names, not Wave's.
 */
export const OPERATOR_SENDERS: Record<Provider, readonly string[]> = {
  orange_money: ["OrangeMoney", "Orange Money", "Orange"],
  wave: ["Wave"],
  mtn_momo: ["MTN MoMo", "MTNMoMo", "MoMo", "MobileMoney", "Mobile Money", "MTN Mobile Money", "MTNMobileMoney"],
  moov_money: ["MoovMoney", "Moov Money", "Moov Africa", "MoovAfrica", "Moov", "Flooz"],
};

const SENDERS = new Map<string, Provider>(
  Object.entries(OPERATOR_SENDERS).flatMap(([provider, ids]) =>
    ids.map((id): [string, Provider] => [id.toLowerCase(), provider as Provider]),
  ),
);

/** The operator an SMS sender id stands for, null for any other sender. */
export function providerOfSender(sender: string): Provider | null {
  return SENDERS.get(sender.trim().toLowerCase()) ?? null;
}

/** Whether some operator's format reads `body` as a received payment, whoever sent it. */
export function readsAsPayment(body: string): boolean {
  return Object.values(FORMATS).some((format) => readWithFormat(format, body).outcome !== "not_payment");
}

/** What an SMS says, read with its sender's format. */
export function readOperatorSms(sender: string, body: string): SmsReading {
  const provider = providerOfSender(sender);
  if (!provider) return { outcome: "not_payment", provider: null, reason: "unknown_sender" };
  return readWithFormat(FORMATS[provider], body);
}
