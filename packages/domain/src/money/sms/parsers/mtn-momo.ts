/**
 * MTN Mobile Money (Côte d'Ivoire, Bénin, Guinée, Cameroun), sender "MobileMoney" or "MTN MoMo".
 * Commas between thousands and the ISO code; the payer's name, the full international number in
 * brackets, the date, the payer's note, the balance, then MTN's transaction id last:
 *
 *   Vous avez recu 5,000 XOF de AMINATA TRAORE (22997123456) le 2026-05-18 15:32:10.
 *   Message de l'expediteur: K7M4QX. Votre nouveau solde est de 48,500 XOF.
 *   ID de transaction: 8765432109.
 */
import type { OperatorFormat } from "./reading.ts";

export const mtnMomo: OperatorFormat = {
  provider: "mtn_momo",
  received: /\bvous avez recu (?:un paiement de )?(?=\d)/i,
  phone: /\((\+?\d[\d ]{6,17}\d)\)/,
  transactionId: /\b(?:ID de transaction|Financial Transaction Id|Transaction Id) ?: ?([A-Z0-9][A-Z0-9._-]{3,40})/i,
  transactionIdLast: true,
  note: /\bMessage(?: de l.expediteur)? ?: ?(.{1,80}?)(?:\.(?: |$)|$)/i,
};
