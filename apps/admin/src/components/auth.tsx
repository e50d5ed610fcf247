"use client";
/** Who is signed in: restored from the refresh cookie on load, refreshed before the token expires. */
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { adopt, onSession, refreshSession, type SessionAnswer, type SessionUser, signOut } from "@/lib/session";
import type { ApiProblem } from "@/lib/trpc";

type Status = "loading" | "signed-out" | "signed-in";
interface Auth {
  status: Status;
  user: SessionUser | null;
  isAdmin: boolean;
  signIn(email: string, code: string): Promise<ApiProblem | null>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionAnswer | null>(null);
  const [status, setStatus] = useState<Status>("loading");
  const queryClient = useQueryClient();

  useEffect(
    () =>
      onSession((answer) => {
        setSession(answer);
        setStatus(answer ? "signed-in" : "signed-out");
      }),
    [],
  );
  useEffect(() => {
    void refreshSession();
  }, []);
  // A minute before the access token expires, the cookie buys a new one.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => void refreshSession(), Math.max(10, session.expires_in - 60) * 1000);
    return () => clearTimeout(timer);
  }, [session]);

  const signIn = useCallback(async (email: string, code: string): Promise<ApiProblem | null> => {
    const res = await fetch("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, code }),
      credentials: "same-origin",
    });
    const body = (await res.json().catch(() => null)) as
      | (SessionAnswer & { code?: string; detail?: string; errors?: { field: string; message: string }[] })
      | null;
    if (res.ok && body?.access_token) {
      adopt(body);
      return null;
    }
    const fields: Record<string, string> = {};
    for (const e of body?.errors ?? []) fields[e.field] = e.message;
    return { code: body?.code ?? "UNKNOWN", message: body?.detail ?? res.statusText, status: res.status, fields };
  }, []);

  const end = useCallback(async () => {
    await signOut();
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo<Auth>(
    () => ({
      status,
      user: session?.user ?? null,
      isAdmin: session?.user.role === "admin",
      signIn,
      signOut: end,
    }),
    [status, session, signIn, end],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}
