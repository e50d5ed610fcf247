/**
 * The streamed upload routes (module media, course resources) read their form by hand: their
 * refusals name each field in the request's language, as every other validation error does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
let admin: SignedIn;
const MODULE = "5b0c1a52-6a43-4f0e-9d0f-3f6f8a1d2c11";

beforeAll(async () => {
  await resetState();
  admin = await signIn(deps, { role: "admin", preferredLanguage: "fr" });
});
afterAll(closeTestDeps);

async function refused(path: string, form: FormData, headers: Record<string, string> = {}) {
  const res = await app.request(path, { method: "POST", body: form, headers: { ...admin.headers, ...headers } });
  expect(res.status).toBe(400);
  const body = (await res.json()) as { code: string; errors: { field: string; message: string }[] };
  expect(body.code).toBe("VALIDATION_FAILED");
  return body.errors;
}

function withFields(fields: Record<string, string>, file = true): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append("file", new Blob([new Uint8Array([1, 2, 3])]), "support.pdf");
  return form;
}

describe("upload refusals", () => {
  it("name a missing file part in French for a French admin, in English when asked", async () => {
    const media = `/api/v1/admin/modules/${MODULE}/media/upload`;
    const [fr] = await refused(media, withFields({ title_fr: "Guide", title_en: "Guide" }, false));
    expect(fr).toMatchObject({ field: "file", message: "Le formulaire n'a pas de partie `file`" });
    const [en] = await refused(media, withFields({ title_fr: "Guide" }, false), { "accept-language": "en" });
    expect(en).toMatchObject({ field: "file", message: "The form has no `file` part" });

    const resources = `/api/v1/admin/courses/${MODULE}/resources`;
    const [resource] = await refused(resources, withFields({}, false));
    expect(resource?.message).toBe("Le formulaire n'a pas de partie `file`");
  });

  it("name an invalid id and the form's own fields in the request's language", async () => {
    const [id] = await refused("/api/v1/admin/modules/not-a-uuid/media/upload", withFields({}));
    expect(id).toMatchObject({ field: "module_id", message: "Format invalide (uuid)." });
    const [resourceId] = await refused("/api/v1/admin/courses/not-a-uuid/resources", withFields({}));
    expect(resourceId).toMatchObject({ field: "course_id", message: "Format invalide (uuid)." });

    const errors = await refused(`/api/v1/admin/modules/${MODULE}/media/upload`, withFields({ title_en: "Guide" }));
    expect(errors).toEqual([{ field: "title_fr", code: "invalid_type", message: "Champ requis." }]);
  });
});
