/**
 * Wave (Senegal, Côte d'Ivoire, Mali, Burkina Faso), sender "Wave". Amounts in francs with a dot
 * between thousands and "F" after them; the payer's name, then the number in brackets:
 *
 *   Vous avez reçu 5.000F de Aminata Traoré (77 123 45 67). Message : K7M4QX.
 *   ID de transaction : T_5JQK2ZP3XH4A. Nouveau solde : 12.500F.
 */
import type { OperatorFormat } from "./reading.ts";

export const wave: OperatorFormat = {
  provider: "wave",
  received: /\bvous avez recu (?=\d)/i,
  phone: /\((\+?\d[\d ]{6,17}\d)\)/,
  transactionId: /\bID de transaction ?: ?([A-Z0-9][A-Z0-9._-]{3,40})/i,
  transactionIdLast: true,
  note: /\bMessage ?: ?(.{1,80}?)(?:\.(?: |$)|$)/i,
};
