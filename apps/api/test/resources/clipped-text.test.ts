/**
 * A document's name (255 UTF-16 units) and its bookmark titles (300) are cut by length. A cut that
 * fell inside an emoji kept half of it, a lone surrogate, which the audit row's and the outline's
 * jsonb refuse: the upload ended in a 500. Each case has its control one character shorter, where
 * the whole emoji fits.
 */
import type { UploadedResource } from "@sira/contracts";
import { closeQueues } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { bilingualPdf, buildTestPdf, makeCourse, upload } from "./fixtures.ts";

const { app, deps } = testApp();
let expert: SignedIn;
let courseId: string;
beforeEach(async () => {
  await resetState();
  expert = await signIn(deps, { role: "expert" });
  courseId = await makeCourse(deps, expert.userId);
});
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

const EMOJI = "😀"; // two UTF-16 units

function guide(bookmark: string): Promise<Uint8Array> {
  const text = Array.from({ length: 30 }, () => "Le paludisme se transmet par la piqûre du moustique anophèle.");
  return buildTestPdf({ title: "Guide", pages: [{ text }], outline: [{ title: bookmark, page: 1 }] });
}

async function uploadedAudit(resourceId: string) {
  return deps.db.auditLog.findFirst({ where: { action: "course_resource.uploaded", targetId: resourceId } });
}

describe("text cut by length keeps every emoji whole", () => {
  it("a name whose 255th unit is the first half of an emoji is stored without it", async () => {
    const name = `${"a".repeat(254)}${EMOJI}.pdf`;
    const res = await upload(app, expert, courseId, await bilingualPdf(), name);
    expect(res.status).toBe(201);
    const body = (await res.json()) as UploadedResource;
    expect(body.filename).toBe("a".repeat(254));
    const audit = await uploadedAudit(body.id);
    expect((audit?.after as { filename?: string } | null)?.filename).toBe("a".repeat(254));
  });

  it("control: a name one character shorter keeps the whole emoji", async () => {
    const name = `${"a".repeat(253)}${EMOJI}.pdf`;
    const res = await upload(app, expert, courseId, await bilingualPdf(), name);
    expect(res.status).toBe(201);
    expect(((await res.json()) as UploadedResource).filename).toBe(`${"a".repeat(253)}${EMOJI}`);
  });

  it("a bookmark whose 300th unit is the first half of an emoji is stored without it", async () => {
    const res = await upload(app, expert, courseId, await guide(`${"b".repeat(299)}${EMOJI} fin`), "guide.pdf");
    expect(res.status).toBe(201);
    const body = (await res.json()) as UploadedResource;
    expect(body.toc_json.map((e) => e.title)).toEqual(["b".repeat(299)]);
  });

  it("control: a bookmark one character shorter keeps the whole emoji", async () => {
    const res = await upload(app, expert, courseId, await guide(`${"b".repeat(298)}${EMOJI} fin`), "guide.pdf");
    expect(res.status).toBe(201);
    const body = (await res.json()) as UploadedResource;
    expect(body.toc_json.map((e) => e.title)).toEqual([`${"b".repeat(298)}${EMOJI}`]);
  });
});
