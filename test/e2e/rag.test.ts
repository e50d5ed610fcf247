/**
 * End to end, course documents to a streamed lesson, with only real components: the API on a
 * port, a BullMQ worker process, PostgreSQL/pgvector, Redis, the offline embedder and generator.
 * A PDF built here (outline, French and English pages, an image) is uploaded and indexed, the
 * course structure is generated and accepted, and an enrolled learner streams a lesson over SSE.
 */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../apps/api/test/helpers.ts";
import { buildTestPdf } from "../../packages/domain/test/fixtures/pdf.ts";
import { courseAdmin } from "./courses.ts";
import { type CallInit, callJson, poll as pollUntil } from "./http.ts";
import { type Service, type Stack, startStack } from "./processes.ts";
import { deltaText, readEvents } from "./sse.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let worker: Service;
let base: string;
let admin: SignedIn;
let learner: SignedIn;

const api_ = <T>(path: string, init: CallInit = {}) => callJson<T>(base, path, init);
const poll = <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string) =>
  pollUntil(read, done, what, { context: () => worker.output().slice(-4000) });

const MARKET_FR = [
  "Chapitre 1. Le marché et la formation des prix.",
  "Le prix d'équilibre est le prix auquel la quantité offerte est égale à la quantité demandée.",
  "Quand la demande augmente, le prix d'équilibre monte et les vendeurs offrent davantage.",
  "Au marché de Sandaga à Dakar, le prix du riz varie selon les arrivages du port.",
  "L'élasticité-prix mesure la sensibilité de la demande à une variation du prix.",
];
const MARKET_EN = [
  "Chapter 2. Supply, demand and market equilibrium.",
  "The equilibrium price is the price at which the quantity supplied equals the quantity demanded.",
  "When demand rises, the equilibrium price goes up and sellers supply more.",
  "Price elasticity measures how strongly demand responds to a change in price.",
  "A price ceiling below equilibrium creates a shortage in the market.",
];
const MARKET_FR_2 = [
  "Chapitre 3. La monnaie et l'inflation.",
  "L'inflation est la hausse générale et durable du niveau des prix.",
  "La banque centrale relève son taux directeur pour freiner l'inflation.",
  "Dans la zone UEMOA, la BCEAO conduit la politique monétaire commune.",
];

const createCourse = (title: string, description: string) =>
  courseAdmin(base, admin, poll).createCourse(title, description);
const upload = (courseId: string, bytes: Uint8Array, filename: string) =>
  courseAdmin(base, admin, poll).upload(courseId, bytes, filename);

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  const deps = testDeps();
  admin = await signIn(deps, { role: "admin" });
  learner = await signIn(deps, { role: "learner", preferredLanguage: "fr", country: "SN" });
  stack = await startStack({ SSE_COALESCE_MS: "200" });
  ({ base, worker } = stack);
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

describe("from a course PDF to a streamed, grounded lesson", () => {
  it("uploads, indexes, structures and streams a lesson citing only its own course", async () => {
    // 1. Two courses on the same subject, each with its own document.
    const courseId = await createCourse("Économie de marché", "Les prix, l'offre, la demande et la monnaie.");
    const otherId = await createCourse("Économie comparée", "Un autre cours sur les prix et les marchés.");

    const pdf = await buildTestPdf({
      pages: [{ text: MARKET_FR, image: true }, { text: MARKET_EN }, { text: MARKET_FR_2 }],
      outline: [
        { title: "Le marché et la formation des prix", page: 1 },
        { title: "Supply and demand", page: 2 },
        { title: "La monnaie et l'inflation", page: 3 },
      ],
    });
    const otherPdf = await buildTestPdf({
      pages: [
        {
          text: [
            "Chapitre 1. Les prix sur les marchés.",
            "Le prix d'équilibre égalise l'offre et la demande sur chaque marché.",
            "Les quantités demandées baissent quand le prix augmente.",
          ],
        },
      ],
      outline: [{ title: "Les prix", page: 1 }],
    });

    // 2. Index both.
    const resource = await upload(courseId, pdf, "economie.pdf");
    expect(resource.index_status).toBe("done");
    expect(resource.chunk_count).toBeGreaterThan(0);
    const other = await upload(otherId, otherPdf, "autre.pdf");
    expect(other.index_status).toBe("done");

    const languages = await db.$queryRaw<{ language: string }[]>`
      SELECT DISTINCT language FROM document_chunks WHERE course_id = ${courseId}::uuid ORDER BY language`;
    expect(languages.map((l) => l.language)).toEqual(["en", "fr"]);
    const stored = await db.courseResource.findUniqueOrThrow({ where: { id: resource.id } });
    expect(stored.pageCount).toBe(3);
    expect(Array.isArray(stored.tocJson) && stored.tocJson.length).toBe(3);

    // The image on page 1 was extracted, with a WebP thumbnail.
    const images = await poll(
      async () =>
        (
          await api_<{ items: { id: string; page: number }[] }>(`/api/v1/courses/${courseId}/source-images`, {
            as: admin,
          })
        ).body,
      (page) => page.items.length > 0,
      "image extraction",
    );
    expect(images.items[0]?.page).toBe(1);
    const thumb = await fetch(`${base}/api/v1/source-images/${images.items[0]?.id}/thumbnail`, {
      headers: admin.headers,
    });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/webp");

    // 3. Generate the structure, then accept it.
    const proposal = await courseAdmin(base, admin, poll).proposeStructure(courseId);
    expect(proposal.status).toBe("ready");
    // Each chapter holds a few sentences, too little for a module of its own: one module, whose
    // lessons are the three chapters.
    expect(proposal.proposal?.modules.length).toBe(1);
    expect(proposal.proposal?.modules[0]?.units.filter((u) => u.unit_type === "lesson").map((u) => u.title_fr)).toEqual(
      ["Le marché et la formation des prix", "Supply and demand", "La monnaie et l'inflation"],
    );
    const accepted = await api_(`/api/v1/admin/courses/${courseId}/structure-proposals/${proposal.id}/accept`, {
      method: "POST",
      as: admin,
      body: JSON.stringify({}),
    });
    expect(accepted.status).toBe(200);
    const modules = await db.module.findMany({
      where: { courseId },
      orderBy: { moduleNumber: "asc" },
      include: { units: { orderBy: { unitNumber: "asc" } } },
    });
    expect(modules).toHaveLength(1);
    const lessonUnit = modules[0]?.units.find((u) => u.unitType === "lesson");
    if (!lessonUnit || !modules[0]) throw new Error("the accepted structure has no lesson unit in module 1");

    // 4. Publish, enroll, and stream the lesson over SSE.
    expect((await api_(`/api/v1/admin/courses/${courseId}/publish`, { method: "POST", as: admin })).status).toBe(200);
    expect((await api_(`/api/v1/courses/${courseId}/enroll`, { method: "POST", as: learner })).status).toBeLessThan(
      300,
    );

    const res = await fetch(`${base}/api/v1/modules/${modules[0].id}/lessons/${lessonUnit.id}/stream`, {
      headers: { ...learner.headers, accept: "text/event-stream", "accept-language": "fr" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const { events, firstSeenWhileOpen } = await readEvents(res);
    expect(firstSeenWhileOpen).toBe(true);
    expect(events[0]?.event).toBe("meta");
    expect(events.at(-1)?.event).toBe("done");
    expect(events.some((e) => e.event === "error")).toBe(false);
    expect(deltaText(events)).toContain("## ");

    // 5. Every cited source is a chunk of this course; no other course's chunk ever appears.
    // The stream names its sources compactly; the lesson's sources_cited has them in full, in order.
    const citation = events.find((e) => e.event === "citation")?.data as { docs: string[]; refs: { doc: number }[] };
    expect(citation.refs.length).toBeGreaterThan(0);
    const full = await api_<{ sources_cited: { chunk_id: string; source: string }[] }>(
      `/api/v1/modules/${modules[0].id}/lessons/${lessonUnit.id}?fields=sources_cited,version`,
      { as: learner, headers: { "accept-language": "fr" } },
    );
    expect(full.body.sources_cited).toHaveLength(citation.refs.length);
    for (const [i, ref] of citation.refs.entries()) {
      expect(citation.docs[ref.doc]).toBe(full.body.sources_cited[i]?.source);
    }
    const ids = full.body.sources_cited.map((s) => s.chunk_id);
    const owners = await db.documentChunk.findMany({
      where: { id: { in: ids } },
      select: { id: true, courseId: true },
    });
    expect(owners).toHaveLength(ids.length);
    expect(new Set(owners.map((o) => o.courseId))).toEqual(new Set([courseId]));

    const lesson = await api_<{ sources_cited: { chunk_id: string }[]; language: string }>(
      `/api/v1/modules/${modules[0].id}/lessons/${lessonUnit.id}`,
      { as: learner, headers: { "accept-language": "fr" } },
    );
    expect(lesson.status).toBe(200);
    expect(lesson.body.language).toBe("fr");
    const cached = await db.generatedContent.findMany({
      where: { module: { courseId } },
      select: { sourcesCited: true },
    });
    const allCited = cached.flatMap((c) => (c.sourcesCited as { chunk_id: string }[]).map((s) => s.chunk_id));
    const foreign = await db.documentChunk.count({ where: { id: { in: allCited }, courseId: { not: courseId } } });
    expect(foreign).toBe(0);
  }, 180_000);
});
