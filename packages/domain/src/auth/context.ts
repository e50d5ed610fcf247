/** What an auth flow needs from its caller: data access, settings, mail, and who is asking. */
import type { Config, Logger } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { Mailer } from "../email/mailer.ts";
import type { UsageSink } from "../usage/recorder.ts";
import type { SessionDenylist } from "./revocation.ts";
import type { SessionRequest } from "./sessions.ts";

export interface AuthEnv {
  db: Db;
  config: Config;
  logger: Logger;
  mailer: Mailer;
  /** Where ended sessions are listed so that their access tokens stop working at once. */
  denylist: SessionDenylist;
  meta: SessionRequest;
  /** Sign-ins are usage events. */
  usage: UsageSink;
}
