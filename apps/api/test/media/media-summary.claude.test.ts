/**
 * The media summary with Claude configured (a local server speaking Anthropic's Messages API): the
 * worker asks for one summary per language from the admin's descriptions, writes them to
 * summary_fr and summary_en, and the module's list shows the one in the reader's language.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "../../../../packages/ai/test/anthropic-fake-server.ts";
import { enroll, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, signIn, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

const fake: FakeAnthropic = await startFakeAnthropic();
fake.route = (body) => {
  const user = body.messages[0]?.content ?? "";
  return /in French\./.test(user)
    ? { text: "Une vidéo qui montre comment poser une moustiquaire imprégnée au-dessus d'un lit." }
    : { text: "A video showing how to hang an insecticide-treated net over a bed." };
};
const { app, deps } = testApp({
  ANTHROPIC_API_KEY: "sk-ant-test",
  ANTHROPIC_BASE_URL: fake.url,
  ANTHROPIC_MODEL: "claude-test-model",
});
const send = jsonSender(app, "media-claude");
let workers: TestWorkers;

beforeAll(async () => {
  workers = startTestWorkers(deps);
  await resetState();
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
  await fake.close();
});

describe("a media summary written by Claude", () => {
  it("summarises the descriptions in each language on the worker", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const learner = await signIn(deps, { role: "learner" });
    const course = await makeCourse(deps.db, { expertId: expert.userId });
    await enroll(deps.db, learner.userId, course.courseId);
    const created = await send(expert, "POST", `/api/v1/admin/modules/${course.moduleId}/media`, {
      media_type: "video",
      external_url: "https://videos.example.org/moustiquaire",
      title_fr: "Poser une moustiquaire",
      title_en: "Hanging a bed net",
      description_fr: "Démonstration pas à pas de la pose d'une moustiquaire imprégnée d'insecticide.",
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const row = await until(
      () => deps.db.moduleMedia.findUniqueOrThrow({ where: { id } }),
      (r) => r.status !== "processing",
    );
    expect(row).toMatchObject({
      status: "ready",
      summaryFr: "Une vidéo qui montre comment poser une moustiquaire imprégnée au-dessus d'un lit.",
      summaryEn: "A video showing how to hang an insecticide-treated net over a bed.",
    });
    expect(fake.requests).toHaveLength(2);
    // The French description is the text summarised in both languages (there is no English one).
    for (const request of fake.requests) {
      expect(request.body.messages[0]?.content).toContain("Démonstration pas à pas");
    }
    const list = await send(learner, "GET", `/api/v1/modules/${course.moduleId}/media`, undefined, "fr");
    const page = (await list.json()) as { items: { summary: string }[] };
    expect(page.items[0]?.summary).toBe(row.summaryFr);
  });
});
