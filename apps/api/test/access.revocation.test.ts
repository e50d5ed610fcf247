/**
 * Access after revocation (decision 0033), through the API listening on a port: a learner enrolled
 * in a private course through a grant or a group loses its content the moment the grant or the
 * membership is withdrawn; every content read then answers 404, as for any hidden course, and the
 * course's cards leave the review queue. The enrollment row itself is kept (its progress matters).
 */
import { describe, expect, it } from "vitest";
import { makeCard } from "../../../packages/domain/test/flashcards/fixtures.ts";
import { makeCourse, makeCurriculum } from "./catalog.fixtures.ts";
import { apiOnPort, type SignedIn, sendJson, signIn } from "./helpers.ts";

const api = apiOnPort({ RATE_LIMIT_PER_MINUTE: "100000" });
const { deps } = api;

const send = (user: SignedIn, method: string, path: string, body?: unknown) =>
  sendJson(api.base, method, path, body, { ...user.headers, "accept-language": "en" });

interface PrivateCourse {
  courseId: string;
  curriculumId: string;
  moduleId: string;
  unitId: string;
  cardId: string;
}

/** A published private course (one module, one lesson, one card) inside a private curriculum. */
async function privateCourse(): Promise<PrivateCourse> {
  const owner = await signIn(deps, { role: "expert" });
  const course = await makeCourse(deps, {
    visibility: "private",
    modules: 1,
    unitsPerModule: 1,
    expertId: owner.userId,
  });
  const curriculum = await makeCurriculum(deps, [course.id], { visibility: "private" });
  const module = await deps.db.module.findFirstOrThrow({ where: { courseId: course.id }, include: { units: true } });
  const cardId = await makeCard(deps.db, module.id, "hygiene-des-mains");
  return {
    courseId: course.id,
    curriculumId: curriculum.id,
    moduleId: module.id,
    unitId: module.units[0]?.id as string,
    cardId,
  };
}

/** The status of each content read a learner makes, and whether the course's card is up for review. */
async function reads(learner: SignedIn, c: PrivateCourse) {
  const due = await send(learner, "GET", "/api/v1/flashcards/due");
  return {
    course: (await send(learner, "GET", `/api/v1/courses/${c.courseId}`)).status,
    modules: (await send(learner, "GET", `/api/v1/modules?course_id=${c.courseId}`)).status,
    module: (await send(learner, "GET", `/api/v1/modules/${c.moduleId}`)).status,
    reading: (await send(learner, "PUT", `/api/v1/modules/${c.moduleId}/lessons/${c.unitId}/reading`, { read_pct: 10 }))
      .status,
    review: (await send(learner, "POST", `/api/v1/flashcards/${c.cardId}/review`, { rating: 3 })).status,
    cardDue: (due.body.items as { id: string }[]).some((card) => card.id === c.cardId),
  };
}

const OPEN = { course: 200, modules: 200, module: 200, reading: 200, review: 200, cardDue: true };
const CLOSED = { course: 404, modules: 404, module: 404, reading: 404, review: 404, cardDue: false };

/** Enrolls through the API, then makes the card due, as a review a day ago would have. */
async function enrollAndReview(learner: SignedIn, c: PrivateCourse) {
  expect((await send(learner, "POST", `/api/v1/courses/${c.courseId}/enroll`)).status).toBeLessThan(300);
  expect((await send(learner, "POST", `/api/v1/flashcards/${c.cardId}/review`, { rating: 1 })).status).toBe(200);
  await deps.db.flashcardReview.updateMany({
    where: { userId: learner.userId, cardId: c.cardId },
    data: { due: new Date(Date.now() - 60_000) },
  });
}

describe("withdrawing a private grant", () => {
  it("closes the course's content at once: 404 everywhere, cards out of review, the enrollment kept", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const learner = await signIn(deps);
    const c = await privateCourse();
    const grant = await send(admin, "POST", `/api/v1/admin/curricula/${c.curriculumId}/access`, {
      user_email: learner.email,
    });
    expect(grant.body).toMatchObject({ created: true });
    await enrollAndReview(learner, c);
    expect(await reads(learner, c)).toEqual(OPEN);

    const revoke = await send(admin, "DELETE", `/api/v1/admin/curricula/${c.curriculumId}/access`, {
      user_email: learner.email,
    });
    expect(revoke.status).toBeLessThan(300);
    expect(await reads(learner, c)).toEqual(CLOSED);
    expect(await deps.db.userCourseEnrollment.count({ where: { userId: learner.userId } })).toBe(1);

    // Granting again gives it back, progress and all.
    await send(admin, "POST", `/api/v1/admin/curricula/${c.curriculumId}/access`, { user_email: learner.email });
    expect((await reads(learner, c)).module).toBe(200);
  });

  it("removing the learner from the granted group closes it the same way", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const learner = await signIn(deps);
    const c = await privateCourse();
    const group = await send(admin, "POST", "/api/v1/admin/groups", { name: "Cohorte Kindia" });
    const groupId = group.body.id as string;
    expect(
      (await send(admin, "POST", `/api/v1/admin/groups/${groupId}/members`, { emails: [learner.email] })).status,
    ).toBe(200);
    expect(
      (await send(admin, "POST", `/api/v1/admin/curricula/${c.curriculumId}/access`, { group_id: groupId })).body,
    ).toMatchObject({ created: true });
    await enrollAndReview(learner, c);
    expect(await reads(learner, c)).toEqual(OPEN);

    expect(
      (await send(admin, "DELETE", `/api/v1/admin/groups/${groupId}/members/${learner.userId}`)).status,
    ).toBeLessThan(300);
    expect(await reads(learner, c)).toEqual(CLOSED);
  });

  it("leaves a public course's content open to its enrolled learners whatever grants say", async () => {
    const learner = await signIn(deps);
    const c = await privateCourse();
    await deps.db.course.update({ where: { id: c.courseId }, data: { visibility: "public" } });
    await enrollAndReview(learner, c);
    expect(await reads(learner, c)).toEqual(OPEN);
  });
});
