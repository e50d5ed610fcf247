/**
 * The extraction thread's entry (see extract-thread.ts). It answers one request at a time: read a
 * document's text, or walk a PDF's images one by one (the image job pulls them, so at most one
 * image is in flight). Refusals travel as plain data, since an AppError does not survive the trip
 * between threads.
 */
import { parentPort } from "node:worker_threads";
import { AppError } from "@sira/contracts/errors";
import { extractDocument } from "./extract.ts";
import type { ExtractionReply, ExtractionRequest } from "./extract-thread.ts";
import { type PdfImage, pdfImages } from "./pdf.ts";

let images: AsyncGenerator<PdfImage> | null = null;

function refusal(error: unknown): ExtractionReply {
  if (!(error instanceof AppError)) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const { code, fieldErrors, details } = error;
  return { ok: false, appError: { code, ...(fieldErrors ? { fieldErrors } : {}), ...(details ? { details } : {}) } };
}

async function answer(request: ExtractionRequest): Promise<{ reply: ExtractionReply; transfer: ArrayBuffer[] }> {
  try {
    switch (request.type) {
      case "text":
        return { reply: { ok: true, doc: await extractDocument(request.kind, request.bytes) }, transfer: [] };
      case "images-open":
        await images?.return(undefined);
        images = pdfImages(request.bytes);
        return { reply: { ok: true }, transfer: [] };
      case "images-next": {
        const next = images ? await images.next() : { done: true as const, value: undefined };
        if (next.done) return { reply: { ok: true, image: null }, transfer: [] };
        // A copy: pdf.js may keep (and reuse) the decoded pixels of an image shown on several pages.
        const data = next.value.data.slice();
        return { reply: { ok: true, image: { ...next.value, data } }, transfer: [data.buffer] };
      }
      case "images-close":
        await images?.return(undefined);
        images = null;
        return { reply: { ok: true }, transfer: [] };
    }
  } catch (error) {
    return { reply: refusal(error), transfer: [] };
  }
}

parentPort?.on("message", (request: ExtractionRequest) => {
  void answer(request).then(({ reply, transfer }) => parentPort?.postMessage(reply, transfer));
});
// From here on, a crash of the thread is a document's doing, not a module that failed to load.
parentPort?.postMessage({ started: true } satisfies ExtractionReply);
