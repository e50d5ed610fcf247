/** pgvector's text form of a vector, sent as one bound parameter and cast in SQL. */
export function vectorLiteral(vector: number[]): string {
  if (!vector.every(Number.isFinite)) throw new RangeError("vector has a non-finite component");
  return `[${vector.join(",")}]`;
}
