"use client";
/**
 * The tutor: pick a course, ask, and read the answer as it streams, with its sources and the
 * messages left today; earlier conversations and their history. A question is sent with an
 * Idempotency-Key, so a retry after a drop streams the same answer without counting twice.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ProblemAlert } from "@/components/problem-text";
import { EmptyState } from "@/components/ui";
import { fmt, type Labels } from "@/lib/labels";
import { Markdown } from "@/lib/markdown";
import { type Problem, restProblem } from "@/lib/problem";
import { followStream } from "@/lib/sse";
import { button, buttonSecondary, input, label as labelClass } from "@/lib/styles";
import { problemOf, useTRPC } from "@/lib/trpc";

interface Source {
  n: number;
  source: string;
  page: number | null;
}

interface Turn {
  key: string;
  question: string;
  answer: string;
  sources: Source[];
  status: "streaming" | "complete" | "incomplete" | "failed";
}

function Sources({ sources, labels }: { sources: Source[]; labels: Labels }) {
  if (!sources.length) return null;
  return (
    <ul className="mt-2 space-y-0.5 text-sm text-slate-700" data-testid="tutor-sources">
      {sources.map((s) => (
        <li key={s.n}>
          [{s.n}] {s.source}
          {s.page !== null ? `, ${labels.page} ${s.page}` : ""}
        </li>
      ))}
    </ul>
  );
}

function Answer({ text, sources, labels }: { text: string; sources: Source[]; labels: Labels }) {
  const [open, setOpen] = useState<Source | null>(null);
  return (
    <div className="prose">
      <Markdown
        text={text}
        cite={(n, key) => (
          <button
            key={key}
            type="button"
            className="cite"
            aria-label={`${labels.source} ${n}`}
            onClick={() => setOpen(sources.find((s) => s.n === n) ?? null)}
          >
            {n}
          </button>
        )}
      />
      {open ? (
        <p role="status" className="rounded bg-amber-50 p-2 text-sm">
          [{open.n}] {open.source}
          {open.page !== null ? `, ${labels.page} ${open.page}` : ""}
        </p>
      ) : null}
      <Sources sources={sources} labels={labels} />
    </div>
  );
}

export function TutorChat({
  courses,
  initialCourse,
  labels,
}: {
  courses: { id: string; title: string }[];
  initialCourse: string | null;
  labels: Labels;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [courseId, setCourseId] = useState(initialCourse ?? courses[0]?.id ?? "");
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [left, setLeft] = useState<number | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const remaining = useQuery(trpc.tutor.remaining.queryOptions());
  const conversations = useQuery({
    ...trpc.tutor.conversations.queryOptions({ course_id: courseId, page: 1, limit: 10 }),
    enabled: Boolean(courseId),
  });
  const history = useQuery({
    ...trpc.tutor.history.queryOptions({ id: conversationId ?? "", page: 1, limit: 20 }),
    enabled: Boolean(conversationId) && turns.length === 0,
  });

  const messagesLeft = left ?? remaining.data?.remaining ?? null;

  async function ask(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const message = String(new FormData(form).get("message") ?? "").trim();
    if (!message || !courseId) return;
    const key = crypto.randomUUID();
    const update = (change: Partial<Turn>) =>
      setTurns((all) => all.map((turn) => (turn.key === key ? { ...turn, ...change } : turn)));
    setTurns((all) => [...all, { key, question: message, answer: "", sources: [], status: "streaming" }]);
    setBusy(true);
    setProblem(null);
    form.reset();
    let text = "";
    let streamUrl: string | null = null;
    try {
      await followStream("/api/v1/tutor/messages", {
        method: "POST",
        body: { course_id: courseId, message, ...(conversationId ? { conversation_id: conversationId } : {}) },
        headers: { "idempotency-key": key },
        resumeUrl: () => streamUrl,
        onEvent: ({ event, data }) => {
          const d = data as Record<string, unknown>;
          if (event === "meta") {
            if (d.reset) {
              text = "";
              update({ answer: "" });
            } else {
              setConversationId(String(d.conversation_id));
              setLeft(Number(d.messages_left));
              streamUrl = String(d.stream_url);
            }
          } else if (event === "delta") {
            text += String(d.text ?? "");
            update({ answer: text });
          } else if (event === "citation") {
            update({ sources: (d.sources as Source[]) ?? [] });
          } else if (event === "done") {
            update({ status: d.status === "incomplete" ? "incomplete" : "complete" });
            return true;
          } else if (event === "error") {
            update({ status: "failed" });
            setProblem({
              code: String(d.code ?? "UNKNOWN"),
              message: String(d.message ?? ""),
              status: 500,
              fields: {},
              extra: {},
            });
            return true;
          }
          return false;
        },
      });
    } catch (error) {
      update({ status: "failed" });
      setProblem(restProblem(error));
    } finally {
      setBusy(false);
      void queryClient.invalidateQueries({ queryKey: trpc.tutor.conversations.queryKey() });
    }
  }

  if (!courses.length) return <EmptyState title={labels.noCourses}>{labels.noCoursesHelp}</EmptyState>;

  const past = turns.length === 0 ? (history.data?.items ?? []) : [];
  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <div>
          <label htmlFor="course" className={labelClass}>
            {labels.course}
          </label>
          <select
            id="course"
            className={input}
            value={courseId}
            onChange={(e) => {
              setCourseId(e.target.value);
              setConversationId(null);
              setTurns([]);
            }}
          >
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </div>
        <p className="font-semibold" data-testid="messages-left" data-left={messagesLeft ?? ""}>
          {messagesLeft === null ? "" : fmt(labels.left, { count: messagesLeft })}
        </p>
      </div>
      {conversations.data?.items.length ? (
        <details className="rounded-lg border border-slate-200 p-2">
          <summary className="min-h-11 cursor-pointer py-2 font-medium">{labels.history}</summary>
          <ul className="space-y-1">
            {conversations.data.items.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className="min-h-11 text-left text-brand underline"
                  onClick={() => {
                    setConversationId(c.id);
                    setTurns([]);
                  }}
                >
                  {c.title ?? labels.untitled} · {new Date(c.last_message_at ?? c.created_at).toLocaleDateString()}
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className={buttonSecondary}
            onClick={() => {
              setConversationId(null);
              setTurns([]);
            }}
          >
            {labels.newConversation}
          </button>
        </details>
      ) : null}
      <ol className="space-y-3" data-testid="conversation">
        {past.map((m) => (
          <li
            key={m.id}
            className={m.role === "user" ? "rounded-lg bg-slate-100 p-3" : "rounded-lg border border-slate-200 p-3"}
          >
            {m.role === "user" ? (
              <p>{m.content}</p>
            ) : (
              <Answer text={m.content} sources={m.sources_cited} labels={labels} />
            )}
          </li>
        ))}
        {turns.map((turn) => (
          <li key={turn.key} className="space-y-2">
            <p className="rounded-lg bg-slate-100 p-3">{turn.question}</p>
            <div
              className="rounded-lg border border-slate-200 p-3"
              data-testid="answer"
              data-status={turn.status}
              aria-busy={turn.status === "streaming"}
            >
              {turn.answer ? (
                <Answer text={turn.answer} sources={turn.sources} labels={labels} />
              ) : (
                <p role="status">{labels.thinking}</p>
              )}
              {turn.status === "incomplete" ? <p className="text-sm">{labels.incomplete}</p> : null}
            </div>
          </li>
        ))}
      </ol>
      <ProblemAlert problem={problem ?? (remaining.error ? problemOf(remaining.error) : null)} labels={labels} />
      <form onSubmit={ask} className="space-y-2">
        <label htmlFor="message" className={labelClass}>
          {labels.question}
        </label>
        <textarea id="message" name="message" rows={3} maxLength={2000} required className={input} />
        <button type="submit" className={button} disabled={busy || messagesLeft === 0}>
          {labels.ask}
        </button>
      </form>
    </div>
  );
}
