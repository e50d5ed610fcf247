/**
 * One definition per ordinary endpoint: its REST method and path, its tRPC name (the key it is
 * listed under), who may call it, its input and output schemas, the errors it can answer, the list
 * options it takes, and the domain call. `mountRest` and `toProcedures` build the Hono routes (and
 * their OpenAPI operations) and the tRPC procedures from the same list (decision 0039).
 */
import type { ErrorCode, Tombstone } from "@sira/contracts";
import type { z } from "zod";
import type { CallerContext, PublicContext } from "../caller.ts";

/** Who may call: anyone, any signed-in account, an expert or an admin (both read from the database). */
export type AuthRule = "public" | "learner" | "expert" | "admin";
export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
/**
 * How the answer is shaped. `item`: the handler's value. `page`: the handler gives `{items, total}`
 * and the answer is the `{items, page, limit, total, has_more}` envelope. `sync`: like `page`
 * without `?since=`; with it, the handler gives a delta and the answer is the delta envelope.
 * `delta`: always the delta envelope (everything when `?since=` is absent).
 */
export type Shape = "item" | "page" | "sync" | "delta";

type AnyObject = z.ZodObject;

export type ContextFor<A extends AuthRule> = A extends "public" ? PublicContext : CallerContext;

/** A delta since `?since=`: changes oldest first, tombstones, and whether more remain. */
export interface DeltaResult<T> {
  items: T[];
  deleted: Tombstone[];
  hasMore: boolean;
  /** The next `?since=` (the domain's `deltaPage`); the request's start when absent. */
  cursor?: Date;
  /** `since` is older than the tombstones kept: the client must drop its copy and resync. */
  reset?: boolean;
}
export interface PageResult<T> {
  items: T[];
  total: number;
}

export type ResultFor<S extends Shape, T> = S extends "page"
  ? PageResult<T>
  : S extends "sync"
    ? PageResult<T> | DeltaResult<T>
    : S extends "delta"
      ? DeltaResult<T>
      : T;

type Infer<T> = T extends z.ZodType ? z.output<T> : unknown;
type Paging<S> = S extends "page" | "sync" ? { page: number; limit: number } : unknown;
/** What the handler receives as `input`: path params, query and body merged, parsed. */
export type InputOf<P, Q, B, S = "item"> = Infer<P> & Infer<Q> & Infer<B> & Paging<S>;

export interface HandlerArgs<A extends AuthRule, In> {
  ctx: ContextFor<A>;
  input: In;
  /** `?since=` parsed (sync and delta endpoints), else null. */
  since: Date | null;
  /** When the work started: the sync cursor when everything was sent. */
  now: Date;
  /** The request's Idempotency-Key (REST header, tRPC `idempotency_key`) for `keyed` endpoints. */
  idempotencyKey: string | null;
}

export interface EndpointSpec<
  A extends AuthRule = AuthRule,
  M extends HttpMethod = HttpMethod,
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  O extends z.ZodType = z.ZodType,
  S extends Shape = Shape,
  K extends boolean = boolean,
> {
  method: M;
  /** The REST path in OpenAPI form (`/api/v1/modules/{module_id}/flashcards`); omit for tRPC only. */
  path?: string;
  auth: A;
  summary: string;
  tags?: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** The answer; for `page` and `sync`, one item of the list. */
  output: O;
  shape?: S;
  /** `?fields=` on REST: these may be asked for; `id` is always kept. tRPC answers whole objects. */
  fields?: readonly string[];
  /** Where `?fields=` applies in an `item` answer: the object itself (default) or its `items`. */
  fieldsIn?: "items";
  /** The domain errors it can answer, beyond those its options imply (documented per status). */
  errors?: readonly ErrorCode[];
  /**
   * Success status (default 200; 202 for work accepted to run in the background). With 204 REST
   * answers no body, and tRPC the handler's value.
   */
  status?: 200 | 201 | 202 | 204;
  /** The domain dedupes by the Idempotency-Key (offline replays); tRPC input gains `idempotency_key`. */
  keyed?: K;
  /** Replay stored answers for a repeated Idempotency-Key (default: every REST mutation). */
  idempotency?: boolean;
  /** Serve over tRPC (default true) under the key it is listed with. */
  trpc?: boolean;
  handle(args: HandlerArgs<A, InputOf<P, Q, B, S>>): Promise<ResultFor<S, z.input<O>>> | ResultFor<S, z.input<O>>;
}

/** Declares an endpoint; only checks the spec's types, so every option is inferred. */
export function endpoint<
  A extends AuthRule,
  M extends HttpMethod,
  O extends z.ZodType,
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  S extends Shape = "item",
  K extends boolean = false,
>(spec: EndpointSpec<A, M, P, Q, B, O, S, K>): EndpointSpec<A, M, P, Q, B, O, S, K> {
  return spec;
}

// biome-ignore lint/suspicious/noExplicitAny: a list holds endpoints of every input and output type.
export type AnyEndpoint = EndpointSpec<AuthRule, HttpMethod, any, any, any, any, Shape, boolean>;
export type Endpoints = Record<string, AnyEndpoint>;
