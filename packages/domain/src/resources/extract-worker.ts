/**
 * The extraction thread's entry (see extract-thread.ts): reads the documents it is sent, one at a
 * time, and posts each result, or the refusal as plain data, since an AppError does not survive
 * the trip between threads.
 */
import { parentPort } from "node:worker_threads";
import type { ResourceKind } from "@sira/contracts";
import { AppError } from "@sira/contracts/errors";
import { extractDocument } from "./extract.ts";
import type { ExtractionReply, ExtractionRequest } from "./extract-thread.ts";

async function read(kind: ResourceKind, bytes: Uint8Array): Promise<ExtractionReply> {
  try {
    return { ok: true, doc: await extractDocument(kind, bytes) };
  } catch (error) {
    if (!(error instanceof AppError)) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    const { code, fieldErrors, details } = error;
    return { ok: false, appError: { code, ...(fieldErrors ? { fieldErrors } : {}), ...(details ? { details } : {}) } };
  }
}

parentPort?.on("message", (request: ExtractionRequest) => {
  void read(request.kind, request.bytes).then((reply) => parentPort?.postMessage(reply));
});
// From here on, a crash of the thread is a document's doing, not a module that failed to load.
parentPort?.postMessage({ started: true } satisfies ExtractionReply);
