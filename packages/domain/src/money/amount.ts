/**
 * Credits at the database boundary. The ledger's columns are bigint (the counter-accounts sum every
 * credit ever moved) and Prisma reads them as `bigint`; the domain, the API and its contracts
 * carry credits as JS numbers. Every read of a ledger amount, balance, total or SUM goes through
 * `toCredits()`, which refuses a value a number cannot hold exactly instead of rounding it. Raw SQL
 * casts credits and their sums to `::bigint`, never `::int` (decision 0066).
 */

/** A credit amount read from PostgreSQL, as an exact JS number; throws past 2^53 − 1. */
export function toCredits(value: bigint | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`credit amount ${value} is beyond what a JSON number holds exactly`);
  }
  return n;
}
