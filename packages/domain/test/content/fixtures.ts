/** Courses, modules, lesson units, learners and stored lessons for the generated-content tests. */
import { replaceResourceChunks } from "@sira/ai";
import type { LessonContent, SourceRef } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { CacheKey } from "../../src/content/cache-key.ts";

export { makeUser } from "../fixtures/users.ts";

export interface CourseFixture {
  courseId: string;
  moduleId: string;
  lessonUnitId: string;
  quizUnitId: string;
}

/** A published course with one module (level 2) holding a lesson unit and a quiz unit. */
export async function makeCourse(
  db: Db,
  options: { expertId?: string; status?: "draft" | "published"; creationStep?: string } = {},
): Promise<CourseFixture> {
  const slug = `cours-${crypto.randomUUID().slice(0, 8)}`;
  const course = await db.course.create({
    data: {
      slug,
      titleFr: "Économie de marché",
      titleEn: "Market economics",
      descriptionFr: "Les prix, l'offre et la demande. Un cours pour débuter.",
      descriptionEn: "Prices, supply and demand. A course for beginners.",
      status: options.status ?? "published",
      creationStep: options.creationStep ?? (options.status === "draft" ? "upload" : "published"),
      expertId: options.expertId ?? null,
      moduleCount: 1,
    },
  });
  const module = await db.module.create({
    data: {
      courseId: course.id,
      moduleNumber: 1,
      level: 2,
      titleFr: "Le marché et les prix",
      titleEn: "Markets and prices",
      descriptionFr: "Comment se forment les prix.",
      descriptionEn: "How prices are formed.",
      estimatedHours: 2,
      bloomLevel: "understand",
      objectivesFr: ["Définir le prix d'équilibre"],
      objectivesEn: ["Define the equilibrium price"],
      units: {
        create: [
          { unitNumber: 1, unitType: "lesson", titleFr: "Le prix d'équilibre", titleEn: "The equilibrium price" },
          { unitNumber: 2, unitType: "quiz", titleFr: "Quiz", titleEn: "Quiz" },
        ],
      },
    },
    include: { units: { orderBy: { unitNumber: "asc" } } },
  });
  return {
    courseId: course.id,
    moduleId: module.id,
    lessonUnitId: module.units[0]?.id as string,
    quizUnitId: module.units[1]?.id as string,
  };
}

/** The cache key of the course's lesson unit: French, level 1, Senegal, unless `overrides` say otherwise. */
export function lessonKey(course: CourseFixture, overrides: Partial<CacheKey> = {}): CacheKey {
  return {
    moduleId: course.moduleId,
    unitId: course.lessonUnitId,
    contentType: "lesson",
    language: "fr",
    level: 1,
    country: "SN",
    ...overrides,
  };
}

export async function enroll(db: Db, userId: string, courseId: string, status = "active"): Promise<void> {
  await db.userCourseEnrollment.create({ data: { userId, courseId, status } });
}

/** A lesson as a generator would produce it; `markdown` is long enough to be split into frames. */
export function sampleLesson(marker = "A"): LessonContent {
  const concepts = [1, 2, 3].map((i) => ({
    title: `Concept ${i}`,
    explanation: `Le prix d'équilibre égalise l'offre et la demande (${marker}${i}) [1].`,
  }));
  const keyPoints = [1, 2, 3, 4, 5].map((i) => `Point clé ${i} ${marker}`);
  const markdown = [
    `# Le prix d'équilibre ${marker}`,
    "## Introduction",
    "Au marché de Sandaga à Dakar, les prix changent chaque jour. ".repeat(8),
    "## Concepts clés",
    ...concepts.map((c) => `### ${c.title}\n${c.explanation}`),
    "## Exemple en contexte",
    "Le riz importé arrive au port : l'offre augmente et le prix baisse. ".repeat(6),
    "## Synthèse",
    "L'équilibre résulte de la rencontre de l'offre et de la demande.",
    "## Points clés",
    ...keyPoints.map((p) => `- ${p}`),
  ].join("\n\n");
  return {
    title: `Le prix d'équilibre ${marker}`,
    introduction: "Au marché de Sandaga, les prix changent chaque jour.",
    concepts,
    example: { title: "Le riz à Dakar", body: "Le riz importé arrive au port." },
    synthesis: "L'équilibre résulte de la rencontre de l'offre et de la demande.",
    key_points: keyPoints,
    markdown,
  };
}

export const sampleSource = (): SourceRef => ({
  chunk_id: crypto.randomUUID(),
  resource_id: crypto.randomUUID(),
  source: "economie.pdf",
  chapter: "Le marché",
  page: 1,
});

/** The market course's text, in French and English, as indexed chunks of one document. */
export const MARKET_TEXT: { text: string; language: "fr" | "en"; chapter: string; page: number }[] = [
  {
    text: "Le prix d'équilibre est le prix auquel la quantité offerte est égale à la quantité demandée. Sur un marché concurrentiel, ce prix se forme par la rencontre de l'offre et de la demande.",
    language: "fr",
    chapter: "Le marché et les prix",
    page: 1,
  },
  {
    text: "Quand la demande augmente, le prix d'équilibre monte et les vendeurs offrent davantage. Quand l'offre augmente, le prix baisse.",
    language: "fr",
    chapter: "Le marché et les prix",
    page: 1,
  },
  {
    text: "Au marché de Sandaga à Dakar, le prix du riz varie selon les arrivages du port. Les commerçants ajustent leurs prix chaque matin.",
    language: "fr",
    chapter: "Le marché et les prix",
    page: 2,
  },
  {
    text: "The equilibrium price is the price at which the quantity supplied equals the quantity demanded. When demand rises, the equilibrium price goes up.",
    language: "en",
    chapter: "Supply and demand",
    page: 3,
  },
  {
    text: "Price elasticity measures how strongly demand responds to a change in price. A price ceiling below equilibrium creates a shortage.",
    language: "en",
    chapter: "Supply and demand",
    page: 3,
  },
];

/** Indexes MARKET_TEXT for the course with the configured embedder: a done resource and its chunks. */
export async function indexMarketText(
  db: Db,
  embedder: { model: string; embed(texts: string[]): Promise<number[][]> },
  courseId: string,
): Promise<{ resourceId: string; chunkIds: string[] }> {
  const resource = await db.courseResource.create({
    data: {
      courseId,
      filename: "economie.pdf",
      contentHash: crypto.randomUUID(),
      mimeType: "application/pdf",
      byteSize: 1000,
      storageKey: `test/${crypto.randomUUID()}`,
      indexStatus: "done",
      indexProgressPct: 100,
      chunkCount: MARKET_TEXT.length,
      pageCount: 3,
      charCount: MARKET_TEXT.reduce((n, c) => n + c.text.length, 0),
      summaryText: "Les prix, l'offre et la demande.",
      tocJson: [
        { title: "Le marché et les prix", level: 1, page: 1 },
        { title: "Supply and demand", level: 1, page: 3 },
      ],
    },
  });
  const vectors = await embedder.embed(MARKET_TEXT.map((c) => c.text));
  const chunks = MARKET_TEXT.map((c, index) => ({ index, tokenCount: 40, ...c }));
  const source = { courseId, resourceId: resource.id, filename: "economie.pdf" };
  await db.$transaction((tx) => replaceResourceChunks(tx, source, chunks, vectors, embedder.model));
  const rows = await db.documentChunk.findMany({
    where: { resourceId: resource.id },
    orderBy: { chunkIndex: "asc" },
    select: { id: true },
  });
  const chunkIds = rows.map((r) => r.id);
  return { resourceId: resource.id, chunkIds };
}
