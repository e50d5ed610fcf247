"use client";
/**
 * A lesson being written: the API's event stream rendered as Markdown as it arrives. `meta` gives
 * the title and outline at once; a dropped connection resumes from the last text offset
 * (Last-Event-ID); `meta {reset: true}` starts the text again; `citation` then `done` end it.
 */
import { useEffect, useState } from "react";
import { problemText } from "@/components/problem-text";
import { Alert } from "@/components/ui";
import { type CiteRef, refsFromEvent } from "@/lib/citations";
import type { Labels } from "@/lib/labels";
import { type Problem, restProblem } from "@/lib/problem";
import { followStream } from "@/lib/sse";
import { LessonBody } from "./lesson-body";
import { LessonTools } from "./lesson-tools";

interface Meta {
  title?: string;
  outline?: string[];
  reset?: true;
}

export function LessonStream({
  moduleId,
  unitId,
  lean,
  labels,
}: {
  moduleId: string;
  unitId: string;
  lean: boolean;
  labels: Labels;
}) {
  const [meta, setMeta] = useState<Meta | null>(null);
  const [text, setText] = useState("");
  const [refs, setRefs] = useState<CiteRef[]>([]);
  const [contentId, setContentId] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reconnecting, setReconnecting] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    followStream(`/api/v1/modules/${moduleId}/lessons/${unitId}/stream`, {
      signal: controller.signal,
      onReconnect: () => setReconnecting(true),
      onEvent: ({ event, data }) => {
        setReconnecting(false);
        if (event === "meta") {
          const m = data as Meta;
          if (m.reset) setText("");
          else setMeta(m);
        } else if (event === "delta") {
          setText((before) => before + ((data as { text?: string }).text ?? ""));
        } else if (event === "citation") {
          setRefs(refsFromEvent(data as Parameters<typeof refsFromEvent>[0]));
        } else if (event === "done") {
          setContentId((data as { content_id: string }).content_id);
          return true;
        } else if (event === "error") {
          const e = data as { code?: string; message?: string };
          setProblem({ code: e.code ?? "UNKNOWN", message: e.message ?? "", status: 500, fields: {}, extra: {} });
          return true;
        }
        return false;
      },
    }).catch((error) => setProblem(restProblem(error)));
    return () => controller.abort();
  }, [moduleId, unitId]);

  return (
    <article
      aria-busy={!contentId && !problem}
      data-testid="lesson"
      data-state={contentId ? "done" : "streaming"}
      // The service worker keeps no copy of a page rendered while the lesson was still being written.
      data-transient="1"
    >
      <h1 className="mb-3 text-2xl font-bold">{meta?.title ?? labels.writing}</h1>
      {!contentId && !problem ? (
        <p className="mb-2 text-sm text-slate-700" role="status">
          {reconnecting ? labels.reconnecting : labels.writing}
        </p>
      ) : null}
      {!text && meta?.outline?.length ? (
        <ol className="list-decimal pl-6 text-slate-700">
          {meta.outline.map((heading) => (
            <li key={heading}>{heading}</li>
          ))}
        </ol>
      ) : null}
      <LessonBody
        markdown={text}
        refs={refs}
        labels={{ source: labels.source ?? "", page: labels.page ?? "", sources: labels.sources ?? "" }}
      />
      {problem ? <Alert>{problemText(problem, labels)}</Alert> : null}
      {contentId ? (
        <LessonTools
          moduleId={moduleId}
          unitId={unitId}
          contentId={contentId}
          refs={refs}
          lean={lean}
          completed={false}
          labels={labels}
        />
      ) : null}
    </article>
  );
}
