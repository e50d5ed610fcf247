/** The upload size cap: the platform setting "uploads.max_mb", never above UPLOAD_MAX_BYTES. */
import type { Db } from "@sira/infra/db";
import { getSetting } from "../admin/settings/index.ts";
import type { ResourceDeps } from "./deps.ts";

const MIB = 1024 * 1024;

export async function uploadLimitBytes(deps: {
  db: Db;
  config: Pick<ResourceDeps["config"], "UPLOAD_MAX_BYTES">;
}): Promise<number> {
  const mb = await getSetting(deps.db, "uploads.max_mb");
  return Math.min(mb * MIB, deps.config.UPLOAD_MAX_BYTES);
}
