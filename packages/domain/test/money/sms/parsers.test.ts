/**
 * Operator SMS as the merchant phone receives them: each operator's confirmation is read (amount
 * whatever the thousands separator, payer's number, transaction id, our reference when valid);
 * anything else is not a payment, and a confirmation with a part missing is unreadable.
 */
import { describe, expect, it } from "vitest";
import { providerOfSender, readAmount, readOperatorSms, readReference } from "../../../src/money/sms/index.ts";

// Valid references (the last character is the check character of the first five).
const REF = "K7M4QG";
const OTHER_REF = "P3RW8N";

function payment(sender: string, body: string) {
  const reading = readOperatorSms(sender, body);
  if (reading.outcome !== "payment") throw new Error(`not read as a payment: ${JSON.stringify(reading)}`);
  return reading.payment;
}

describe("Orange Money", () => {
  it("reads a received transfer with the reference in the note", () => {
    expect(
      payment(
        "OrangeMoney",
        `Vous avez reçu un transfert de 5000 FCFA du 771234567. Ref: CI240518.1532.A12345. Motif: ${REF}. Nouveau solde: 125 000 FCFA.`,
      ),
    ).toEqual({
      provider: "orange_money",
      amount: 5000,
      currency: "XOF",
      phone: "771234567",
      transactionId: "CI240518.1532.A12345",
      reference: REF,
    });
  });

  it("reads a merchant payment with spaced thousands, a lower-case reference among words, and no accents", () => {
    const read = payment(
      "Orange Money",
      "Vous avez recu un paiement de 12 500 FCFA du +225 07 07 12 34 56. Ref: MP240601.0912.B0042. Motif: sira p3rw8n merci. Nouveau solde: 40 000 FCFA.",
    );
    expect(read).toMatchObject({ amount: 12500, phone: "2250707123456", reference: OTHER_REF });
  });

  it("keeps the payment but no reference when the note's code fails its check character", () => {
    const read = payment(
      "OrangeMoney",
      "Vous avez reçu un transfert de 5000 FCFA du 771234567. Ref: CI240518.1532.A12346. Motif: K7M4QH. Nouveau solde: 9 000 FCFA.",
    );
    expect(read.reference).toBeNull();
    expect(read.amount).toBe(5000);
  });

  it("takes Orange's own Ref, which comes before the payer's note", () => {
    const read = payment(
      "OrangeMoney",
      "Vous avez reçu un transfert de 100 FCFA du 771234567. Ref: CI240518.1532.A99999. Motif: Ref: CI240518.1532.A12345. Nouveau solde: 9 100 FCFA.",
    );
    expect(read.transactionId).toBe("CI240518.1532.A99999");
  });
});

describe("Wave", () => {
  it("reads dotted thousands with F, the number in brackets and the message", () => {
    expect(
      payment(
        "Wave",
        `Vous avez reçu 5.000F de Aminata Traoré (77 123 45 67). Message : ${REF}. ID de transaction : T_5JQK2ZP3XH4A. Nouveau solde : 12.500F.`,
      ),
    ).toEqual({
      provider: "wave",
      amount: 5000,
      currency: "XOF",
      phone: "771234567",
      transactionId: "T_5JQK2ZP3XH4A",
      reference: REF,
    });
  });

  it("reads a payment without a message: no reference", () => {
    const read = payment(
      "Wave",
      "Vous avez reçu 2.000F de Moussa Diop (78 555 44 33). ID de transaction : T_AB12CD34EF56. Nouveau solde : 14.500F.",
    );
    expect(read).toMatchObject({ amount: 2000, phone: "785554433", reference: null });
  });

  it("takes Wave's transaction id, not one the payer wrote in the message before it", () => {
    const read = payment(
      "Wave",
      "Vous avez reçu 100F de Awa Ndiaye (78 000 11 22). Message : ID de transaction : T_VICTIM12345. ID de transaction : T_REAL5678AB. Nouveau solde : 12.600F.",
    );
    expect(read).toMatchObject({ amount: 100, phone: "780001122", transactionId: "T_REAL5678AB" });
  });
});

describe("MTN MoMo", () => {
  it("reads comma thousands, the ISO code, the international number and the id at the end", () => {
    expect(
      payment(
        "MobileMoney",
        `Vous avez recu 5,000 XOF de AMINATA TRAORE (22997123456) le 2026-05-18 15:32:10. Message de l'expediteur: ${REF}. Votre nouveau solde est de 48,500 XOF. ID de transaction: 8765432109.`,
      ),
    ).toEqual({
      provider: "mtn_momo",
      amount: 5000,
      currency: "XOF",
      phone: "22997123456",
      transactionId: "8765432109",
      reference: REF,
    });
  });

  it("answers to the 'MTN MoMo' sender name too", () => {
    const read = payment(
      "MTN MoMo",
      "Vous avez recu 10,000 XOF de KOFFI JEAN (22996000111) le 2026-05-18 16:00:00. Message de l'expediteur: formation. Votre nouveau solde est de 58,500 XOF. ID de transaction: 8765432110.",
    );
    expect(read).toMatchObject({ amount: 10000, reference: null, transactionId: "8765432110" });
  });

  it("takes MTN's transaction id, not one the payer wrote in the message before it", () => {
    const read = payment(
      "MobileMoney",
      "Vous avez recu 100 XOF de KOFFI JEAN (22996000111) le 2026-05-18 16:00:00. Message de l'expediteur: ID de transaction: 8765432110. Votre nouveau solde est de 58,600 XOF. ID de transaction: 8765432199.",
    );
    expect(read).toMatchObject({ amount: 100, phone: "22996000111", transactionId: "8765432199" });
  });
});

describe("Moov Money", () => {
  it("reads the number first, then the amount, the reference transaction and the note", () => {
    expect(
      payment(
        "MoovMoney",
        `Transfert reçu de 22997123456 : 5 000 FCFA. Réf. transaction : MM240518.1532.C00123. Motif : ${REF}. Solde : 30 000 FCFA.`,
      ),
    ).toEqual({
      provider: "moov_money",
      amount: 5000,
      currency: "XOF",
      phone: "22997123456",
      transactionId: "MM240518.1532.C00123",
      reference: REF,
    });
  });

  it("reads a deposit from Flooz", () => {
    const read = payment(
      "Flooz",
      "Dépôt reçu de 90123456 : 2 000 FCFA. Réf. transaction : FL240518.0001.D77. Motif : H2T9NJ. Solde : 2 000 FCFA.",
    );
    expect(read).toMatchObject({ amount: 2000, phone: "90123456", reference: "H2T9NJ" });
  });
});

describe("what is not a payment", () => {
  it.each([
    ["OrangeMoney", "Profitez de 50% de bonus sur vos recharges ce week-end ! Tapez #144# pour en profiter."],
    ["OrangeMoney", "Vous avez reçu un bonus de 500 Mo valable 7 jours."],
    ["OrangeMoney", "Vous avez envoyé 5000 FCFA au 771234567. Ref: CI240518.1600.X1. Nouveau solde: 120 000 FCFA."],
    ["Wave", "Votre solde est de 12.500F."],
    ["MobileMoney", "Cher client, MoMo Pay est disponible chez tous nos marchands. Payez sans frais !"],
    ["MoovMoney", "Votre code secret a été modifié avec succès."],
  ])("%s: %s", (sender, body) => {
    expect(readOperatorSms(sender, body)).toMatchObject({ outcome: "not_payment", reason: "not_a_payment" });
  });

  it("does not read an operator's text sent by anyone else", () => {
    const reading = readOperatorSms(
      "+221771234567",
      `Vous avez reçu un transfert de 5000 FCFA du 771234567. Ref: CI240518.1532.A12345. Motif: ${REF}.`,
    );
    expect(reading).toEqual({ outcome: "not_payment", provider: null, reason: "unknown_sender" });
  });
});

describe("a confirmation that cannot be taken as a payment", () => {
  it.each([
    ["OrangeMoney", "Vous avez reçu un transfert de ", "amount_missing"],
    ["OrangeMoney", "Vous avez reçu un transfert de 5000", "currency_missing"],
    ["OrangeMoney", "Vous avez reçu un transfert de 5000 FCFA du 7712", "transaction_id_missing"],
    [
      "MobileMoney",
      "Vous avez recu 50.00 EUR de JEAN DUPONT (33612345678). ID de transaction: 1234567.",
      "currency_unsupported",
    ],
    ["Wave", "Vous avez reçu 5.000,50F de Awa (77 000 00 00). ID de transaction : T_1.", "amount_missing"],
  ])("%s: %s → %s", (sender, body, reason) => {
    expect(readOperatorSms(sender, body)).toMatchObject({ outcome: "unreadable", reason });
  });
});

describe("amounts and references", () => {
  it.each([
    ["5000 FCFA", 5000],
    ["5 000 FCFA", 5000],
    ["5\u202f000\u00a0FCFA", 5000],
    ["5.000F", 5000],
    ["5,000 XOF", 5000],
    ["1 250 000 F CFA", 1250000],
    ["5 000,00 FCFA", 5000],
  ])("%s is %i francs CFA", (written, amount) => {
    // Amounts are read from plain text: the parsers turn no-break spaces into spaces first.
    expect(readAmount(written.replace(/[\u00a0\u202f]/g, " "))).toEqual({ amount, currency: "XOF" });
  });

  it("takes our reference from the note only when its check character holds, even split or dashed", () => {
    expect(readReference("paiement K7M4-QG")).toBe(REF);
    expect(readReference("K7M4 QG")).toBe(REF);
    expect(readReference("K7M4QZ")).toBeNull();
    expect(readReference("formation Sira")).toBeNull();
  });

  it("knows the operators' sender names", () => {
    expect(["OrangeMoney", "Wave", "MTN MoMo", "MoovMoney", "Amazon"].map(providerOfSender)).toEqual([
      "orange_money",
      "wave",
      "mtn_momo",
      "moov_money",
      null,
    ]);
  });

  it("takes a sender for an operator only when it is one of its ids whole, spaces around and case aside", () => {
    expect([" wave ", "ORANGEMONEY", "Orange Money"].map(providerOfSender)).toEqual([
      "wave",
      "orange_money",
      "orange_money",
    ]);
    expect(
      ["WAVE-2", "Wave Promo", "Wave2", "W.A.V.E", "OrangeMoney.", "MoMo-Pay", "Orange-Money-CI"].map(providerOfSender),
    ).toEqual([null, null, null, null, null, null, null]);
    expect(
      readOperatorSms("WAVE-2", "Vous avez reçu 5.000F de Aminata (77 123 45 67). ID de transaction : T_X0001."),
    ).toEqual({
      outcome: "not_payment",
      provider: null,
      reason: "unknown_sender",
    });
  });
});
