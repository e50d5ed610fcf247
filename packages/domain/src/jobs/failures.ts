/**
 * The one rule for a failed job: permanent (fail now, no retry) or retryable (BullMQ retries with
 * backoff). Permanent: what retrying cannot change — a payload that does not match its schema, a
 * row that no longer exists, a domain refusal (an AppError below 500: an unreadable document,
 * nothing indexed), or an explicit PermanentJobError. Everything else — a provider or network
 * failure, a database that is briefly away, an AppError of 500 and above — is retried.
 */
import { AppError } from "@sira/contracts";
import { Prisma } from "@sira/infra/db";
import { ZodError } from "zod";

/** A failure a job declares final on purpose. */
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}

/** Prisma's "a record the operation needs was not found". */
const RECORD_NOT_FOUND = "P2025";

/** Whether retrying the job cannot mend `error` (see the module comment). */
export function isPermanentJobFailure(error: unknown): boolean {
  if (error instanceof PermanentJobError || error instanceof ZodError) return true;
  if (error instanceof AppError) return error.status < 500;
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === RECORD_NOT_FOUND;
}
