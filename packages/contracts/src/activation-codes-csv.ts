/**
 * A generated batch as a CSV file for printing: one row per code with its kind, what it grants,
 * its expiry and the batch label. Cells a spreadsheet would run as a formula are quoted as text.
 * The API answers it for `?format=csv`; the console builds the same file from the JSON answer.
 */
import type { GeneratedActivationCodes } from "./activation-codes.ts";

export const ACTIVATION_CODES_CSV_COLUMNS = ["code", "kind", "value", "expires_at", "batch_label"] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** What one code of the batch grants, as a printed cell. */
export function batchValue(batch: Omit<GeneratedActivationCodes, "codes">): string {
  switch (batch.kind) {
    case "credits":
      return `${batch.credits} credits`;
    case "subscription":
      return `${batch.plan} ${batch.duration_days}d`;
    case "course":
      return `course ${batch.course_id}`;
    case "curriculum":
      return `curriculum ${batch.curriculum_id}`;
  }
}

/** The batch's codes as CSV (RFC 4180, CRLF line ends, a header row). */
export function activationCodesCsv(batch: GeneratedActivationCodes): string {
  const value = batchValue(batch);
  const rows = batch.codes.map((c) => [c.code, batch.kind, value, batch.expires_at ?? "", batch.label ?? ""]);
  const lines = [[...ACTIVATION_CODES_CSV_COLUMNS], ...rows].map((row) => `${row.map(cell).join(",")}\r\n`);
  return lines.join("");
}
