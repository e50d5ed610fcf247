/**
 * Orange Money (Senegal, Côte d'Ivoire, Mali, Burkina Faso), sender "OrangeMoney". A transfer
 * received by the merchant number reads:
 *
 *   Vous avez reçu un transfert de 5000 FCFA du 771234567. Ref: CI240518.1532.A12345.
 *   Motif: K7M4QX. Nouveau solde: 125 000 FCFA.
 *
 * ("un paiement de" instead of "un transfert de" for a merchant payment; "Ref" is Orange's
 * transaction id, "Motif" the payer's note.)
 */
import type { OperatorFormat } from "./reading.ts";

export const orangeMoney: OperatorFormat = {
  provider: "orange_money",
  received: /\bvous avez recu un (?:transfert|paiement) de\b/i,
  phone: /\bdu (\+?\d[\d ]{6,17}\d)\b/i,
  transactionId: /\bRef(?:erence)? ?: ?([A-Z0-9][A-Z0-9._-]{3,40})/i,
  note: /\bMotif ?: ?(.{1,80}?)(?:\.(?: |$)|$)/i,
};
