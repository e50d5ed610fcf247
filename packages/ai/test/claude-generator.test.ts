import { AppError, LessonContentSchema, QuizContentSchema } from "@sira/contracts";
import { createLogger, parseConfig } from "@sira/infra";
import { afterEach, describe, expect, it } from "vitest";
import { createGenerator } from "../src/generation/index.ts";
import type { ContentGenerator } from "../src/types.ts";
import { claudeConfigFor, type FakeAnthropic, startFakeAnthropic } from "./anthropic-fake-server.ts";
import { CHUNKS, CTX_FR, LESSON_CLOSING_FR } from "./fixtures/generation-chunks.ts";

const logger = createLogger("test", "silent");
let fake: FakeAnthropic;

afterEach(async () => {
  await fake?.close();
});

async function claude(replies: Parameters<typeof startFakeAnthropic>[0]): Promise<ContentGenerator> {
  fake = await startFakeAnthropic(replies);
  return createGenerator(claudeConfigFor(fake), logger);
}

const LESSON = [
  "# L'inflation et le budget",
  "",
  "## Introduction",
  "",
  "L'inflation est la hausse générale des prix [1]. Un budget prévoit recettes et dépenses [2].",
  "",
  "## Concepts clés",
  "",
  "### L'inflation",
  "",
  "Elle réduit le pouvoir d'achat [1][7].",
  "",
  "### Le budget",
  "",
  "Un budget équilibré ne dépense pas plus qu'il ne reçoit [2, 9].",
  "",
  "## Exemple : Une commerçante de Thiès",
  "",
  "Elle gagne 150 000 FCFA par mois [2].",
  "",
  ...LESSON_CLOSING_FR,
].join("\n");

function quizJson(count: number, overrides: { source?: number; options?: string[]; type?: string } = {}) {
  return JSON.stringify({
    questions: Array.from({ length: count }, (_, i) => ({
      question: `Question ${i + 1} sur l'inflation ?`,
      options: i === 0 && overrides.options ? overrides.options : ["A", "B", "C", "D"],
      correct_index: i % 4,
      explanation: `Voir la source [${(i % 2) + 1}].`,
      source: i === count - 1 && overrides.source ? overrides.source : (i % 2) + 1,
      difficulty: (i % 5) + 1,
      type: overrides.type ?? (["recall", "application", "analysis"] as const)[i % 3],
      concept: "inflation",
    })),
  });
}

describe("Claude generator against a local Anthropic Messages server", () => {
  it("streams a lesson: request built from the course context, deltas in order, citations resolved and filtered", async () => {
    const generator = await claude([{ text: LESSON, deltaSize: 3, inputTokens: 812, outputTokens: 345 }]);
    const deltas: string[] = [];
    const result = await generator.lesson(CTX_FR, CHUNKS, { onDelta: (d) => deltas.push(d) });

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.url).toBe("/v1/messages");
    // SDK 1.x sends the key as a bearer token (older SDKs used x-api-key); the fake accepts both.
    const credential = request?.headers["x-api-key"] ?? request?.headers.authorization?.replace(/^Bearer /, "");
    expect(credential).toBe("sk-ant-test-key");
    expect(request?.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request?.body.model).toBe("claude-test-model");
    expect(request?.body.stream).toBe(true);
    const system = request?.body.system ?? "";
    expect(system).toContain(CTX_FR.topic);
    expect(system).toContain(CTX_FR.courseTitle);
    expect(system).toContain("Write everything in French");
    expect(system).toContain("Senegal");
    expect(system).toContain("XOF");
    expect(system).toContain("Learner level 2 of 4");
    expect(system).toContain("Target Bloom level: understand");
    expect(system).toContain("Expliquer l'inflation");
    const user = request?.body.messages[0];
    expect(user?.role).toBe("user");
    expect(user?.content).toContain(`[1] (economie-de-base.pdf, chapter "L'inflation", page 3, language fr)`);
    expect(user?.content).toContain("## Concepts clés");
    expect(user?.content).toContain("## Points clés");

    expect(deltas.length).toBeGreaterThan(50);
    const streamed = deltas.join("");
    expect(streamed).toBe(result.content.markdown);
    expect(streamed).not.toContain("[7]");
    expect(streamed).toContain("pouvoir d'achat [1].");
    expect(streamed).toContain("[2]."); // "[2, 9]" loses its out-of-range number
    expect(streamed).not.toContain("9]");

    expect(LessonContentSchema.parse(result.content)).toEqual(result.content);
    expect(result.content.concepts.map((c) => c.title)).toEqual(["L'inflation", "Le budget"]);
    expect(result.content.example.title).toBe("Une commerçante de Thiès");
    expect(result.content.key_points).toHaveLength(5);
    expect(result.sourcesCited.map((s) => s.chunk_id)).toEqual([CHUNKS[0]?.id, CHUNKS[1]?.id]);
    expect(result.sourcesCited[0]).toEqual({
      chunk_id: CHUNKS[0]?.id,
      resource_id: CHUNKS[0]?.resourceId,
      source: "economie-de-base.pdf",
      chapter: "L'inflation",
      page: 3,
    });
    expect(result.usage).toEqual({ inputTokens: 812, outputTokens: 345 });
    expect(result.offline).toBe(false);
    expect(result.model).toBe("claude-test-model");
    expect(result.metadata?.repaired).toBe(false);
  });

  it("repairs an invalid lesson once, sending back the output and the problems", async () => {
    const broken = LESSON.replace("- Un budget équilibré évite les dettes [2].\n", "");
    const generator = await claude([{ text: broken }, { text: LESSON }]);
    const deltas: string[] = [];
    const result = await generator.lesson(CTX_FR, CHUNKS, { onDelta: (d) => deltas.push(d) });
    expect(fake.requests).toHaveLength(2);
    const messages = fake.requests[1]?.body.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(messages[1]?.content).toBe(broken.trim());
    expect(messages[2]?.content).toContain("key_points");
    expect(deltas.join("")).toBe(broken.replace("[1][7]", "[1]").replace("[2, 9]", "[2]"));
    expect(result.content.key_points).toHaveLength(5);
    expect(result.metadata).toMatchObject({ repaired: true, streamed_text_replaced: true });
  });

  it("repairs invalid JSON once and adds up the usage of both calls", async () => {
    const generator = await claude([
      { text: `Voici le quiz : ${quizJson(10, { options: ["A", "B", "C"] })}`, inputTokens: 100, outputTokens: 40 },
      { text: `\`\`\`json\n${quizJson(10)}\n\`\`\``, inputTokens: 150, outputTokens: 60 },
    ]);
    const result = await generator.quiz(CTX_FR, CHUNKS, { count: 10 });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]?.body.messages[2]?.content).toContain("questions.0.options");
    expect(QuizContentSchema.parse(result.content).questions).toHaveLength(10);
    expect(result.usage).toEqual({ inputTokens: 250, outputTokens: 100 });
    expect(result.metadata).toMatchObject({ repaired: true, requested: 10, produced: 10 });
  });

  it("fails with GENERATION_FAILED after a second invalid output, without a third call", async () => {
    const generator = await claude([
      { text: "not json at all" },
      { text: '{"questions": []}' },
      { text: quizJson(10) },
    ]);
    const error = await generator.quiz(CTX_FR, CHUNKS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("GENERATION_FAILED");
    expect(fake.requests).toHaveLength(2);
  });

  it("asks a 30-question bank again when it lacks a type of question or falls short", async () => {
    const generator = await claude([{ text: quizJson(30, { type: "recall" }) }, { text: quizJson(30) }]);
    const result = await generator.quiz(CTX_FR, CHUNKS, { count: 30 });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]?.body.messages[0]?.content).toContain("exactly 30 questions");
    const repair = String(fake.requests[1]?.body.messages[2]?.content);
    expect(repair).toContain('0 "analysis" questions; write at least 6');
    expect(result.content.questions).toHaveLength(30);
    const short = await claude([{ text: quizJson(20) }, { text: quizJson(25) }]);
    expect(((await short.quiz(CTX_FR, CHUNKS, { count: 30 }).catch((e: unknown) => e)) as AppError).code).toBe(
      "GENERATION_FAILED",
    );
  });

  it("drops a question whose source is outside the retrieved set", async () => {
    const generator = await claude([{ text: quizJson(11, { source: 42 }) }]);
    const result = await generator.quiz(CTX_FR, CHUNKS, { count: 10 });
    expect(fake.requests).toHaveLength(1);
    expect(result.content.questions).toHaveLength(10);
    expect(result.content.questions.every((q) => q.source >= 1 && q.source <= CHUNKS.length)).toBe(true);
    expect(result.sourcesCited.map((s) => s.chunk_id)).toEqual([CHUNKS[0]?.id, CHUNKS[1]?.id]);
  });

  it("retries an overloaded (529) answer and succeeds", async () => {
    const generator = await claude([
      { status: 529, errorType: "overloaded_error", message: "Overloaded", retryAfterMs: 5 },
      { text: quizJson(10) },
    ]);
    const result = await generator.quiz(CTX_FR, CHUNKS);
    expect(fake.requests).toHaveLength(2);
    expect(result.content.questions).toHaveLength(10);
  });

  it("turns a 400 into GENERATION_FAILED without retrying", async () => {
    const generator = await claude([
      { status: 400, errorType: "invalid_request_error", message: "max_tokens too large" },
    ]);
    const error = await generator.caseStudy(CTX_FR, CHUNKS).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("GENERATION_FAILED");
    expect(fake.requests).toHaveLength(1);
  });

  it("turns an error event in the stream into GENERATION_FAILED", async () => {
    const generator = await claude([
      { streamError: { type: "overloaded_error", message: "Overloaded" }, textBefore: "# Ti" },
    ]);
    const error = await generator.lesson(CTX_FR, CHUNKS).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("GENERATION_FAILED");
    expect(fake.requests).toHaveLength(1);
  });

  it("stops the request when the caller aborts", async () => {
    const generator = await claude([{ hangAfter: "# L'inflation" }]);
    const controller = new AbortController();
    const deltas: string[] = [];
    const pending = generator.lesson(CTX_FR, CHUNKS, {
      signal: controller.signal,
      onDelta: (d) => {
        deltas.push(d);
        controller.abort(new Error("learner left"));
      },
    });
    await expect(pending).rejects.toThrow("learner left");
    await fake.closed;
    expect(deltas.join("")).toBe("# L'inflation");
    expect(fake.requests).toHaveLength(1);
  });

  it("keeps structure prerequisites backwards and books_sources on the given documents", async () => {
    const resourceId = "44444444-4444-4444-8444-444444444444";
    const moduleOf = (title: string, prerequisites: number[], resource: string) => ({
      title_fr: title,
      title_en: title,
      description_fr: "Description",
      description_en: "Description",
      level: 1,
      estimated_hours: 2,
      bloom_level: "remember",
      objectives_fr: [],
      objectives_en: [],
      prerequisites,
      books_sources: { resources: [{ resource_id: resource, filename: "x.pdf", chapters: ["Ch"], pages: null }] },
      units: [
        {
          title_fr: "U",
          title_en: "U",
          description_fr: null,
          description_en: null,
          unit_type: "lesson",
          estimated_minutes: 30,
        },
      ],
    });
    const generator = await claude([
      {
        text: JSON.stringify({
          modules: [
            moduleOf("Un", [1], resourceId),
            moduleOf("Deux", [0, 0, 5], "55555555-5555-4555-8555-555555555555"),
          ],
        }),
      },
    ]);
    const result = await generator.structure({
      courseTitle: "Économie de base",
      topic: "économie",
      languages: ["fr", "en"],
      documents: [
        {
          resourceId,
          filename: "economie.pdf",
          outline: [{ title: "Un", level: 1, page: 1 }],
          summary: "Résumé",
          pageCount: 4,
          charCount: 9000,
          excerpts: [],
        },
      ],
    });
    expect(fake.requests[0]?.body.messages[0]?.content).toContain(`id ${resourceId}`);
    expect(fake.requests[0]?.body.messages[0]?.content).toContain("- Un (p. 1)");
    const [first, second] = result.content.modules;
    expect(first?.prerequisites).toEqual([]);
    expect(first?.books_sources.resources).toEqual([
      { resource_id: resourceId, filename: "economie.pdf", chapters: ["Ch"], pages: null },
    ]);
    expect(second?.prerequisites).toEqual([0]);
    expect(second?.books_sources.resources).toEqual([]);
  });
});

describe("createGenerator", () => {
  it("uses the offline generator when no Anthropic key is set", () => {
    const generator = createGenerator(parseConfig({ NODE_ENV: "test" }), logger);
    expect(generator.offline).toBe(true);
    expect(generator.model).toBe("offline-extractive");
  });
});
