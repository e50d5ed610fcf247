/**
 * The one caller context of an endpoint, built alike for REST routes (from Hono's request
 * variables) and tRPC procedures (from tRPC's context): who calls, in which language, and the
 * request's meta. Endpoints read it; they never rebuild a viewer or a meta of their own.
 */
import { AppError, type Language } from "@sira/contracts";
import { countryContext, type LearnerContext, type RequestMeta, type Viewer } from "@sira/domain";
import type { Context } from "hono";
import type { Actor, AppDeps, AppEnv } from "./app-types.ts";

/** What the transport knows of a request once its middleware has run. */
export interface RequestFacts {
  deps: AppDeps;
  /** The bearer token's claims; the role is the database's once a privileged guard has read it. */
  actor: Actor | null;
  lang: Language;
  requestId: string;
  clientIp: string;
  userAgent: string | null;
  /** When it happened: the bounded X-Offline-Queued-At, else when the request arrived. */
  occurredAt: Date;
  /** The bounded X-Offline-Queued-At of a request replayed from an offline queue. */
  offlineQueuedAt?: Date | null;
}

/** What every endpoint receives, signed in or not. */
export interface PublicContext {
  deps: AppDeps;
  /** Who asks, as the domain's access rules see them; null for an anonymous caller. */
  viewer: Viewer | null;
  lang: Language;
  meta: RequestMeta;
}

/** What every signed-in endpoint receives. */
export interface CallerContext extends PublicContext {
  /** The verified token claims: the session id, and the country as the profile has it. */
  actor: Actor;
  viewer: Viewer;
  /** The learner's generation context: the request's language and a served country. */
  learner: LearnerContext;
}

export function requestMeta(facts: RequestFacts): RequestMeta {
  return {
    requestId: facts.requestId,
    ip: facts.clientIp,
    userAgent: facts.userAgent,
    now: new Date(),
    occurredAt: facts.occurredAt,
    offlineQueuedAt: facts.offlineQueuedAt ?? null,
  };
}

const toViewer = (actor: Actor): Viewer => ({ userId: actor.userId, role: actor.role });

export function publicContext(facts: RequestFacts): PublicContext {
  const viewer = facts.actor ? toViewer(facts.actor) : null;
  return { deps: facts.deps, viewer, lang: facts.lang, meta: requestMeta(facts) };
}

/** The signed-in caller's context; UNAUTHENTICATED without a verified token. */
export function callerContext(facts: RequestFacts): CallerContext {
  const { actor } = facts;
  if (!actor) throw new AppError("UNAUTHENTICATED");
  const viewer = toViewer(actor);
  const country = countryContext(actor.country, facts.deps.config.GENERATION_COUNTRIES);
  return { ...publicContext(facts), actor, viewer, learner: { viewer, language: facts.lang, country } };
}

/** A REST request's facts, from the variables its middleware set. */
export function requestFacts(c: Context<AppEnv>): RequestFacts {
  return {
    deps: c.get("deps"),
    actor: c.get("actor"),
    lang: c.get("lang"),
    requestId: c.get("requestId"),
    clientIp: c.get("clientIp"),
    userAgent: c.req.header("user-agent") ?? null,
    occurredAt: c.get("occurredAt"),
    offlineQueuedAt: c.get("offlineQueuedAt"),
  };
}

/** The context `requireRole` built for this REST route; UNAUTHENTICATED on a route without that guard. */
export function callerOf(c: Context<AppEnv>): CallerContext {
  const caller = c.get("caller");
  if (!caller) throw new AppError("UNAUTHENTICATED");
  return caller;
}

/** The context of a public REST route. */
export const publicOf = (c: Context<AppEnv>): PublicContext => publicContext(requestFacts(c));
