/** Turns a proven identity into the token pair a client keeps. */
import type { Language, Role, TokenPair } from "@sira/contracts";
import { issueAccessToken } from "./access-token.ts";
import type { AuthEnv } from "./context.ts";
import { authKeys } from "./keys.ts";
import type { IssuedRefresh } from "./sessions.ts";

export interface TokenUser {
  id: string;
  role: string;
  preferredLanguage: string;
  country: string;
}

export async function tokenPair(
  env: Pick<AuthEnv, "config" | "meta">,
  user: TokenUser,
  session: IssuedRefresh,
): Promise<TokenPair> {
  const ttl = env.config.ACCESS_TOKEN_TTL_SECONDS;
  const access = await issueAccessToken(
    authKeys(env.config),
    {
      userId: user.id,
      role: user.role as Role,
      preferredLanguage: user.preferredLanguage as Language,
      country: user.country,
      sessionId: session.familyId,
    },
    ttl,
    env.meta.now,
  );
  return {
    access_token: access,
    token_type: "Bearer",
    expires_in: ttl,
    refresh_token: session.refreshToken,
    refresh_expires_at: session.expiresAt.toISOString(),
    user: { id: user.id, role: user.role as Role, preferred_language: user.preferredLanguage as Language },
  };
}
