/**
 * Who decides what learners see: publishing a course and changing its visibility are an admin's
 * call, unless the platform setting `courses.experts_can_publish` lets experts decide for the
 * courses they manage (decision 0033).
 */
import { AppError } from "@sira/contracts";
import type { Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { getSetting } from "../settings/index.ts";

/** 403 unless the viewer is an admin, or an expert while experts may publish. */
export async function assertMayPublish(db: Tx, viewer: Viewer): Promise<void> {
  if (viewer.role === "admin") return;
  if (viewer.role === "expert" && (await getSetting(db, "courses.experts_can_publish"))) return;
  throw new AppError("FORBIDDEN", {
    details: {
      en: "Only an administrator may publish a course or change its visibility.",
      fr: "Seul un administrateur peut publier un cours ou en changer la visibilité.",
    },
  });
}
