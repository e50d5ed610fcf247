/**
 * Who decides what learners see and pay: publishing a course, changing its visibility and the
 * price of a published course are an admin's call, unless the platform setting
 * `courses.experts_can_publish` lets experts decide for the courses they manage (decision 0033).
 * The marketplace flag (the expert's revenue share) is always the admin's.
 */
import { AppError } from "@sira/contracts";
import type { Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { getSetting } from "../settings/index.ts";

const PUBLISH_REFUSAL = {
  en: "Only an administrator may publish a course or change its visibility.",
  fr: "Seul un administrateur peut publier un cours ou en changer la visibilité.",
};
/** What learners pay for a live course is decided like its publication. */
export const PRICE_REFUSAL = {
  en: "Only an administrator may change the price of a published course.",
  fr: "Seul un administrateur peut changer le prix d'un cours publié.",
};

/** 403 unless the viewer is an admin, or an expert while experts may publish. */
export async function assertMayPublish(db: Tx, viewer: Viewer, details = PUBLISH_REFUSAL): Promise<void> {
  if (viewer.role === "admin") return;
  if (viewer.role === "expert" && (await getSetting(db, "courses.experts_can_publish"))) return;
  throw new AppError("FORBIDDEN", { details });
}

/** A marketplace course pays its expert a share of each sale: only admins turn that on or off. */
export function assertMaySetMarketplace(viewer: Viewer): void {
  if (viewer.role === "admin") return;
  throw new AppError("FORBIDDEN", {
    details: {
      en: "Only an administrator may put a course on the marketplace or take it off.",
      fr: "Seul un administrateur peut mettre un cours sur la place de marché ou l'en retirer.",
    },
  });
}
