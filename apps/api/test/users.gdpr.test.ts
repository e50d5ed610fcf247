/**
 * GDPR self-service on the real app and database: GET /users/me/export returns everything the user
 * owns and no credential; DELETE /users/me erases personal data, anonymises the account, ends every
 * session, and keeps the credit ledger consistent. Also through tRPC (`users.export`, `users.erase`).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { UserExport } from "@sira/contracts";
import { askTutor, erasedEmail, noteWrongAnswer, rollUpUsage } from "@sira/domain";
import type { Db } from "@sira/infra/db";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { callerAs } from "./trpc-caller.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const ME = "/api/v1/users/me";
const json = { "content-type": "application/json" };
const tag = () => randomUUID().slice(0, 8);

/** One of everything a learner can own, plus credentials that must never leave. */
async function seedAccount(db: Db, userId: string, email: string) {
  const course = await db.course.create({ data: { slug: `hygiene-${tag()}`, titleFr: "Hygiène", titleEn: "Hygiene" } });
  const module = await db.module.create({
    data: {
      courseId: course.id,
      moduleNumber: 1,
      level: 1,
      titleFr: "Mains",
      titleEn: "Hands",
      descriptionFr: "Lavage des mains",
      descriptionEn: "Hand washing",
      estimatedHours: 2,
      bloomLevel: "apply",
    },
  });
  const unit = await db.moduleUnit.create({
    data: { moduleId: module.id, unitNumber: 1, unitType: "lesson", titleFr: "Leçon", titleEn: "Lesson" },
  });
  await db.userCourseEnrollment.create({ data: { userId, courseId: course.id } });
  // The spent code that proved the address at registration.
  await db.emailVerification.create({
    data: { userId, codeHash: "spent", usedAt: new Date(), expiresAt: new Date(Date.now() + 60_000) },
  });
  const moduleProgress = await db.userModuleProgress.create({
    data: { userId, moduleId: module.id, status: "in_progress" },
  });
  const unitProgress = await db.userUnitProgress.create({ data: { userId, unitId: unit.id } });
  const reading = await db.lessonReading.create({
    data: { userId, unitId: unit.id, readPct: 40, lastPosition: { section: 2, offset: 0.4 } },
  });
  const item = await db.quizItem.create({
    data: {
      moduleId: module.id,
      language: "fr",
      difficulty: 3,
      questionType: "recall",
      stem: "Combien de temps se laver les mains ?",
      options: ["5 s", "20 s", "1 min", "5 min"],
      correctOption: 1,
      explanation: "Au moins 20 secondes.",
    },
  });
  const attempt = await db.quizAttempt.create({
    data: {
      userId,
      moduleId: module.id,
      kind: "formative",
      language: "fr",
      maxItems: 10,
      itemCount: 1,
      correctCount: 1,
    },
  });
  const response = await db.quizAttemptResponse.create({
    data: {
      attemptId: attempt.id,
      itemId: item.id,
      position: 1,
      difficulty: 3,
      selectedOption: 1,
      correct: true,
      thetaAfter: 0.5,
      seAfter: 0.8,
      answeredAt: new Date(),
    },
  });
  const card = await db.flashcard.create({
    data: { moduleId: module.id, conceptKey: "hand-rub", termFr: "Friction", definitionFr: "…", definitionEn: "…" },
  });
  const review = await db.flashcardReview.create({ data: { userId, cardId: card.id } });
  const reviewLog = await db.flashcardReviewLog.create({
    data: {
      userId,
      cardId: card.id,
      rating: 3,
      reviewedAt: new Date(),
      stateBefore: "new",
      dueAfter: new Date(),
      stabilityAfter: 1,
      difficultyAfter: 5,
      scheduledDays: 1,
    },
  });
  // A question to the tutor (its answer is left to the worker) and a memory from a wrong answer.
  const learner = { viewer: { userId, role: "learner" as const }, language: "fr" as const, country: "SN" };
  const asked = await askTutor(
    deps,
    learner,
    { course_id: course.id, message: "Comment stériliser une pince ?" },
    { idempotencyKey: null },
  );
  const conversation = { id: asked.conversationId };
  await noteWrongAnswer(deps, {
    userId,
    courseId: course.id,
    stem: "Combien de temps se laver les mains ?",
    chosen: "5 s",
    correct: "20 s",
    language: "fr",
  });
  const memory = await db.learnerMemory.findFirstOrThrow({ where: { userId }, select: { id: true } });
  const account = await db.creditAccount.create({
    data: { userId, balance: 70, totalPurchased: 100, totalSpent: 30 },
  });
  await db.transaction.create({
    data: { accountId: account.id, type: "credit_purchase", amount: 100, balanceAfter: 100 },
  });
  await db.transaction.create({
    data: { accountId: account.id, type: "content_access", amount: -30, balanceAfter: 70, courseId: course.id },
  });
  const subscription = await db.subscription.create({
    data: {
      userId,
      plan: "monthly",
      source: "sms",
      dailyMessageLimit: 50,
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
    },
  });
  const payment = await db.subscriptionPayment.create({
    data: {
      userId,
      subscriptionId: subscription.id,
      provider: "orange_money",
      amount: 2000,
      operatorReference: `OM-${tag()}`,
      status: "confirmed",
      confirmedAt: new Date(),
      phone: "+221770000000",
    },
  });
  const codeHash = randomBytes(32).toString("hex");
  const code = await db.activationCode.create({ data: { codeHash, codeHint: "X7Q2", kind: "credits", credits: 50 } });
  const redemption = await db.activationCodeRedemption.create({ data: { codeId: code.id, userId } });
  const usage = await db.usageEvent.create({ data: { userId, kind: "lesson_view", courseId: course.id } });
  const caseStudy = await db.caseStudySubmission.create({
    data: { userId, unitId: unit.id, language: "fr", answers: ["Isoler le patient."], submittedAt: new Date() },
  });
  const fsrs = await db.fsrsParameterSet.create({
    data: {
      scope: "user",
      userId,
      weights: Array.from({ length: 21 }, (_, i) => i / 10),
      reviewCount: 400,
      logLoss: 0.31,
      defaultLogLoss: 0.35,
      fittedAt: new Date(),
    },
  });
  const pack = await db.creditPackage.create({
    data: { slug: `pack-${tag()}`, nameFr: "Pack", nameEn: "Pack", credits: 100, priceAmount: 1000 },
  });
  const intent = await db.paymentIntent.create({
    data: {
      userId,
      purpose: "credits",
      creditPackageId: pack.id,
      reference: `K${tag().slice(0, 5).toUpperCase()}`,
      amount: 1000,
      // The terms it quoted, as createPaymentIntent writes them (decision 0067).
      credits: 100,
      bonusCredits: 0,
      phone: "+221771112233",
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  const payout = await db.payoutRequest.create({
    data: { userId, credits: 30, provider: "wave", phone: "+221771112233" },
  });
  await rollUpUsage(db); // the roll-up's "who was active" rows name the user too
  const group = await db.userGroup.create({ data: { name: `Cohorte ${tag()}` } });
  await db.userGroupMember.create({ data: { groupId: group.id, userId } });
  const curriculum = await db.curriculum.create({
    data: { slug: `sage-femme-${tag()}`, titleFr: "Sage-femme", titleEn: "Midwifery", visibility: "private" },
  });
  await db.curriculumAccess.create({ data: { curriculumId: curriculum.id, userId } });
  await db.auditLog.create({ data: { actorId: userId, action: "auth.login", targetType: "user", targetId: userId } });
  const linkToken = randomBytes(24).toString("base64url");
  await db.emailOutbox.create({
    data: {
      toAddress: email,
      userId,
      template: "auth.recovery",
      language: "fr",
      subject: "Récupération de votre compte",
      textBody: `https://sira.example/recover?token=${linkToken}`,
      htmlBody: `<a href="https://sira.example/recover?token=${linkToken}">lien</a>`,
      status: "sent",
      transport: "outbox",
      sentAt: new Date(),
    },
  });

  // Credentials.
  const ciphertext = randomBytes(20);
  await db.totpCredential.create({
    data: {
      userId,
      secretCiphertext: ciphertext,
      secretIv: randomBytes(12),
      secretTag: randomBytes(16),
      keyVersion: 1,
      confirmedAt: new Date(),
      lastUsedStep: 59_000_000n,
    },
  });
  const backupHash = randomBytes(32).toString("hex");
  await db.backupCode.create({ data: { userId, codeHash: backupHash } });
  const magicHash = randomBytes(32).toString("hex");
  await db.magicLinkToken.create({
    data: { userId, tokenHash: magicHash, expiresAt: new Date(Date.now() + 15 * 60_000) },
  });
  const refreshHashes = (await db.refreshToken.findMany({ where: { userId } })).map((t) => t.tokenHash);

  return {
    ids: {
      course: course.id,
      moduleProgress: moduleProgress.id,
      unitProgress: unitProgress.id,
      reading: reading.id,
      attempt: attempt.id,
      response: response.id,
      review: review.id,
      reviewLog: reviewLog.id,
      conversation: conversation.id,
      memory: memory.id,
      account: account.id,
      subscription: subscription.id,
      payment: payment.id,
      redemption: redemption.id,
      usage: usage.id,
      curriculum: curriculum.id,
      caseStudy: caseStudy.id,
      fsrs: fsrs.id,
      intent: intent.id,
      payout: payout.id,
    },
    secrets: {
      totpCiphertext: [ciphertext.toString("hex"), ciphertext.toString("base64")],
      codeHash,
      backupHash,
      magicHash,
      refreshHashes,
      linkToken,
    },
  };
}

function callerFor(user: SignedIn | null) {
  return callerAs(deps, user);
}

/** Every key at any depth of a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  }
  return [];
}

const erase = (user: SignedIn, headers: Record<string, string> = {}) =>
  app.request(ME, {
    method: "DELETE",
    headers: { ...user.headers, ...json, ...headers },
    body: JSON.stringify({ confirm: "DELETE" }),
  });

describe("GET /api/v1/users/me/export", () => {
  it("returns everything the user owns as a dated JSON attachment", async () => {
    const user = await signIn(deps, { name: "Awa Diop" });
    const { ids } = await seedAccount(deps.db, user.userId, user.email);
    const res = await app.request(`${ME}/export`, { headers: user.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="sira-export-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const data = (await res.json()) as UserExport;
    expect(res.headers.get("content-disposition")).toContain(data.exported_at.slice(0, 10));
    expect(data.format).toBe("sira.user-export");
    expect(data.profile).toMatchObject({ id: user.userId, email: user.email, name: "Awa Diop" });
    expect(data.enrollments).toEqual([expect.objectContaining({ user_id: user.userId, course_id: ids.course })]);
    expect(data.module_progress.map((r) => r.id)).toEqual([ids.moduleProgress]);
    expect(data.unit_progress.map((r) => r.id)).toEqual([ids.unitProgress]);
    expect(data.lesson_readings).toEqual([
      expect.objectContaining({ id: ids.reading, read_pct: 40, last_position: { section: 2, offset: 0.4 } }),
    ]);
    expect(data.quiz_attempts).toEqual([
      expect.objectContaining({ id: ids.attempt, responses: [expect.objectContaining({ id: ids.response })] }),
    ]);
    expect(data.flashcard_reviews.map((r) => r.id)).toEqual([ids.review]);
    expect(data.flashcard_review_logs.map((r) => r.id)).toEqual([ids.reviewLog]);
    expect(data.tutor_conversations).toEqual([
      expect.objectContaining({
        id: ids.conversation,
        messages: [
          expect.objectContaining({ role: "user", content: "Comment stériliser une pince ?" }),
          expect.objectContaining({ role: "assistant" }),
        ],
      }),
    ]);
    expect(data.learner_memory).toEqual([
      expect.objectContaining({ id: ids.memory, misconceptions: [expect.stringContaining("« 5 s »")] }),
    ]);
    expect(data.tutor_daily_usage).toEqual([expect.objectContaining({ used: 1 })]);
    expect(data.credit_account).toMatchObject({ id: ids.account, balance: 70 });
    expect(data.credit_transactions.map((t) => t.amount)).toEqual([100, -30]);
    expect(data.subscriptions.map((s) => s.id)).toEqual([ids.subscription]);
    expect(data.subscription_payments).toEqual([expect.objectContaining({ id: ids.payment, phone: "+221770000000" })]);
    expect(data.activation_code_redemptions).toEqual([
      expect.objectContaining({ id: ids.redemption, code_kind: "credits", code_hint: "X7Q2" }),
    ]);
    expect(data.usage_events.map((e) => e.id)).toEqual([ids.usage]);
    expect(data.case_study_submissions).toEqual([
      expect.objectContaining({ id: ids.caseStudy, answers: ["Isoler le patient."] }),
    ]);
    expect(data.fsrs_parameters).toEqual([expect.objectContaining({ id: ids.fsrs, review_count: 400 })]);
    expect(data.payment_intents).toEqual([expect.objectContaining({ id: ids.intent, phone: "+221771112233" })]);
    expect(data.payout_requests).toEqual([expect.objectContaining({ id: ids.payout, credits: 30 })]);
    expect(data.payout_requests[0]).not.toHaveProperty("paid_by_id");
    expect(data.group_memberships).toHaveLength(1);
    expect(data.curriculum_access).toEqual([expect.objectContaining({ curriculum_id: ids.curriculum })]);
    expect(data.sessions).toHaveLength(1);
    expect(data.sessions[0]).toMatchObject({ user_agent: "vitest", revoked_at: null });
    expect(data.audit_entries.map((a) => a.action)).toContain("auth.login");
    expect(data.emails).toEqual([expect.objectContaining({ template: "auth.recovery", status: "sent" })]);
  });

  it("contains no credential: no secret, hash or TOTP data, by key or by value", async () => {
    const user = await signIn(deps);
    const { secrets } = await seedAccount(deps.db, user.userId, user.email);
    const res = await app.request(`${ME}/export`, { headers: user.headers });
    const text = await res.text();
    const keys = keysOf(JSON.parse(text));
    expect(keys).toContain("sessions"); // the walk does reach the keys
    expect(secrets.refreshHashes.length).toBeGreaterThan(0);
    expect(keys.filter((k) => /secret|hash|cipher|totp|backup|magic|text_body|html_body/i.test(k))).toEqual([]);
    for (const value of [
      ...secrets.totpCiphertext,
      secrets.codeHash,
      secrets.backupHash,
      secrets.magicHash,
      ...secrets.refreshHashes,
      secrets.linkToken,
      user.refreshToken,
    ]) {
      expect(text).not.toContain(value);
    }
  });

  it("is the same through tRPC users.export", async () => {
    const user = await signIn(deps);
    await seedAccount(deps.db, user.userId, user.email);
    const rest = (await (await app.request(`${ME}/export`, { headers: user.headers })).json()) as UserExport;
    const viaTrpc = await (await callerFor(user)).users.export();
    expect({ ...viaTrpc, exported_at: null, profile: null }).toEqual({ ...rest, exported_at: null, profile: null });
  });
});

describe("DELETE /api/v1/users/me", () => {
  it("erases personal data, anonymises the account and keeps the money trail", async () => {
    const user = await signIn(deps, { name: "Awa Diop" });
    const { ids } = await seedAccount(deps.db, user.userId, user.email);
    expect(
      (await app.request(ME, { method: "PATCH", headers: { ...user.headers, ...json }, body: '{"name":"Awa D."}' }))
        .status,
    ).toBe(200);

    const res = await erase(user);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; erased_at: string };
    expect(body.status).toBe("erased");

    const db = deps.db;
    const row = await db.user.findUniqueOrThrow({ where: { id: user.userId } });
    expect(row).toMatchObject({
      email: erasedEmail(user.userId),
      name: "",
      professionalRole: "erased",
      status: "disabled",
      timezone: null,
      deletedAt: new Date(body.erased_at),
      emailVerifiedAt: null,
    });

    const where = { where: { userId: user.userId } };
    const left = {
      totp: await db.totpCredential.count(where),
      backupCodes: await db.backupCode.count(where),
      magicLinks: await db.magicLinkToken.count(where),
      emailCodes: await db.emailVerification.count(where),
      enrollments: await db.userCourseEnrollment.count(where),
      moduleProgress: await db.userModuleProgress.count(where),
      unitProgress: await db.userUnitProgress.count(where),
      readings: await db.lessonReading.count(where),
      attempts: await db.quizAttempt.count(where),
      responses: await db.quizAttemptResponse.count({ where: { attemptId: ids.attempt } }),
      reviews: await db.flashcardReview.count(where),
      reviewLogs: await db.flashcardReviewLog.count(where),
      conversations: await db.tutorConversation.count(where),
      messages: await db.tutorMessage.count({ where: { conversationId: ids.conversation } }),
      memory: await db.learnerMemory.count(where),
      tutorDays: await db.tutorDailyUsage.count(where),
      usage: await db.usageEvent.count(where),
      activeDays: await db.usageUserDay.count(where),
      groups: await db.userGroupMember.count(where),
      access: await db.curriculumAccess.count(where),
      emails: await db.emailOutbox.count({ where: { OR: [{ userId: user.userId }, { toAddress: user.email }] } }),
    };
    expect(left).toEqual(Object.fromEntries(Object.keys(left).map((k) => [k, 0])));

    // The ledger stays whole and attached to the anonymised row.
    const account = await db.creditAccount.findUniqueOrThrow({ where: { userId: user.userId } });
    const transactions = await db.transaction.findMany({
      where: { accountId: account.id },
      orderBy: { createdAt: "asc" },
    });
    expect(transactions).toHaveLength(2);
    expect(transactions.reduce((sum, t) => sum + t.amount, 0n)).toBe(account.balance);
    expect(transactions.at(-1)?.balanceAfter).toBe(account.balance);
    expect(await db.subscription.count({ where: { id: ids.subscription, userId: user.userId } })).toBe(1);
    expect(await db.subscriptionPayment.count({ where: { id: ids.payment, userId: user.userId } })).toBe(1);
    expect(await db.activationCodeRedemption.count({ where: { id: ids.redemption, userId: user.userId } })).toBe(1);

    // Every session ended, and what identified the device is gone.
    const tokens = await db.refreshToken.findMany(where);
    expect(tokens.length).toBeGreaterThan(0);
    for (const t of tokens) expect(t).toMatchObject({ revokedReason: "account_erased", userAgent: null, ip: null });
  });

  it("audits the erasure without personal data, and redacts earlier profile audits", async () => {
    const user = await signIn(deps, { name: "Awa Diop" });
    await app.request(ME, { method: "PATCH", headers: { ...user.headers, ...json }, body: '{"name":"Awa Sow"}' });
    expect((await erase(user)).status).toBe(200);
    const erasedAudit = await deps.db.auditLog.findFirstOrThrow({ where: { action: "user.erased" } });
    expect(erasedAudit).toMatchObject({ actorId: user.userId, targetType: "user", targetId: user.userId, ip: null });
    expect(erasedAudit.after).toMatchObject({ sessions_revoked: 1 });
    const profileAudit = await deps.db.auditLog.findFirstOrThrow({ where: { action: "user.profile_updated" } });
    expect(profileAudit).toMatchObject({ before: { name: "erased" }, after: { name: "erased" } });
    const everything = JSON.stringify(await deps.db.auditLog.findMany());
    for (const pii of [user.email, "Awa Diop", "Awa Sow", "nurse"]) expect(everything).not.toContain(pii);
  });

  it("ends the sessions: the refresh token no longer works", async () => {
    const user = await signIn(deps);
    expect((await erase(user)).status).toBe(200);
    const refresh = await app.request("/api/v1/auth/refresh", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ refresh_token: user.refreshToken }),
    });
    expect(refresh.status).toBe(401);
  });

  it("ends the session with the account: a retry with the same Idempotency-Key is refused, not run twice", async () => {
    const user = await signIn(deps);
    const first = await erase(user, { "idempotency-key": "erase-0001-abcdef" });
    expect(first.status).toBe(200);
    // The erasure revoked the session, so its access token stops at once (decision 0029).
    const retry = await erase(user, { "idempotency-key": "erase-0001-abcdef" });
    expect(retry.status).toBe(401);
    expect(((await retry.json()) as { code: string }).code).toBe("UNAUTHENTICATED");
    expect(await deps.db.auditLog.count({ where: { action: "user.erased", targetId: user.userId } })).toBe(1);
  });

  it("works through tRPC users.erase", async () => {
    const user = await signIn(deps);
    const answer = await (await callerFor(user)).users.erase({ confirm: "DELETE" });
    expect(answer.status).toBe("erased");
    const row = await deps.db.user.findUniqueOrThrow({ where: { id: user.userId } });
    expect(row.email).toBe(erasedEmail(user.userId));
    expect(row.deletedAt).not.toBeNull();
  });
});
