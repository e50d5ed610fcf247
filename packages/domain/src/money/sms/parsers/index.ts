/**
 * Reading an operator's SMS: the sender name picks the operator (the relay phone receives other
 * SMS too, and a person's number cannot send as "OrangeMoney"), then that operator's format reads
 * the amount, the payer's number, the transaction id and our reference.
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

/** Sender names as the operators' SMS show them, lower case and letters only. */
const SENDERS: Record<string, Provider> = {
  orangemoney: "orange_money",
  orange: "orange_money",
  wave: "wave",
  mtnmomo: "mtn_momo",
  momo: "mtn_momo",
  mobilemoney: "mtn_momo",
  mtnmobilemoney: "mtn_momo",
  moovmoney: "moov_money",
  moovafrica: "moov_money",
  moov: "moov_money",
  flooz: "moov_money",
};

/** The operator an SMS sender name stands for, null for any other sender. */
export function providerOfSender(sender: string): Provider | null {
  return SENDERS[sender.toLowerCase().replace(/[^a-z]/g, "")] ?? null;
}

/** What an SMS says, read with its sender's format. */
export function readOperatorSms(sender: string, body: string): SmsReading {
  const provider = providerOfSender(sender);
  if (!provider) return { outcome: "not_payment", provider: null, reason: "unknown_sender" };
  return readWithFormat(FORMATS[provider], body);
}
