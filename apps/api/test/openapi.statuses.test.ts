/**
 * The OpenAPI document tells the truth: every operation is walked with malformed path ids, with no
 * credentials, as a learner and as an admin, and every answer's status must be one the operation
 * documents, as problem+json when it is an error. Mutations without path ids get a malformed body
 * instead, so no walk changes anything; those without a body are only walked anonymously.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp({ RATE_LIMIT_PER_MINUTE: "100000" });
afterAll(closeTestDeps);

interface Operation {
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

const MALFORMED_ID = "not-an-id!";
/** A bearer token that is no token at all: refused on any route, public ones included. */
const FORGED: Pick<SignedIn, "headers"> = { headers: { authorization: "Bearer not.a.jwt" } };
let doc: Doc;
let learner: SignedIn;
let admin: SignedIn;

beforeAll(async () => {
  await resetState();
  doc = (await (await app.request("/openapi.json")).json()) as Doc;
  learner = await signIn(deps, { role: "learner" });
  admin = await signIn(deps, { role: "admin" });
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );

const hasPathIds = (path: string) => path.includes("{");
const withMalformedIds = (path: string) => path.replace(/\{[^}]+\}/g, encodeURIComponent(MALFORMED_ID));

async function expectDocumented(
  op: Operation,
  label: string,
  res: Response,
): Promise<{ label: string; status: number } | null> {
  const documented = Object.keys(op.responses);
  const status = String(res.status);
  await res.body?.cancel();
  if (!documented.includes(status)) return { label, status: res.status };
  if (res.status >= 400 && res.status < 500) {
    expect(res.headers.get("content-type"), `${label}: ${status} as problem+json`).toContain(
      "application/problem+json",
    );
    expect(Object.keys(op.responses[status]?.content ?? {}), `${label}: ${status} documented as problem+json`).toEqual([
      "application/problem+json",
    ]);
  }
  return null;
}

describe("the OpenAPI document", () => {
  it("documents every status each operation answers to malformed ids, missing auth and wrong roles", async () => {
    const undocumented: { label: string; status: number }[] = [];
    const walked = { anonymous: 0, learner: 0, admin: 0 };
    for (const { path, method, op } of operations()) {
      const url = withMalformedIds(path);
      const label = `${method} ${path}`;
      const body = op.requestBody ? { body: "{not json", headers: { "content-type": "application/json" } } : {};
      const send = (user: Pick<SignedIn, "headers"> | null) =>
        app.request(url, {
          method,
          ...body,
          headers: { ...body.headers, ...(user ? user.headers : {}) },
        });
      const anonymous = await expectDocumented(op, `${label} anonymous`, await send(null));
      if (anonymous) undocumented.push(anonymous);
      walked.anonymous += 1;
      const forged = await expectDocumented(op, `${label} with a malformed token`, await send(FORGED));
      if (forged) undocumented.push(forged);
      // Signed-in walks only where nothing can change: reads, malformed ids or a malformed body.
      if (method !== "GET" && !hasPathIds(path) && !op.requestBody) continue;
      for (const [name, user] of [
        ["learner", learner],
        ["admin", admin],
      ] as const) {
        const problem = await expectDocumented(op, `${label} as ${name}`, await send(user));
        if (problem) undocumented.push(problem);
        walked[name] += 1;
      }
    }
    expect(undocumented).toEqual([]);
    // The walk really covered the API (guards against an empty or truncated document).
    expect(walked.anonymous).toBeGreaterThan(60);
    expect(walked.admin).toBeGreaterThan(40);
  });

  it("documents refusals as problem+json, 401 on secured operations and 400 on those with path ids", () => {
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        // Every refusal is problem+json (a 503 readiness answer is the probe's own JSON).
        if (Number(status) >= 400 && Number(status) < 500) {
          expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual([
            "application/problem+json",
          ]);
        }
      }
      if (op.security) expect(Object.keys(op.responses), `${method} ${path}`).toContain("401");
      if (hasPathIds(path)) expect(Object.keys(op.responses), `${method} ${path}`).toContain("400");
    }
  });

  it("answers a malformed id with 400 naming the parameter, after the guard", async () => {
    const res = await app.request(`/api/v1/modules/${MALFORMED_ID}/flashcards`, { headers: learner.headers });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors.map((e) => e.field)).toEqual(["module_id"]);
    expect((await app.request(`/api/v1/modules/${MALFORMED_ID}/flashcards`)).status).toBe(401);
    const asLearner = await app.request(`/api/v1/admin/generated-content/${MALFORMED_ID}`, {
      headers: learner.headers,
    });
    expect(asLearner.status).toBe(403);
  });
});
