/**
 * Shared set-up for the course-document tests: real dependencies (this worker's database, Redis
 * queues and storage directory), users and courses, and sample documents.
 */
import { createAiProviders } from "@sira/ai";
import { type Config, closeQueues, createLogger, createStorage, parseConfig } from "@sira/infra";
import { createDb, type Db } from "@sira/infra/db";
import type { IndexingDeps } from "../../src/resources/index.ts";
import { buildTestPdf } from "../fixtures/pdf.ts";

export function resourceTestDeps(): IndexingDeps & { config: Config; close(): Promise<void> } {
  const config = parseConfig(process.env);
  const db = createDb({ url: config.DATABASE_URL });
  const logger = createLogger("test", "silent");
  const ai = createAiProviders({ config, db, logger });
  return {
    db,
    config,
    logger,
    storage: createStorage(config),
    ai,
    close: async () => {
      await closeQueues();
      await db.$disconnect();
    },
  };
}

export async function makeCourse(db: Db, expertId: string | null = null): Promise<string> {
  const slug = `cours-${crypto.randomUUID().slice(0, 8)}`;
  const row = await db.course.create({
    data: { slug, titleFr: "Santé publique", titleEn: "Public health", expertId, createdById: expertId },
  });
  return row.id;
}

/** The bytes as an upload stream arrives: `chunkSize` bytes at a time, counting what was pulled. */
export function streamOf(bytes: Uint8Array, chunkSize = 16 * 1024): AsyncIterable<Uint8Array> & { pulled: number } {
  const source = {
    pulled: 0,
    async *[Symbol.asyncIterator]() {
      for (let at = 0; at < bytes.byteLength; at += chunkSize) {
        const chunk = bytes.subarray(at, at + chunkSize);
        source.pulled += chunk.byteLength;
        yield chunk;
      }
    },
  };
  return source;
}

const FR_PARAGRAPH =
  "Le paludisme est une maladie parasitaire transmise par la piqûre du moustique anophèle femelle. " +
  "La prévention repose sur les moustiquaires imprégnées et l'assainissement des eaux stagnantes. " +
  "Les agents de santé communautaire orientent les patients fébriles vers le centre de santé le plus proche.";
const EN_PARAGRAPH =
  "Oral rehydration therapy treats dehydration caused by diarrhoea in young children. " +
  "Health workers teach mothers to prepare the solution with clean water, salt and sugar. " +
  "Zinc supplements shorten the illness and reduce the risk of a new episode.";

/** A three-page bilingual PDF with an outline and one image on page 1. */
export function bilingualPdf(): Promise<Uint8Array> {
  return buildTestPdf({
    title: "Guide de santé",
    pages: [
      {
        text: ["Chapitre 1 : Le paludisme", ...Array.from({ length: 6 }, () => FR_PARAGRAPH)],
        image: true,
      },
      { text: ["1.1 Prévention", FR_PARAGRAPH, FR_PARAGRAPH] },
      { text: ["Chapter 2: Diarrhoea", ...Array.from({ length: 6 }, () => EN_PARAGRAPH)] },
    ],
    outline: [
      { title: "Chapitre 1 : Le paludisme", page: 1, children: [{ title: "1.1 Prévention", page: 2 }] },
      { title: "Chapter 2: Diarrhoea", page: 3 },
    ],
  });
}

export const SAMPLE_TEXT = { fr: FR_PARAGRAPH, en: EN_PARAGRAPH };

/** Format and size of an encoded image (for tests outside this package, which has sharp). */
export async function imageInfo(bytes: Uint8Array): Promise<{ format?: string; width?: number; height?: number }> {
  const { default: sharp } = await import("sharp");
  const { format, width, height } = await sharp(bytes).metadata();
  return { format, width, height };
}
