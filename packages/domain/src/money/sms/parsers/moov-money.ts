/**
 * Moov Money (Bénin, Togo as Flooz, Côte d'Ivoire, Burkina Faso, Niger), sender "MoovMoney" or
 * "Flooz". The payer's number comes first, then the amount:
 *
 *   Transfert reçu de 22997123456 : 5 000 FCFA. Réf. transaction : MM240518.1532.C00123.
 *   Motif : K7M4QX. Solde : 30 000 FCFA.
 *
 * ("Dépôt reçu de" for a deposit at an agent's, in the same shape.)
 */
import type { OperatorFormat } from "./reading.ts";

export const moovMoney: OperatorFormat = {
  provider: "moov_money",
  received: /\b(?:transfert|depot) recu de \+?\d[\d ]{6,17}\d ?:/i,
  phone: /\brecu de (\+?\d[\d ]{6,17}\d)\b/i,
  transactionId: /\b(?:Ref(?:erence)?\.? transaction|Txn ID) ?: ?([A-Z0-9][A-Z0-9._-]{3,40})/i,
  note: /\bMotif ?: ?(.{1,80}?)(?:\.(?: |$)|$)/i,
};
