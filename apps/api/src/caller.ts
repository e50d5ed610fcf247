/** Who is calling, as the domain wants it: from a REST request's context or a tRPC call's actor. */
import type { Language } from "@sira/contracts";
import { countryContext, type LearnerContext, type Viewer } from "@sira/domain";
import type { Context } from "hono";
import type { Actor, AppEnv } from "./env.ts";

export const viewerOfActor = (actor: Actor): Viewer => ({ userId: actor.userId, role: actor.role });

/** The learner's generation context: the request's language, and their country among those served. */
export const learnerOfActor = (
  actor: Actor,
  language: Language,
  servedCountries: readonly string[],
): LearnerContext => ({
  viewer: viewerOfActor(actor),
  language,
  country: countryContext(actor.country, servedCountries),
});

/** The signed-in caller of a REST route guarded by requireRole. */
export const viewerOf = (c: Context<AppEnv>): Viewer => viewerOfActor(c.get("actor") as Actor);

export const learnerOf = (c: Context<AppEnv>): LearnerContext =>
  learnerOfActor(c.get("actor") as Actor, c.get("lang"), c.get("deps").config.GENERATION_COUNTRIES);
