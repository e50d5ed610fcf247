/**
 * Document extraction off the event loop (decision 0030). Each document is read in its own worker
 * thread with a heap cap and a deadline: a file that makes pdf.js or mammoth spin or swell is
 * stopped and refused with FILE_TOO_COMPLEX, while the API (or the worker) keeps serving. At most
 * EXTRACTION_THREADS documents are read at once per process; the others wait their turn.
 */
import { Worker } from "node:worker_threads";
import { AppError, type ErrorCode, type FieldError, type Language, type ResourceKind } from "@sira/contracts";
import type { Config } from "@sira/infra";
import type { ExtractedDocument } from "./extract.ts";

export const EXTRACTION_THREADS = 2;

export type ExtractionLimits = Pick<Config, "EXTRACTION_TIMEOUT_MS" | "EXTRACTION_MAX_HEAP_MB">;

/** What the thread posts back. */
export type ExtractionReply =
  | { started: true }
  | { ok: true; doc: ExtractedDocument }
  | {
      ok: false;
      appError: { code: ErrorCode; fieldErrors?: FieldError[]; details?: Partial<Record<Language, string>> };
    }
  | { ok: false; message: string };

let running = 0;
const queue: (() => void)[] = [];

async function acquire(): Promise<() => void> {
  if (running >= EXTRACTION_THREADS) await new Promise<void>((resolve) => queue.push(resolve));
  running += 1;
  return () => {
    running -= 1;
    queue.shift()?.();
  };
}

function tooComplex(why: string, cause?: unknown): AppError {
  return new AppError("FILE_TOO_COMPLEX", {
    cause,
    fieldErrors: [{ field: "file", code: "too_complex", message: why }],
  });
}

function readInThread(kind: ResourceKind, bytes: Uint8Array, limits: ExtractionLimits): Promise<ExtractedDocument> {
  const copy = new Uint8Array(bytes);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./extract-worker.ts", import.meta.url), {
      workerData: { kind, bytes: copy },
      transferList: [copy.buffer],
      resourceLimits: { maxOldGenerationSizeMb: limits.EXTRACTION_MAX_HEAP_MB, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    let started = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      done();
      void worker.terminate();
    };
    const deadline = setTimeout(
      () => settle(() => reject(tooComplex(`not read within ${limits.EXTRACTION_TIMEOUT_MS} ms`))),
      limits.EXTRACTION_TIMEOUT_MS,
    );
    worker.on("message", (reply: ExtractionReply) => {
      if ("started" in reply) {
        started = true;
        return;
      }
      settle(() => {
        if (reply.ok) resolve(reply.doc);
        else if ("appError" in reply) reject(new AppError(reply.appError.code, reply.appError));
        else reject(new Error(`document extraction failed: ${reply.message}`));
      });
    });
    // Out of memory, or an exception a library threw outside our reach (pdf.js overflows its
    // stack cloning a deeply nested outline): the document is refused. Before the start, it is ours.
    worker.on("error", (error: Error & { code?: string }) =>
      settle(() => {
        if (error.code === "ERR_WORKER_OUT_OF_MEMORY") {
          reject(tooComplex(`needs more than ${limits.EXTRACTION_MAX_HEAP_MB} MiB`, error));
        } else reject(started ? tooComplex(`the reader failed: ${error.message}`, error) : error);
      }),
    );
    worker.on("exit", (code) => settle(() => reject(tooComplex(`the reader stopped (exit code ${code})`))));
    // Piped so that a library's console output does not reach the process's own stdout.
    worker.stdout.resume();
    worker.stderr.resume();
  });
}

/** Reads the document in a fresh worker thread within `limits`; the same refusals as extractDocument. */
export async function extractInThread(
  kind: ResourceKind,
  bytes: Uint8Array,
  limits: ExtractionLimits,
): Promise<ExtractedDocument> {
  const release = await acquire();
  try {
    return await readInThread(kind, bytes, limits);
  } finally {
    release();
  }
}
