/**
 * Erasure reaches every table of the learner's own making: the answers typed into a case study and
 * the FSRS weights fitted to the learner's reviews go with the rest of the learning data. A payment
 * intent left open closes, and loses the phone number the learner typed.
 */
import type { FsrsFit } from "@sira/algorithms";
import type { CaseStudyContent } from "@sira/contracts";
import { candidateIntents, storeFsrsFit } from "@sira/domain";
import { afterAll, describe, expect, it } from "vitest";
import { storeGeneratedContent } from "../../../packages/domain/src/content/index.ts";
import { sampleSource } from "../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, testApp } from "./helpers.ts";
import { moneyWorld } from "./money/world.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const json = { "content-type": "application/json" };

const send = (user: SignedIn, method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { ...user.headers, ...json },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const erase = (user: SignedIn) => send(user, "DELETE", "/api/v1/users/me", { confirm: "DELETE" });

const caseStudy: CaseStudyContent = {
  title: "Le riz à Dakar",
  scenario: "Une coopérative de Thiès doit fixer le prix du riz après une hausse des arrivages [1].",
  data: [{ label: "Arrivages au port", value: "+20 %" }],
  questions: [{ question: "Que devient le prix d'équilibre ?", hint: null }],
  correction: [{ question_index: 0, answer: "Il baisse.", annotation: "L'offre augmente [1]." }],
};

/** The learner answers a case study of the world's course, over the API. */
async function answerCaseStudy(text: string): Promise<void> {
  const { moduleId } = world.course;
  const unit = await deps.db.moduleUnit.create({
    data: { moduleId, unitNumber: 3, unitType: "case_study", titleFr: "Étude de cas", titleEn: "Case study" },
  });
  const stored = await storeGeneratedContent(
    deps.db,
    { moduleId, unitId: unit.id, contentType: "case", language: "fr", level: 1, country: "SN" },
    { content: caseStudy, sourcesCited: [sampleSource()], model: "offline-extractive", metadata: { offline: true } },
  );
  const res = await app.request(`/api/v1/modules/${moduleId}/case-studies/${unit.id}/submission`, {
    method: "POST",
    headers: { ...world.learner.headers, ...json },
    body: JSON.stringify({ content_id: stored.id, version: 1, answers: [text] }),
  });
  expect(res.status).toBe(200);
}

/** What the weekly FSRS job stores for a learner whose fitted weights beat the defaults. */
async function fitLearnerWeights(userId: string): Promise<void> {
  const evaluation = { logLoss: 0.3, rmseBins: 0.1 };
  const fit: FsrsFit = {
    weights: Array.from({ length: 21 }, (_, i) => 0.1 * (i + 1)),
    reviewCount: 400,
    trainItems: 300,
    testItems: 100,
    fitted: evaluation,
    defaults: { ...evaluation, logLoss: 0.4 },
    improves: true,
  };
  await storeFsrsFit(deps.db, { scope: "user", userId }, fit, 400, new Date());
}

describe("DELETE /api/v1/users/me", () => {
  it("deletes the learner's case-study answers and fitted FSRS weights", async () => {
    const { userId } = world.learner;
    await answerCaseStudy("Mon employeur, la clinique Keur Massar, paie mal ses infirmiers.");
    await fitLearnerWeights(userId);
    expect(await deps.db.caseStudySubmission.count({ where: { userId } })).toBe(1);
    expect(await deps.db.fsrsParameterSet.count({ where: { userId } })).toBe(1);

    expect((await erase(world.learner)).status).toBe(200);

    expect(await deps.db.caseStudySubmission.count({ where: { userId } })).toBe(0);
    expect(await deps.db.fsrsParameterSet.count({ where: { userId } })).toBe(0);
    const audit = await deps.db.auditLog.findFirstOrThrow({ where: { action: "user.erased", targetId: userId } });
    expect(audit.after).toMatchObject({ deleted: { case_study_submissions: 1, fsrs_parameter_sets: 1 } });
  });

  it("closes the learner's open payment intent and forgets its phone number", async () => {
    const { packageId } = await moneyWorld(deps, send);
    const opened = await send(world.learner, "POST", "/api/v1/payments/intents", {
      purpose: "credits",
      package_id: packageId,
      phone: "+221 77 123 45 67",
    });
    expect(opened.status).toBe(201);
    const intent = (await opened.json()) as { id: string; reference: string; amount: number; currency: string };

    expect((await erase(world.learner)).status).toBe(200);

    // An SMS quoting the reference no longer pays the erased account: it goes to the admin's review.
    const facts = { provider: "orange_money" as const, amount: intent.amount, currency: intent.currency };
    // Also one received before the erasure and relayed after it: the relay matches at its receipt.
    for (const at of [new Date(), new Date(Date.now() - 60_000)]) {
      expect(await candidateIntents(deps.db, { ...facts, phone: null, reference: intent.reference }, at)).toEqual([]);
    }
    const row = await deps.db.paymentIntent.findUniqueOrThrow({ where: { id: intent.id } });
    expect(row.phone).toBeNull();
  });
});
