/**
 * The tRPC router's type, for the PWA and the admin console. Type-only: no server code reaches a
 * client bundle (see docs/decisions/0004-app-router-type.md).
 */
export type { AppRouter } from "../../../apps/api/src/trpc/router.ts";
