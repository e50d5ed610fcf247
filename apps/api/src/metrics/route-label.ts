/**
 * The `route` label of a request: the template it was routed by (`/api/v1/courses/:id`), never the
 * raw path, so the label's values are bounded by the routes the app declares. A tRPC call names its
 * procedure (`/trpc/courses.list`) when it is one the router has; a batch stays `/trpc/*`.
 */
import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import { appRouter } from "../trpc/router.ts";

/** The path of middleware that every request passes through (`app.use(mw)`). */
const APP_WIDE = "/*";
const TRPC = "/trpc/*";
/** No route matched: one value for every unknown path, whatever scanners try. */
export const UNMATCHED = "unmatched";

const procedureLabels = new Map(Object.keys(appRouter._def.procedures).map((name) => [name, `/trpc/${name}`]));

/** The route template of an answered request (call after `next()`). */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  const index = c.req.routeIndex;
  let route = routes[index]?.path;
  if (route === undefined || route === APP_WIDE) {
    // App-wide middleware answered (a refusal before routing, or no route): the route aimed at.
    route = UNMATCHED;
    for (let i = index + 1; i < routes.length; i++) {
      const path = routes[i]?.path;
      if (path !== undefined && path !== APP_WIDE) {
        route = path;
        break;
      }
    }
  }
  if (route === TRPC) return procedureLabels.get(c.req.path.slice(TRPC.length - 1)) ?? TRPC;
  return route;
}
