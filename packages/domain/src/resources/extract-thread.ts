/**
 * Document extraction off the event loop (decision 0030). Documents are read in worker threads
 * with a heap cap, one document per thread at a time, under a deadline: a file that makes pdf.js
 * or mammoth spin or swell gets its thread terminated and is refused with FILE_TOO_COMPLEX, while
 * the API (or the worker) keeps serving. At most EXTRACTION_THREADS threads per process; a thread
 * is kept for the next document (loading pdf.js and the TypeScript sources costs seconds), and
 * ends after THREAD_IDLE_MS without work or after any failure that is not a plain refusal.
 */
import { Worker } from "node:worker_threads";
import type { ResourceKind } from "@sira/contracts";
import { AppError, type ErrorCode, type FieldError, type Language } from "@sira/contracts/errors";
import type { Config } from "@sira/infra";
import type { ExtractedDocument } from "./extract.ts";

export const EXTRACTION_THREADS = 2;
const THREAD_IDLE_MS = 60_000;

export type ExtractionLimits = Pick<Config, "EXTRACTION_TIMEOUT_MS" | "EXTRACTION_MAX_HEAP_MB">;

export interface ExtractionRequest {
  kind: ResourceKind;
  bytes: Uint8Array;
}

/** What the thread posts back: once `started`, then one reply per request. */
export type ExtractionReply =
  | { started: true }
  | { ok: true; doc: ExtractedDocument }
  | {
      ok: false;
      appError: { code: ErrorCode; fieldErrors?: FieldError[]; details?: Partial<Record<Language, string>> };
    }
  | { ok: false; message: string };

function tooComplex(why: string, cause?: unknown): AppError {
  return new AppError("FILE_TOO_COMPLEX", {
    cause,
    fieldErrors: [{ field: "file", code: "too_complex", message: why }],
  });
}

/** One extraction thread and its start-up. */
interface ReaderThread {
  worker: Worker;
  heapMb: number;
  /** Resolves once the thread's modules are loaded; rejects if they fail to load. */
  started: Promise<void>;
  idleTimer?: NodeJS.Timeout;
}

let running = 0;
const queue: (() => void)[] = [];
const idle: ReaderThread[] = [];

async function acquireSlot(): Promise<() => void> {
  if (running >= EXTRACTION_THREADS) await new Promise<void>((resolve) => queue.push(resolve));
  running += 1;
  return () => {
    running -= 1;
    queue.shift()?.();
  };
}

function spawn(heapMb: number): ReaderThread {
  const worker = new Worker(new URL("./extract-worker.ts", import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
    // Piped and drained, so that a library's console output stays out of the process's own.
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  // Errors reach the reading in progress (readOn); an idle thread that dies just leaves the pool.
  worker.on("error", () => undefined);
  worker.once("exit", () => {
    const at = idle.findIndex((t) => t.worker === worker);
    if (at >= 0) idle.splice(at, 1);
  });
  const started = new Promise<void>((resolve, reject) => {
    const onMessage = (reply: ExtractionReply) => {
      if ("started" in reply) {
        worker.off("error", reject);
        worker.off("message", onMessage);
        resolve();
      }
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
  });
  return { worker, heapMb, started };
}

/** An idle thread with this heap cap, or a new one. */
function takeThread(heapMb: number): ReaderThread {
  const at = idle.findIndex((t) => t.heapMb === heapMb);
  const found = at >= 0 ? idle.splice(at, 1)[0] : undefined;
  if (found) {
    clearTimeout(found.idleTimer);
    found.worker.ref();
    return found;
  }
  // Other caps' idle threads would only hold memory: end them before adding one.
  while (idle.length) void idle.pop()?.worker.terminate();
  return spawn(heapMb);
}

function putBack(thread: ReaderThread): void {
  thread.worker.unref();
  thread.idleTimer = setTimeout(() => {
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
    void thread.worker.terminate();
  }, THREAD_IDLE_MS);
  thread.idleTimer.unref();
  idle.push(thread);
}

function readOn(thread: ReaderThread, request: ExtractionRequest, timeoutMs: number): Promise<ExtractedDocument> {
  const { worker } = thread;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      if (reusable) putBack(thread);
      else void worker.terminate();
      outcome();
    };
    const onMessage = (reply: ExtractionReply) => {
      if ("started" in reply) return;
      if (reply.ok) finish(() => resolve(reply.doc), true);
      else if ("appError" in reply) finish(() => reject(new AppError(reply.appError.code, reply.appError)), true);
      else finish(() => reject(new Error(`document extraction failed: ${reply.message}`)), false);
    };
    // Out of memory, or an exception a library threw outside our reach (pdf.js overflows its stack
    // cloning a deeply nested outline): the document is refused and the thread is not reused.
    const onError = (error: Error & { code?: string }) =>
      finish(
        () =>
          reject(
            error.code === "ERR_WORKER_OUT_OF_MEMORY"
              ? tooComplex(`needs more than ${thread.heapMb} MiB`, error)
              : tooComplex(`the reader failed: ${error.message}`, error),
          ),
        false,
      );
    const onExit = (code: number) => finish(() => reject(tooComplex(`the reader stopped (exit code ${code})`)), false);
    const deadline = setTimeout(
      () => finish(() => reject(tooComplex(`not read within ${timeoutMs} ms`)), false),
      timeoutMs,
    );
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    const copy = new Uint8Array(request.bytes);
    worker.postMessage({ kind: request.kind, bytes: copy } satisfies ExtractionRequest, [copy.buffer]);
  });
}

/** Reads the document in an extraction thread within `limits`; the same refusals as extractDocument. */
export async function extractInThread(
  kind: ResourceKind,
  bytes: Uint8Array,
  limits: ExtractionLimits,
): Promise<ExtractedDocument> {
  const release = await acquireSlot();
  try {
    const thread = takeThread(limits.EXTRACTION_MAX_HEAP_MB);
    try {
      await thread.started;
    } catch (error) {
      void thread.worker.terminate();
      throw error; // the thread could not load its modules: our failure, not the document's
    }
    // The deadline covers reading only: loading the modules once is not the document's doing.
    return await readOn(thread, { kind, bytes }, limits.EXTRACTION_TIMEOUT_MS);
  } finally {
    release();
  }
}
