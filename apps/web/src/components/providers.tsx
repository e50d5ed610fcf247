"use client";
/** What every page runs in the browser: the offline queue's replay and the service worker. */
import { useEffect } from "react";
import { startOutbox } from "@/lib/outbox";
import { claimCaches } from "@/lib/session";

export function AppRuntime({ userId }: { userId: string | null }) {
  useEffect(() => startOutbox(userId), [userId]);
  // The page was rendered for this learner: copies kept for another are dropped.
  useEffect(() => {
    if (userId) void claimCaches(userId).catch(() => undefined);
  }, [userId]);
  useEffect(() => {
    if (!("serviceWorker" in navigator) || process.env.NODE_ENV !== "production") return;
    const firstVisit = !navigator.serviceWorker.controller;
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .then(async () => {
        // This page was fetched before the worker controlled it: keep it for offline use too.
        if (!firstVisit) return;
        const ready = await navigator.serviceWorker.ready;
        ready.active?.postMessage({ type: "KEEP_PAGES", urls: [location.pathname + location.search] });
      })
      .catch(() => undefined);
  }, []);
  return null;
}
