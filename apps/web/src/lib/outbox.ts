/**
 * The offline queue (decision 0063): flashcard reviews, unit progress, reading progress and quiz
 * answers are written to IndexedDB when the phone is offline (or while earlier ones still wait),
 * and replayed in the order they were made once the connection returns. Each keeps the
 * Idempotency-Key it was made with and says when it happened (X-Offline-Queued-At), so the API
 * records it at its real time and a replay that is sent twice changes nothing.
 */
import { apiHeaders } from "./api";
import { ApiError, readProblem } from "./problem";
import { accessTokenNow, refreshSession, sessionUserId } from "./session";

export type ActionKind = "review" | "unit" | "reading" | "quiz";

export interface QueuedAction {
  id?: number;
  kind: ActionKind;
  method: "POST" | "PUT";
  path: string;
  body: string;
  key: string;
  /** When the learner did it (ISO-8601 with seconds and zone). */
  at: string;
  /** Whose action it is: replayed only with that learner's session (a phone is often shared). */
  user?: string;
}

export interface OutboxState {
  pending: number;
  syncing: boolean;
  /** Actions the API refused on replay (a 4xx): shown, then dropped, since retrying cannot help. */
  refused: number;
}

const DB = "sira";
const STORE = "outbox";
let state: OutboxState = { pending: 0, syncing: false, refused: 0 };
const listeners = new Set<() => void>();

function set(next: Partial<OutboxState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export function outboxState(): OutboxState {
  return state;
}

export function onOutbox(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let opened: Promise<IDBDatabase> | null = null;
function db(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opened;
}

async function tx<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const store = (await db()).transaction(STORE, mode).objectStore(STORE);
  return new Promise((resolve, reject) => {
    const request = run(store);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

const all = () => tx<QueuedAction[]>("readonly", (s) => s.getAll() as IDBRequest<QueuedAction[]>);
const remove = (id: number) => tx("readwrite", (s) => s.delete(id));

/** Who the page was rendered for, until a token says who holds the session. */
let pageUser: string | null = null;
const owner = () => sessionUserId() ?? pageUser;

/** Another learner's actions wait for them, but not forever: 30 days, 500 at most. */
const KEEP_OTHERS_MS = 30 * 86_400_000;
const KEEP_OTHERS = 500;

/** This learner's actions, in the order made; drops other learners' stale ones. */
async function mine(user: string | null): Promise<QueuedAction[]> {
  const actions = (await all()).sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const others = actions.filter((a) => !user || a.user !== user);
  const stale = others.filter(
    (a, i) => i < others.length - KEEP_OTHERS || Date.parse(a.at) < Date.now() - KEEP_OTHERS_MS,
  );
  for (const a of stale) await remove(a.id as number);
  return user ? actions.filter((a) => a.user === user) : [];
}

async function count(): Promise<void> {
  const user = owner();
  const actions = user ? (await all()).filter((a) => a.user === user) : [];
  set({ pending: actions.length });
}

/** Sends one action; `queued` adds X-Offline-Queued-At. Throws TypeError when there is no connection. */
async function send(action: QueuedAction, queued: boolean, token: string | null): Promise<Response> {
  return fetch(action.path, {
    method: action.method,
    headers: apiHeaders({
      "content-type": "application/json",
      "idempotency-key": action.key,
      ...(queued ? { "x-offline-queued-at": action.at } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    }),
    body: action.body,
  });
}

/** Answers that mean "try the same request later": the server's fault, too many calls, or the key still in flight. */
async function retryLater(res: Response): Promise<boolean> {
  if (res.status >= 500 || res.status === 429) return true;
  return res.status === 409 && (await readProblem(res.clone())).code === "IDEMPOTENCY_IN_PROGRESS";
}

async function sendWithToken(action: QueuedAction, queued: boolean): Promise<Response> {
  const token = await accessTokenNow();
  if (queued && sessionUserId() !== action.user) return new Response(null, { status: 401 });
  const res = await send(action, queued, token);
  if (res.status !== 401) return res;
  const renewed = await refreshSession();
  // Never under another learner's session: the 401 keeps the action for its owner.
  return renewed && renewed.user.id === action.user ? send(action, queued, renewed.access_token) : res;
}

let replaying: Promise<void> | null = null;

/** Replays the queue in order; stops at the first action that cannot go through yet. */
export function replay(): Promise<void> {
  replaying ??= (async () => {
    set({ syncing: true });
    try {
      // Only the signed-in learner's actions, with their own token; others' stay for their owner.
      if (!(await accessTokenNow().catch(() => null))) return;
      const actions = await mine(sessionUserId());
      await count();
      for (const action of actions) {
        let res: Response;
        try {
          res = await sendWithToken(action, true);
          // The phone's clock is off (its time is in the future or too old): the server's own time then.
          if (res.status === 400 && (await readProblem(res.clone())).code === "INVALID_OFFLINE_TIMESTAMP")
            res = await sendWithToken(action, false);
        } catch {
          return; // still offline
        }
        if (res.status === 401 || (await retryLater(res))) return;
        if (!res.ok) set({ refused: state.refused + 1 });
        await remove(action.id as number);
        await count();
      }
    } finally {
      set({ syncing: false });
      replaying = null;
    }
  })();
  return replaying;
}

export type Submitted<T> = { status: "sent"; data: T } | { status: "queued" };

/**
 * Does a learner action now if the connection allows, else queues it. While older actions wait,
 * a new one waits behind them, so the API sees them in the order they were made.
 */
export async function submit<T>(
  kind: ActionKind,
  method: QueuedAction["method"],
  path: string,
  body: unknown,
): Promise<Submitted<T>> {
  if (navigator.onLine) await accessTokenNow().catch(() => null);
  const user = owner();
  const action: QueuedAction = {
    kind,
    method,
    path,
    body: JSON.stringify(body ?? {}),
    key: crypto.randomUUID(),
    at: new Date().toISOString(),
    ...(user ? { user } : {}),
  };
  await count();
  if (state.pending === 0 && navigator.onLine) {
    try {
      const res = await sendWithToken(action, false);
      if (!(await retryLater(res))) {
        if (!res.ok) throw new ApiError(await readProblem(res));
        return { status: "sent", data: (await res.json()) as T };
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      // No answer: the request may or may not have arrived; its key makes the replay safe either way.
    }
  }
  await tx("readwrite", (s) => s.add(action));
  await count();
  void replay();
  return { status: "queued" };
}

/** Starts replaying when the connection returns, now, and every 20 s while something waits. */
export function startOutbox(user: string | null): () => void {
  pageUser = user;
  const kick = () => void replay();
  void count().then(kick);
  window.addEventListener("online", kick);
  const timer = window.setInterval(() => {
    if (state.pending > 0 && navigator.onLine) kick();
  }, 20_000);
  return () => {
    window.removeEventListener("online", kick);
    window.clearInterval(timer);
  };
}
