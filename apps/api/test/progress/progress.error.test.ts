/**
 * Progress (/modules, /modules/{id}, unit start and complete, /progress): what bad input and wrong
 * state get. Missing or malformed ids, paging and ?fields=, a time spent out of range, ?since= and
 * X-Offline-Queued-At that cannot be trusted, a unit of another module and a locked module: each
 * a problem+json in the request's language, naming the field, with nothing recorded.
 */
import { afterAll, describe, expect, it } from "vitest";
import { closeTestDeps, testApp } from "../helpers.ts";
import { expectProblem, expectTrpcProblem, learnerRequest } from "../learner-problems.ts";
import { progressWorld, unitPath } from "./world.ts";

const { app, deps } = testApp();
const world = progressWorld(deps);
const { mod, lesson } = world;
afterAll(closeTestDeps);

const send = (
  method: string,
  path: string,
  options: { body?: unknown; lang?: "fr" | "en"; headers?: Record<string, string> } = {},
) => learnerRequest(app, world.learner, method, path, options);
const nothingRecorded = async () => {
  expect(await deps.db.userUnitProgress.count()).toBe(0);
  expect(await deps.db.userModuleProgress.count()).toBe(0);
};

describe("GET /api/v1/modules with bad input", () => {
  for (const [query, field] of [
    ["", "course_id"],
    ["course_id=sante", "course_id"],
    [`course_id=${crypto.randomUUID()}&limit=0`, "limit"],
    [`course_id=${crypto.randomUUID()}&limit=101`, "limit"],
    [`course_id=${crypto.randomUUID()}&page=0`, "page"],
  ] as const) {
    it(`refuses ?${query || "(nothing)"} naming ${field}, in French and English`, async () => {
      for (const lang of ["fr", "en"] as const) {
        const res = await send("GET", `/api/v1/modules?${query}`, { lang });
        await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang, field });
      }
    });
  }

  it("names each unknown ?fields= in French", async () => {
    const res = await send("GET", `/api/v1/modules?course_id=${world.course.courseId}&fields=title,user_id`, {
      lang: "fr",
    });
    const problem = await expectProblem(res, { status: 400, code: "UNKNOWN_FIELDS", lang: "fr", customDetail: true });
    expect(problem.errors?.map((e) => e.message)).toEqual(["user_id"]);
    expect(problem.detail).toMatch(/^Champs inconnus : user_id\./);
  });

  it("answers 404 NOT_FOUND for an unknown course in English", async () => {
    await expectProblem(await send("GET", `/api/v1/modules?course_id=${crypto.randomUUID()}`, { lang: "en" }), {
      status: 404,
      code: "NOT_FOUND",
      lang: "en",
    });
  });
});

describe("GET /api/v1/modules/{module_id} with bad input", () => {
  it("names module_id when malformed and answers 404 for an unknown module, in French", async () => {
    await expectProblem(await send("GET", "/api/v1/modules/module-1", { lang: "fr" }), {
      status: 400,
      code: "VALIDATION_FAILED",
      lang: "fr",
      field: "module_id",
    });
    await expectProblem(await send("GET", `/api/v1/modules/${crypto.randomUUID()}`, { lang: "fr" }), {
      status: 404,
      code: "NOT_FOUND",
      lang: "fr",
    });
  });
});

describe("POST /api/v1/modules/{module_id}/units/{unit_id}/start and /complete with bad input", () => {
  for (const action of ["start", "complete"] as const) {
    it(`${action}: names unit_id and module_id when malformed, recording nothing`, async () => {
      await expectProblem(await send("POST", unitPath(mod(0).id, "lecon-1", action), { body: {}, lang: "fr" }), {
        status: 400,
        code: "VALIDATION_FAILED",
        lang: "fr",
        field: "unit_id",
      });
      await expectProblem(await send("POST", unitPath("m1", lesson(0), action), { body: {} }), {
        status: 400,
        code: "VALIDATION_FAILED",
        field: "module_id",
      });
      await nothingRecorded();
    });
  }

  for (const [name, body] of [
    ["over a million seconds", { time_spent_seconds: 1_000_001 }],
    ["fractional", { time_spent_seconds: 12.5 }],
    ["as text", { time_spent_seconds: "120" }],
    ["negative", { time_spent_seconds: -1 }],
  ] as const) {
    it(`complete: refuses a time spent ${name}, naming time_spent_seconds in French`, async () => {
      const res = await send("POST", unitPath(mod(0).id, lesson(0), "complete"), { body, lang: "fr" });
      await expectProblem(res, { status: 400, code: "VALIDATION_FAILED", lang: "fr", field: "time_spent_seconds" });
      await nothingRecorded();
    });
  }

  it("complete: refuses a status or score sent by the client (no mass assignment)", async () => {
    for (const body of [{ status: "completed" }, { score: 100 }, { completion_pct: 100 }]) {
      await expectProblem(await send("POST", unitPath(mod(0).id, lesson(0), "complete"), { body }), {
        status: 400,
        code: "VALIDATION_FAILED",
      });
    }
    await nothingRecorded();
  });

  it("answers 404 in French for an unknown unit and for a unit of another module", async () => {
    for (const unitId of [crypto.randomUUID(), lesson(1)]) {
      await expectProblem(await send("POST", unitPath(mod(0).id, unitId, "start"), { lang: "fr" }), {
        status: 404,
        code: "NOT_FOUND",
        lang: "fr",
      });
    }
    await nothingRecorded();
  });

  it("answers 423 MODULE_LOCKED in French and English on a locked module's unit", async () => {
    for (const lang of ["fr", "en"] as const) {
      for (const action of ["start", "complete"] as const) {
        const res = await send("POST", unitPath(mod(1).id, lesson(1), action), { body: {}, lang });
        await expectProblem(res, { status: 423, code: "MODULE_LOCKED", lang });
      }
    }
    await nothingRecorded();
  });

  it("refuses an offline timestamp in the future, beyond the replay window or unreadable", async () => {
    const tooOld = new Date(Date.now() - (deps.config.OFFLINE_REPLAY_MAX_AGE_DAYS + 1) * 86_400_000).toISOString();
    for (const at of [new Date(Date.now() + 3_600_000).toISOString(), tooOld, "12/03/2026"]) {
      const res = await send("POST", unitPath(mod(0).id, lesson(0), "complete"), {
        body: {},
        lang: "en",
        headers: { "x-offline-queued-at": at },
      });
      await expectProblem(res, { status: 400, code: "INVALID_OFFLINE_TIMESTAMP", lang: "en" });
    }
    await nothingRecorded();
  });
});

describe("GET /api/v1/progress with bad input", () => {
  it("refuses a ?since= that is no instant or in the future with INVALID_SINCE, in French", async () => {
    const future = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
    for (const since of ["yesterday", "1700000000", future]) {
      await expectProblem(await send("GET", `/api/v1/progress?since=${since}`, { lang: "fr" }), {
        status: 400,
        code: "INVALID_SINCE",
        lang: "fr",
      });
    }
  });

  it("names limit when out of range", async () => {
    for (const limit of ["0", "101", "many"]) {
      await expectProblem(await send("GET", `/api/v1/progress?limit=${limit}`), {
        status: 400,
        code: "VALIDATION_FAILED",
        field: "limit",
      });
    }
  });
});

describe("the same refusals over tRPC", () => {
  it("names the field, keeps the code and speaks the caller's language", async () => {
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "progress.modules", input: { course_id: world.course.courseId, limit: 101 } },
      { status: 400, code: "VALIDATION_FAILED", lang: "fr", field: "limit" },
    );
    await expectTrpcProblem(
      app,
      world.learner,
      {
        procedure: "progress.completeUnit",
        input: { module_id: mod(0).id, unit_id: lesson(0), time_spent_seconds: -1 },
        mutation: true,
      },
      { status: 400, code: "VALIDATION_FAILED", lang: "en", field: "time_spent_seconds" },
    );
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "progress.completeUnit", input: { module_id: mod(1).id, unit_id: lesson(1) }, mutation: true },
      { status: 423, code: "MODULE_LOCKED", lang: "fr" },
    );
    await expectTrpcProblem(
      app,
      world.learner,
      { procedure: "progress.since", input: { since: "yesterday" } },
      { status: 400, code: "INVALID_SINCE", lang: "en" },
    );
    await nothingRecorded();
  });
});
