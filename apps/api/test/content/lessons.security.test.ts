/**
 * Who lessons and reading progress must refuse, and what they must survive: anonymous callers
 * (REST and tRPC), private courses not granted, a dropped enrollment, concurrent reading reports
 * (one row, the furthest kept), and hostile reading positions (huge, deeply nested, or holding
 * text PostgreSQL cannot store): 400 naming last_position or the body, never 500.
 */
import { afterAll, describe, expect, it } from "vitest";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "../helpers.ts";
import { expectProblem, learnerRequest, trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const lessonPath = () => `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}`;
const readingPath = () => `${lessonPath()}/reading`;
const ids = () => ({ module_id: world.course.moduleId, unit_id: world.course.lessonUnitId });
const putRaw = (body: string) =>
  app.request(readingPath(), {
    method: "PUT",
    headers: { ...world.learner.headers, "content-type": "application/json", "accept-language": "fr" },
    body,
  });
const readings = () => deps.db.lessonReading.count();

describe("anonymous callers", () => {
  it("get 401 on the reading report and sync, over REST and tRPC, and nothing is recorded", async () => {
    await expectProblem(await learnerRequest(app, null, "PUT", readingPath(), { body: { read_pct: 10 } }), {
      status: 401,
      code: "UNAUTHENTICATED",
    });
    await expectProblem(await learnerRequest(app, null, "GET", "/api/v1/lessons/readings"), {
      status: 401,
      code: "UNAUTHENTICATED",
    });
    const api = await callerAs(deps, null);
    expect(await trpcCodeOf(api.content.reading({ ...ids(), read_pct: 10 }))).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(api.content.readings({}))).toBe("UNAUTHENTICATED");
    expect(await readings()).toBe(0);
  });
});

describe("access to the course", () => {
  it("a private course not granted is 404 on the lesson, its stream and the report, over REST and tRPC", async () => {
    await deps.db.course.update({ where: { id: world.course.courseId }, data: { visibility: "private" } });
    for (const [method, path] of [
      ["GET", lessonPath()],
      ["GET", `${lessonPath()}/stream`],
      ["PUT", readingPath()],
    ] as const) {
      const body = method === "PUT" ? { read_pct: 10 } : undefined;
      await expectProblem(await learnerRequest(app, world.learner, method, path, { body }), {
        status: 404,
        code: "NOT_FOUND",
      });
    }
    const api = await callerAs(deps, world.learner);
    expect(await trpcCodeOf(api.content.lesson(ids()))).toBe("NOT_FOUND");
    expect(await trpcCodeOf(api.content.reading({ ...ids(), read_pct: 10 }))).toBe("NOT_FOUND");
    expect(await readings()).toBe(0);
  });

  it("a dropped enrollment can no longer report reading, over REST and tRPC", async () => {
    await deps.db.userCourseEnrollment.update({
      where: { userId_courseId: { userId: world.learner.userId, courseId: world.course.courseId } },
      data: { status: "dropped" },
    });
    await expectProblem(await learnerRequest(app, world.learner, "PUT", readingPath(), { body: { read_pct: 10 } }), {
      status: 403,
      code: "NOT_ENROLLED",
    });
    expect(await trpcCodeOf((await callerAs(deps, world.learner)).content.reading({ ...ids(), read_pct: 10 }))).toBe(
      "NOT_ENROLLED",
    );
    expect(await readings()).toBe(0);
  });
});

describe("replays", () => {
  it("reports sent at once in any order keep one row and the furthest progress", async () => {
    const pcts = [10, 80, 40, 100, 60];
    const responses = await Promise.all(
      pcts.map((read_pct) => learnerRequest(app, world.learner, "PUT", readingPath(), { body: { read_pct } })),
    );
    expect(responses.map((r) => r.status)).toEqual(pcts.map(() => 200));
    const row = await deps.db.lessonReading.findFirstOrThrow();
    expect(row.readPct).toBe(100);
    expect(row.completedAt).not.toBeNull();
    expect(await readings()).toBe(1);
  });
});

describe("hostile reading positions", () => {
  // Text PostgreSQL cannot store is refused for the whole body before the route (http/storable-text.ts).
  const refused: [name: string, body: string, field: string][] = [
    ["a 900 KB blob", JSON.stringify({ read_pct: 10, last_position: { blob: "x".repeat(900_000) } }), "last_position"],
    [
      "50 000 keys",
      JSON.stringify({
        read_pct: 10,
        last_position: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i])),
      }),
      "last_position",
    ],
    [
      "50 000 levels of nesting",
      `{"read_pct":10,"last_position":{"a":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`,
      "last_position",
    ],
    ["a NUL character", JSON.stringify({ read_pct: 10, last_position: { section: "2\u0000" } }), "(body)"],
    ["a NUL character in a key", JSON.stringify({ read_pct: 10, last_position: { "\u0000": 1 } }), "(body)"],
    ["a lone surrogate", JSON.stringify({ read_pct: 10, last_position: { anchor: "\ud800" } }), "(body)"],
  ];
  for (const [name, body, field] of refused) {
    it(`refuses ${name} with 400 naming ${field}, recording nothing`, async () => {
      await expectProblem(await putRaw(body), { status: 400, code: "VALIDATION_FAILED", lang: "fr", field });
      expect(await readings()).toBe(0);
    });
  }

  it("refuses them over tRPC too, and still keeps an ordinary nested position", async () => {
    const api = await callerAs(deps, world.learner);
    expect(await trpcCodeOf(api.content.reading({ ...ids(), read_pct: 10, last_position: { s: "\u0000" } }))).toBe(
      "BAD_REQUEST",
    );
    const position = { section: 3, offset: 1200, anchor: "concept-2", path: [{ heading: "Prix d'équilibre 🌍" }] };
    const res = await learnerRequest(app, world.learner, "PUT", readingPath(), {
      body: { read_pct: 30, last_position: position },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { last_position: unknown }).last_position).toEqual(position);
  });

  it("refuses a body past the limit with 413", async () => {
    const res = await putRaw(JSON.stringify({ read_pct: 10, last_position: { blob: "x".repeat(1_100_000) } }));
    expect(res.status).toBe(413);
    expect(await readings()).toBe(0);
  });
});
