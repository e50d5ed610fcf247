/**
 * End to end, the offline tutor with only real components: the API on a port, a BullMQ worker
 * process, PostgreSQL/pgvector and Redis. An admin builds a course from its own PDF; a learner
 * enrolls, reads a lesson, asks the tutor a question the document answers, and gets that passage,
 * cited from the course's chunk; the conversation is then read back and the answer replayed.
 */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../apps/api/test/helpers.ts";
import { buildTestPdf } from "../../packages/domain/test/fixtures/pdf.ts";
import { courseAdmin } from "./courses.ts";
import { callJson, poll as pollUntil } from "./http.ts";
import { type Service, type Stack, startStack } from "./processes.ts";
import { deltaText, readEvents } from "./sse.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let worker: Service;
let base: string;
let admin: SignedIn;
let learner: SignedIn;

const call = <T>(path: string, init: Parameters<typeof callJson>[2] = {}) => callJson<T>(base, path, init);
const poll = <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string) =>
  pollUntil(read, done, what, { context: () => worker.output().slice(-4000) });

const INFLATION = "L'inflation est la hausse générale et durable du niveau des prix.";
const PAGES = [
  [
    "Chapitre 1. Le marché et la formation des prix.",
    "Le prix d'équilibre est le prix auquel la quantité offerte est égale à la quantité demandée.",
    "Quand la demande augmente, le prix d'équilibre monte et les vendeurs offrent davantage.",
    "Au marché de Sandaga à Dakar, le prix du riz varie selon les arrivages du port.",
  ],
  [
    "Chapitre 2. La monnaie et l'inflation.",
    INFLATION,
    "La banque centrale relève son taux directeur pour freiner l'inflation.",
    "Dans la zone UEMOA, la BCEAO conduit la politique monétaire commune.",
  ],
];

beforeAll(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  const deps = testDeps();
  admin = await signIn(deps, { role: "admin" });
  learner = await signIn(deps, { role: "learner", preferredLanguage: "fr", country: "SN" });
  stack = await startStack();
  ({ base, worker } = stack);
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

describe("the tutor, end to end", () => {
  it("answers an enrolled learner from the course's own document, citing the passage", async () => {
    // An admin builds and publishes the course from its PDF.
    const admin_ = courseAdmin(base, admin, poll);
    const courseId = await admin_.createCourse("Économie de marché", "Les prix, la monnaie et l'inflation.");
    const pdf = await buildTestPdf({
      pages: PAGES.map((text) => ({ text })),
      outline: [
        { title: "Le marché et la formation des prix", page: 1 },
        { title: "La monnaie et l'inflation", page: 2 },
      ],
    });
    expect((await admin_.upload(courseId, pdf, "economie.pdf")).index_status).toBe("done");
    const proposal = await admin_.proposeStructure(courseId);
    expect(proposal.status).toBe("ready");
    const accept = `/api/v1/admin/courses/${courseId}/structure-proposals/${proposal.id}/accept`;
    expect((await call(accept, { method: "POST", as: admin, body: JSON.stringify({}) })).status).toBe(200);
    expect((await call(`/api/v1/admin/courses/${courseId}/publish`, { method: "POST", as: admin })).status).toBe(200);

    // The learner enrolls and reads the first lesson.
    expect((await call(`/api/v1/courses/${courseId}/enroll`, { method: "POST", as: learner })).status).toBeLessThan(
      300,
    );
    const module = await db.module.findFirstOrThrow({
      where: { courseId },
      orderBy: { moduleNumber: "asc" },
      include: { units: { where: { unitType: "lesson" }, orderBy: { unitNumber: "asc" } } },
    });
    const unit = module.units[0];
    if (!unit) throw new Error("the accepted structure has no lesson");
    const lesson = await fetch(`${base}/api/v1/modules/${module.id}/lessons/${unit.id}/stream`, {
      headers: { ...learner.headers, "accept-language": "fr" },
    });
    const lessonEvents = (await readEvents(lesson)).events;
    expect(lessonEvents.at(-1)?.event).toBe("done");
    const reading = await call(`/api/v1/modules/${module.id}/lessons/${unit.id}/reading`, {
      method: "PUT",
      as: learner,
      body: JSON.stringify({ read_pct: 100, time_spent_seconds: 240 }),
    });
    expect(reading.status).toBe(200);

    // The learner asks the tutor a question the document answers.
    const asked = await fetch(`${base}/api/v1/tutor/messages`, {
      method: "POST",
      headers: { ...learner.headers, "content-type": "application/json", "accept-language": "fr" },
      body: JSON.stringify({
        course_id: courseId,
        module_id: module.id,
        unit_id: unit.id,
        message: "C'est quoi l'inflation ?",
      }),
    });
    expect(asked.status).toBe(200);
    const { events, firstSeenWhileOpen } = await readEvents(asked);
    expect(firstSeenWhileOpen).toBe(true);
    expect(events[0]?.event).toBe("meta");
    expect(events.at(-1)?.event).toBe("done");
    const meta = events[0]?.data as { conversation_id: string; answer_id: string; stream_url: string };
    const answer = deltaText(events);
    expect(answer).toContain(INFLATION.slice(0, -1));

    // The passage is cited from this course's chunk that holds it.
    type Cited = { n: number; chunk_id: string; source: string; page: number | null };
    const citation = events.find((e) => e.event === "citation")?.data as { sources: Cited[] } | undefined;
    const sources = citation?.sources ?? [];
    const cited = await db.documentChunk.findMany({
      where: { id: { in: sources.map((s) => s.chunk_id) } },
      select: { id: true, courseId: true, content: true },
    });
    expect(cited.every((c) => c.courseId === courseId)).toBe(true);
    const holder = cited.find((c) => c.content.includes(INFLATION));
    expect(holder).toBeDefined();
    const source = sources.find((s) => s.chunk_id === holder?.id);
    expect(source).toMatchObject({ source: "economie.pdf", page: 2 });
    expect(answer).toContain(`[${source?.n}]`);

    // The conversation reads back, and the answer replays whole from its stream.
    const history = await call<{ items: { role: string; content: string }[] }>(
      `/api/v1/tutor/conversations/${meta.conversation_id}`,
      { as: learner },
    );
    expect(history.body.items.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(history.body.items[1]?.content).toBe(answer);
    const replay = await fetch(`${base}${meta.stream_url}`, { headers: learner.headers });
    expect(deltaText((await readEvents(replay)).events)).toBe(answer);
    const left = await call<{ used: number }>("/api/v1/tutor/remaining", { as: learner });
    expect(left.body.used).toBe(1);
  }, 180_000);
});
