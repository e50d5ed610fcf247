/**
 * The extraction thread's entry (see extract-thread.ts): reads one document and posts the result,
 * or the refusal as plain data, since an AppError does not survive the trip between threads.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ResourceKind } from "@sira/contracts";
import { AppError } from "@sira/contracts";
import { extractDocument } from "./extract.ts";
import type { ExtractionReply } from "./extract-thread.ts";

// pdf.js can leave a rejected internal promise behind; the document's own result decides.
process.on("unhandledRejection", () => undefined);

const { kind, bytes } = workerData as { kind: ResourceKind; bytes: Uint8Array };
// From here on, a crash of the thread is the document's doing, not a module that failed to load.
parentPort?.postMessage({ started: true } satisfies ExtractionReply);

async function read(): Promise<ExtractionReply> {
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

void read().then((reply) => parentPort?.postMessage(reply));
