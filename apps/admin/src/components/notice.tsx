"use client";
/** Every mutation says how it went: a polite live region for results, an assertive one for errors. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";

type Kind = "success" | "error";
interface Notice {
  id: number;
  kind: Kind;
  text: string;
}
const NoticeContext = createContext<(kind: Kind, text: string) => void>(() => {});

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const push = useCallback((kind: Kind, text: string) => {
    setNotices((list) => [...list.slice(-2), { id: Date.now() + Math.random(), kind, text }]);
  }, []);
  return (
    <NoticeContext.Provider value={push}>
      {children}
      <div className="pointer-events-none fixed inset-x-2 bottom-2 z-50 flex flex-col items-end gap-2 sm:inset-x-auto sm:right-4">
        <div role="status" aria-live="polite" className="contents">
          {notices
            .filter((n) => n.kind === "success")
            .map((n) => (
              <Toast key={n.id} notice={n} onDone={() => setNotices((l) => l.filter((x) => x.id !== n.id))} />
            ))}
        </div>
        <div role="alert" aria-live="assertive" className="contents">
          {notices
            .filter((n) => n.kind === "error")
            .map((n) => (
              <Toast key={n.id} notice={n} onDone={() => setNotices((l) => l.filter((x) => x.id !== n.id))} />
            ))}
        </div>
      </div>
    </NoticeContext.Provider>
  );
}

function Toast({ notice, onDone }: { notice: Notice; onDone: () => void }) {
  useEffect(() => {
    const timer = setTimeout(onDone, notice.kind === "error" ? 10_000 : 5_000);
    return () => clearTimeout(timer);
  }, [notice, onDone]);
  const tone =
    notice.kind === "success"
      ? "border-emerald-700 bg-emerald-50 text-emerald-900"
      : "border-red-700 bg-red-50 text-red-900";
  return (
    <p
      data-notice={notice.kind}
      className={`pointer-events-auto max-w-sm rounded-md border px-3 py-2 text-sm shadow ${tone}`}
    >
      {notice.text}
    </p>
  );
}

export function useNotice() {
  return useContext(NoticeContext);
}
