/**
 * An upload whose connection drops partway (routine on 2G): the body's stream errors. The route
 * answers a 400 `truncated` and keeps nothing; the error never goes unhandled, which would end
 * the API process (and fail this file).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Problem } from "@sira/contracts";
import { closeQueues } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, signIn, testApp } from "../helpers.ts";
import { makeCourse, resourcesPath } from "./fixtures.ts";

// Its own storage: the temporary uploads it compares must be its own, not other files' in flight.
const { app, deps } = testApp({ STORAGE_DIR: mkdtempSync(join(tmpdir(), "sira-dropped-upload-")) });
beforeEach(resetState);
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

const BOUNDARY = "----sira-dropped";
const encoder = new TextEncoder();

/** A multipart body that sends `parts` and then fails, as a request body does when its socket resets. */
function droppingBody(parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(controller) {
      const next = parts.shift();
      if (next !== undefined) {
        controller.enqueue(encoder.encode(next));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      controller.error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
    },
  });
}

const fieldPart = (name: string, value: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const fileHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="cours.md"\r\nContent-Type: text/markdown\r\n\r\n`;

async function uploadDropping(parts: string[]) {
  const admin = await signIn(deps, { role: "admin" });
  const courseId = await makeCourse(deps);
  const res = await app.request(resourcesPath(courseId), {
    method: "POST",
    body: droppingBody(parts),
    headers: { ...admin.headers, "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "accept-language": "fr" },
    duplex: "half",
  } as RequestInit);
  return { res, courseId };
}

async function storedUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of deps.storage.list(prefix)) keys.push(object.key);
  return keys;
}

describe("an upload whose connection drops", () => {
  it("inside the file: 400 truncated, no resource, no temporary object left", async () => {
    const before = await storedUnder("tmp");
    const { res, courseId } = await uploadDropping([
      fileHead,
      `# Paludisme\n\n${"Le paludisme est une maladie. ".repeat(400)}`,
    ]);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors).toEqual([expect.objectContaining({ field: "file", code: "truncated" })]);
    expect(await deps.db.courseResource.count({ where: { courseId } })).toBe(0);
    expect(await storedUnder("tmp")).toEqual(before);
  });

  it("before the file part: 400 truncated on the file field", async () => {
    const { res } = await uploadDropping([fieldPart("title", "Cours")]);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as Problem;
    expect(problem.errors).toEqual([expect.objectContaining({ field: "file", code: "truncated" })]);
  });

  it("leaves the API answering: the next upload of the same course goes through", async () => {
    const { courseId } = await uploadDropping([fileHead, "# Partiel"]);
    const admin = await signIn(deps, { role: "admin" });
    const form = new FormData();
    form.append(
      "file",
      new Blob([encoder.encode("# Paludisme\n\nUne maladie transmise par les moustiques.\n")]),
      "cours.md",
    );
    const res = await app.request(resourcesPath(courseId), { method: "POST", body: form, headers: admin.headers });
    expect(res.status).toBe(201);
  });
});
