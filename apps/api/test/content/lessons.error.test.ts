/**
 * Lessons and reading progress: what bad input and wrong state get. Malformed ids on the lesson,
 * its stream and the reading report, unknown ?fields=, a lesson on a locked module or without
 * indexed documents, reading reports out of range or unstorable, units that are no lesson of the
 * module, and ?since= / X-Offline-Queued-At that cannot be trusted: each a problem+json in the
 * request's language, naming the field, with nothing recorded.
 */
import { afterAll, describe, expect, it } from "vitest";
import { lessonKey, makeCourse, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { addModule } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "../helpers.ts";
import { expectProblem, expectTrpcProblem, learnerRequest } from "../learner-problems.ts";
import { storeOfflineLesson } from "./offline-lessons.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const lessonPath = (moduleId = world.course.moduleId, unitId = world.course.lessonUnitId) =>
  `/api/v1/modules/${moduleId}/lessons/${unitId}`;
const send = (
  method: string,
  path: string,
  options: { body?: unknown; lang?: "fr" | "en"; headers?: Record<string, string> } = {},
) => learnerRequest(app, world.learner, method, path, options);
const readings = () => deps.db.lessonReading.count();

describe("GET the lesson and its stream with bad input or state", () => {
  for (const suffix of ["", "/stream"]) {
    it(`${suffix || "lesson"}: names module_id and unit_id when malformed, in French and English`, async () => {
      for (const lang of ["fr", "en"] as const) {
        await expectProblem(await send("GET", `${lessonPath("m-1")}${suffix}`, { lang }), {
          status: 400,
          code: "VALIDATION_FAILED",
          lang,
          field: "module_id",
        });
        await expectProblem(await send("GET", `${lessonPath(world.course.moduleId, "u-1")}${suffix}`, { lang }), {
          status: 400,
          code: "VALIDATION_FAILED",
          lang,
          field: "unit_id",
        });
      }
    });
  }

  it("names each unknown ?fields= in French", async () => {
    await storeOfflineLesson(deps.db, lessonKey(world.course), sampleLesson());
    const res = await send("GET", `${lessonPath()}?fields=content,prompt,cost_usd`, { lang: "fr" });
    const problem = await expectProblem(res, { status: 400, code: "UNKNOWN_FIELDS", lang: "fr", customDetail: true });
    expect(problem.errors?.map((e) => e.message)).toEqual(["prompt", "cost_usd"]);
  });

  it("answers NO_INDEXED_CONTENT in English when nothing can be generated", async () => {
    await expectProblem(await send("GET", lessonPath(), { lang: "en" }), {
      status: 409,
      code: "NO_INDEXED_CONTENT",
      lang: "en",
    });
  });

  it("answers 423 MODULE_LOCKED in French and English for the lesson and its stream on a locked module", async () => {
    const second = await addModule(deps.db, world.course.courseId);
    const unit = await deps.db.moduleUnit.findFirstOrThrow({ where: { moduleId: second } });
    for (const lang of ["fr", "en"] as const) {
      for (const suffix of ["", "/stream"]) {
        await expectProblem(await send("GET", `${lessonPath(second, unit.id)}${suffix}`, { lang }), {
          status: 423,
          code: "MODULE_LOCKED",
          lang,
        });
      }
    }
  });
});

describe("PUT .../lessons/{unit_id}/reading with bad input or state", () => {
  const cases: [string, unknown, string][] = [
    ["a negative read_pct", { read_pct: -1 }, "read_pct"],
    ["read_pct as text", { read_pct: "50" }, "read_pct"],
    ["no read_pct", { time_spent_seconds: 30 }, "read_pct"],
    ["a time spent over a million seconds", { read_pct: 10, time_spent_seconds: 1_000_001 }, "time_spent_seconds"],
    ["a fractional time spent", { read_pct: 10, time_spent_seconds: 0.5 }, "time_spent_seconds"],
    ["completed as text", { read_pct: 10, completed: "yes" }, "completed"],
    ["a last position that is a list", { read_pct: 10, last_position: [1, 2] }, "last_position"],
    ["a last position that is text", { read_pct: 10, last_position: "section-2" }, "last_position"],
    ["a completion date sent by the client", { read_pct: 10, completed_at: new Date().toISOString() }, ""],
  ];
  for (const [name, body, field] of cases) {
    it(`refuses ${name}: 400${field ? ` naming ${field}` : ""} in French, recording nothing`, async () => {
      const res = await send("PUT", `${lessonPath()}/reading`, { body, lang: "fr" });
      await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang: "fr", ...(field ? { field } : {}) });
      expect(await readings()).toBe(0);
    });
  }

  it("names unit_id when malformed, and 404s a unit of another module and a quiz unit", async () => {
    await expectProblem(
      await send("PUT", `${lessonPath(world.course.moduleId, "lecon")}/reading`, { body: { read_pct: 5 } }),
      {
        status: 400,
        code: "VALIDATION_FAILED",
        field: "unit_id",
      },
    );
    const other = await makeCourse(deps.db);
    for (const unitId of [other.lessonUnitId, world.course.quizUnitId, crypto.randomUUID()]) {
      const res = await send("PUT", `${lessonPath(world.course.moduleId, unitId)}/reading`, {
        body: { read_pct: 5 },
        lang: "fr",
      });
      await expectProblem(res, { status: 404, code: "NOT_FOUND", lang: "fr" });
    }
    expect(await readings()).toBe(0);
  });

  it("answers 423 MODULE_LOCKED on a locked module's lesson", async () => {
    const second = await addModule(deps.db, world.course.courseId);
    const unit = await deps.db.moduleUnit.findFirstOrThrow({ where: { moduleId: second } });
    await expectProblem(
      await send("PUT", `${lessonPath(second, unit.id)}/reading`, { body: { read_pct: 5 }, lang: "en" }),
      {
        status: 423,
        code: "MODULE_LOCKED",
        lang: "en",
      },
    );
    expect(await readings()).toBe(0);
  });

  it("refuses an offline timestamp in the future, beyond the replay window or unreadable", async () => {
    const tooOld = new Date(Date.now() - (deps.config.OFFLINE_REPLAY_MAX_AGE_DAYS + 1) * 86_400_000).toISOString();
    for (const at of [new Date(Date.now() + 3_600_000).toISOString(), tooOld, "now"]) {
      const res = await send("PUT", `${lessonPath()}/reading`, {
        body: { read_pct: 50 },
        lang: "fr",
        headers: { "x-offline-queued-at": at },
      });
      await expectProblem(res, { status: 400, code: "INVALID_OFFLINE_TIMESTAMP", lang: "fr" });
    }
    expect(await readings()).toBe(0);
  });
});

describe("GET /api/v1/lessons/readings with bad input", () => {
  it("refuses ?since= that is no instant or in the future with INVALID_SINCE in English, and names limit", async () => {
    const future = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
    for (const since of ["hier", future]) {
      await expectProblem(await send("GET", `/api/v1/lessons/readings?since=${since}`, { lang: "en" }), {
        status: 400,
        code: "INVALID_SINCE",
        lang: "en",
      });
    }
    for (const limit of ["0", "101"]) {
      await expectProblem(await send("GET", `/api/v1/lessons/readings?limit=${limit}`, { lang: "fr" }), {
        status: 400,
        code: "VALIDATION_FAILED",
        lang: "fr",
        field: "limit",
      });
    }
  });
});

describe("the same refusals over tRPC", () => {
  it("names the field, keeps the code and speaks the caller's language", async () => {
    const ids = { module_id: world.course.moduleId, unit_id: world.course.lessonUnitId };
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "content.lesson", input: { ...ids, unit_id: "u-1" } },
      { status: 400, code: "VALIDATION_FAILED", lang: "fr", field: "unit_id" },
    );
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "content.lesson", input: ids },
      { status: 409, code: "NO_INDEXED_CONTENT", lang: "en" },
    );
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "content.reading", input: { ...ids, read_pct: 101 }, mutation: true },
      { status: 400, code: "VALIDATION_FAILED", lang: "en", field: "read_pct" },
    );
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "content.readings", input: { since: "hier" } },
      { status: 400, code: "INVALID_SINCE", lang: "fr" },
    );
    expect(await readings()).toBe(0);
  });
});
