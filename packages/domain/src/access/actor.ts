/** Who is asking, as the domain sees it: enough to decide what they may read or change. */
import type { Role } from "@sira/contracts";

export interface Viewer {
  userId: string;
  role: Role;
}

/** Anonymous callers are `null`. */
export type MaybeViewer = Viewer | null;
