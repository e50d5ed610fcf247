"use client";
/** What waits to be sent (queued reviews, progress and answers) and whether the phone is online. */
import { useSyncExternalStore } from "react";
import { type Labels, plural } from "@/lib/labels";
import { onOutbox, outboxState, replay } from "@/lib/outbox";

const SERVER_STATE = { pending: 0, syncing: false, refused: 0 };

function subscribeOnline(listener: () => void): () => void {
  window.addEventListener("online", listener);
  window.addEventListener("offline", listener);
  return () => {
    window.removeEventListener("online", listener);
    window.removeEventListener("offline", listener);
  };
}

export function SyncIndicator({ labels }: { labels: Labels }) {
  const state = useSyncExternalStore(onOutbox, outboxState, () => SERVER_STATE);
  const online = useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
  const waiting = state.pending > 0 || !online;
  const status = state.syncing
    ? plural(labels, "syncing", state.pending)
    : state.pending > 0
      ? `${online ? "" : `${labels.offline} · `}${plural(labels, "pending", state.pending)}`
      : online
        ? labels.synced
        : labels.offline;
  // Actions the API refused are dropped (retrying cannot help), but the learner is told.
  const label = state.refused > 0 ? `${status} · ${plural(labels, "refused", state.refused)}` : status;
  return (
    <button
      type="button"
      data-testid="sync"
      data-pending={state.pending}
      data-refused={state.refused}
      data-online={online ? "yes" : "no"}
      aria-live="polite"
      title={labels.syncNow}
      onClick={() => void replay()}
      className={`min-h-11 rounded-full px-3 text-sm font-medium ${waiting ? "bg-amber-100 text-amber-900" : "bg-emerald-50 text-emerald-900"}`}
    >
      <span aria-hidden="true">{waiting ? "● " : "✓ "}</span>
      {label}
    </button>
  );
}
