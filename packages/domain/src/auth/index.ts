export { type AccessClaims, rememberedClaims, verifyAccessToken } from "./access-token.ts";
export { changeAccountRole, disableAccount, enableAccount } from "./account-admin.ts";
export { createAdmin, type NewAdmin, revokeUserSessions } from "./admin.ts";
export type { AuthEnv } from "./context.ts";
export { sealSecret } from "./crypto.ts";
export { AUTH_EMAILS_PER_HOUR, purgeAuthEmailQuotas } from "./email-quota.ts";
export { EMAIL_CODE_ATTEMPTS, EMAIL_CODE_TTL_MINUTES, requestEmailCode } from "./email-verification.ts";
export { confirmTotp, enrolAuthenticator, register } from "./enrolment.ts";
export { checkTotpKeyring, rotateTotpKeys } from "./key-rotation.ts";
export { type AuthKeys, authKeys } from "./keys.ts";
export { login, logout, refresh } from "./login.ts";
export { networkKey } from "./network.ts";
export { confirmRecovery, MAGIC_LINK_TTL_MINUTES, requestRecovery } from "./recovery.ts";
export {
  activeRole,
  DENYLIST_LOADED_KEY,
  type DenylistRead,
  endedSessionsSince,
  redisSessionDenylist,
  revokedSessionKey,
  type SessionDenylist,
  sessionLiveInDb,
  sessionStands,
} from "./revocation.ts";
export { endSession, listSessions, revokeAllSessions, type SessionRequest, startSession } from "./sessions.ts";
export { THROTTLE_POLICY } from "./throttle.ts";
export { tokenPair } from "./tokens.ts";
