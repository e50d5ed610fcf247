"use client";
/**
 * What a lesson adds once read: the source and page of a tapped citation, the lesson read aloud
 * section by section, its illustration, and "I have read it" (queued offline like any progress).
 * With "save data" on, no image is loaded and audio only when asked for.
 */
import { useEffect, useRef, useState } from "react";
import { apiJson } from "@/lib/api";
import type { CiteRef } from "@/lib/citations";
import { fmt, type Labels } from "@/lib/labels";
import { submit } from "@/lib/outbox";
import { ApiError } from "@/lib/problem";
import { button, buttonSecondary } from "@/lib/styles";
import type { LessonAudio, ModuleImage } from "@/lib/types";

interface Props {
  moduleId: string;
  unitId: string;
  contentId: string | null;
  refs: CiteRef[];
  lean: boolean;
  completed: boolean;
  labels: Labels;
}

function CitationSheet({ refs, labels }: { refs: CiteRef[]; labels: Labels }) {
  const [shown, setShown] = useState<CiteRef | null>(null);
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      const target = (event.target as HTMLElement).closest<HTMLElement>("[data-cite]");
      if (!target) return;
      const ref = refs.find((r) => r.n === Number(target.dataset.cite));
      if (!ref) return;
      event.preventDefault();
      setShown(ref);
    };
    document.addEventListener("click", onClick);
    return () => document.removeEventListener("click", onClick);
  }, [refs]);
  if (!shown) return null;
  return (
    <div
      role="status"
      data-testid="citation-sheet"
      className="fixed inset-x-0 bottom-0 z-10 border-t border-slate-300 bg-white p-4 shadow-lg"
    >
      <div className="mx-auto flex max-w-3xl items-start gap-3">
        <p className="flex-1">
          <span className="font-semibold">
            {labels.source} [{shown.n}]
          </span>{" "}
          {shown.source}
          {shown.page !== null ? `, ${labels.page} ${shown.page}` : ""}
        </p>
        <button type="button" className={buttonSecondary} onClick={() => setShown(null)}>
          {labels.close}
        </button>
      </div>
    </div>
  );
}

function Audio({ contentId, lean, labels }: { contentId: string; lean: boolean; labels: Labels }) {
  const [audio, setAudio] = useState<LessonAudio | null>(null);
  const [state, setState] = useState<"idle" | "loading" | "unavailable">("idle");
  const timer = useRef<number | undefined>(undefined);

  async function load() {
    setState("loading");
    try {
      const manifest = await apiJson<LessonAudio>(`/api/v1/lessons/${contentId}/audio`);
      setAudio(manifest);
      setState("idle");
      if (manifest.status === "generating") {
        timer.current = window.setTimeout(() => void load(), Math.max(2, manifest.retry_after ?? 5) * 1000);
      }
    } catch (error) {
      setState(error instanceof ApiError ? "unavailable" : "idle");
    }
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once per lesson
  useEffect(() => {
    if (!lean) void load();
    return () => window.clearTimeout(timer.current);
  }, [contentId, lean]);

  if (!audio) {
    return (
      <button type="button" className={buttonSecondary} onClick={() => void load()} disabled={state === "loading"}>
        {state === "unavailable"
          ? labels.audioUnavailable
          : state === "loading"
            ? labels.audioLoading
            : labels.audioListen}
      </button>
    );
  }
  return (
    <section aria-labelledby="audio-title" className="space-y-2" data-testid="audio">
      <h2 id="audio-title" className="text-lg font-semibold">
        {labels.audioTitle}
      </h2>
      {audio.sections.map((section) => (
        <div key={section.index}>
          <p className="text-sm font-medium">{section.heading}</p>
          {/* biome-ignore lint/a11y/useMediaCaption: the lesson's own text above is the transcript */}
          <audio controls preload="none" src={section.url} className="w-full" />
        </div>
      ))}
      {audio.status === "generating" ? (
        <p className="text-sm text-slate-700">
          {fmt(labels.audioMore, { done: audio.sections.length, total: audio.sections_total })}
        </p>
      ) : null}
    </section>
  );
}

function Illustration({ moduleId, contentId, labels }: { moduleId: string; contentId: string; labels: Labels }) {
  const [image, setImage] = useState<ModuleImage | null>(null);
  useEffect(() => {
    apiJson<{ items: ModuleImage[] }>(`/api/v1/modules/${moduleId}/images?limit=20`)
      .then((page) => setImage(page.items.find((i) => i.content_id === contentId && i.thumbnail_url) ?? null))
      .catch(() => undefined);
  }, [moduleId, contentId]);
  if (!image?.thumbnail_url) return null;
  return (
    <figure>
      {/* biome-ignore lint/performance/noImgElement: the API serves sized WebP; no optimiser in between */}
      <img
        src={image.thumbnail_url}
        alt={image.alt ?? labels.illustration}
        width={320}
        className="h-auto max-w-full rounded"
        loading="lazy"
      />
    </figure>
  );
}

export function LessonTools({ moduleId, unitId, contentId, refs, lean, completed, labels }: Props) {
  const [done, setDone] = useState<"no" | "sent" | "queued">(completed ? "sent" : "no");
  const started = useRef(Date.now());

  async function markRead() {
    const seconds = Math.round((Date.now() - started.current) / 1000);
    const result = await submit("reading", "PUT", `/api/v1/modules/${moduleId}/lessons/${unitId}/reading`, {
      read_pct: 100,
      time_spent_seconds: seconds,
      completed: true,
    }).catch(() => null);
    if (result) setDone(result.status);
  }

  return (
    <div className="mt-6 space-y-4">
      <CitationSheet refs={refs} labels={labels} />
      {contentId ? <Audio contentId={contentId} lean={lean} labels={labels} /> : null}
      {contentId && !lean ? <Illustration moduleId={moduleId} contentId={contentId} labels={labels} /> : null}
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className={button}
          onClick={() => void markRead()}
          disabled={done !== "no"}
          data-testid="mark-read"
        >
          {done === "no" ? labels.markRead : done === "queued" ? labels.readQueued : labels.readDone}
        </button>
        <a href={`/modules/${moduleId}`} className="inline-flex min-h-11 items-center text-brand underline">
          {labels.backToModule}
        </a>
      </div>
    </div>
  );
}
