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
import type { PdfImage } from "./pdf.ts";

export const EXTRACTION_THREADS = 2;
const THREAD_IDLE_MS = 60_000;

export type ExtractionLimits = Pick<Config, "EXTRACTION_TIMEOUT_MS" | "EXTRACTION_MAX_HEAP_MB">;

/** What the thread is asked: a document's text, or a PDF's images one at a time. */
export type ExtractionRequest =
  | { type: "text"; kind: ResourceKind; bytes: Uint8Array }
  | { type: "images-open"; bytes: Uint8Array }
  | { type: "images-next" }
  | { type: "images-close" };

type Refusal =
  | {
      ok: false;
      appError: { code: ErrorCode; fieldErrors?: FieldError[]; details?: Partial<Record<Language, string>> };
    }
  | { ok: false; message: string };

/** What the thread posts back: once `started`, then one reply per request. */
export type ExtractionReply =
  | { started: true }
  | { ok: true; doc?: ExtractedDocument; image?: PdfImage | null }
  | Refusal;

type Answer = Extract<ExtractionReply, { ok: true }>;

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
  /** Terminated after a failure: never put back. */
  dead?: boolean;
}

/** The thread's module: beside this file in the sources, `extract-worker.js` beside a build's bundle. */
const WORKER_FILE = new URL(
  import.meta.url.endsWith(".ts") ? "./extract-worker.ts" : "./extract-worker.js",
  import.meta.url,
);

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
  const worker = new Worker(WORKER_FILE, {
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
    // Piped and drained, so that a library's console output stays out of the process's own.
    stdout: true,
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  // Errors reach the request in progress (ask); an idle thread that dies just leaves the pool.
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

/**
 * Sends one request and waits for its answer within `timeoutMs`. A refusal (AppError) leaves the
 * thread usable; a deadline, a crash or an unexpected failure terminates it (`thread.dead`).
 */
function ask(
  thread: ReaderThread,
  request: ExtractionRequest,
  timeoutMs: number,
  transfer: ArrayBuffer[] = [],
): Promise<Answer> {
  const { worker } = thread;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void, usable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      if (!usable) {
        thread.dead = true;
        void worker.terminate();
      }
      outcome();
    };
    const onMessage = (reply: ExtractionReply) => {
      if ("started" in reply) return;
      if (reply.ok) finish(() => resolve(reply), true);
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
    worker.postMessage(request, transfer);
  });
}

/** A thread of this heap cap whose modules are loaded (its start-up is not the document's doing). */
async function startedThread(limits: ExtractionLimits): Promise<ReaderThread> {
  const thread = takeThread(limits.EXTRACTION_MAX_HEAP_MB);
  try {
    await thread.started;
  } catch (error) {
    thread.dead = true;
    void thread.worker.terminate();
    throw error; // the thread could not load its modules: our failure, not the document's
  }
  return thread;
}

/** Reads the document in an extraction thread within `limits`; the same refusals as extractDocument. */
export async function extractInThread(
  kind: ResourceKind,
  bytes: Uint8Array,
  limits: ExtractionLimits,
): Promise<ExtractedDocument> {
  const release = await acquireSlot();
  let thread: ReaderThread | undefined;
  try {
    thread = await startedThread(limits);
    const copy = new Uint8Array(bytes);
    const answer = await ask(thread, { type: "text", kind, bytes: copy }, limits.EXTRACTION_TIMEOUT_MS, [copy.buffer]);
    if (!answer.doc) throw new Error("the extraction thread returned no document");
    return answer.doc;
  } finally {
    if (thread && !thread.dead) putBack(thread);
    release();
  }
}

/**
 * A PDF's images, decoded in an extraction thread one at a time, each within the deadline: a PDF
 * that makes pdf.js crash or spin ends the walk with FILE_TOO_COMPLEX, not the process.
 */
export async function* pdfImagesInThread(bytes: Uint8Array, limits: ExtractionLimits): AsyncGenerator<PdfImage> {
  const release = await acquireSlot();
  let thread: ReaderThread | undefined;
  let open = false;
  try {
    thread = await startedThread(limits);
    const copy = new Uint8Array(bytes);
    await ask(thread, { type: "images-open", bytes: copy }, limits.EXTRACTION_TIMEOUT_MS, [copy.buffer]);
    open = true;
    for (;;) {
      const { image } = await ask(thread, { type: "images-next" }, limits.EXTRACTION_TIMEOUT_MS);
      if (!image) break;
      yield image;
    }
  } finally {
    if (thread && !thread.dead) {
      if (open) await ask(thread, { type: "images-close" }, limits.EXTRACTION_TIMEOUT_MS).catch(() => undefined);
      if (!thread.dead) putBack(thread);
    }
    release();
  }
}
