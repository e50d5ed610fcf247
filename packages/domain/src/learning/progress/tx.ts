/** Progress writes run inside the caller's transaction when given one, else in their own. */
import type { Db, Prisma } from "@sira/infra/db";

export type Tx = Db | Prisma.TransactionClient;

/** Runs `work` in `db`'s transaction: the caller's when `db` already is one, else a new one. */
export function inTransaction<T>(db: Tx, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  if ("$transaction" in db) return db.$transaction(work);
  return work(db);
}
