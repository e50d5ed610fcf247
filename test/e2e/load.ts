/**
 * Steady traffic for the fault tests: each kind of request runs in its own loop, one request at a
 * time, until stopped, and every answer is kept with the phase of the test it arrived in.
 */

export interface Outcome {
  kind: string;
  phase: string;
  /** 0 when no answer came (the connection failed). */
  status: number;
  retryAfter: string | null;
  contentType: string;
  /** The problem's machine code, for problem+json answers. */
  code: string | null;
  /** What the request carried that the test checks later (e.g. its Idempotency-Key). */
  tag: string | undefined;
}

export interface LoadKind {
  name: string;
  /** One request; `tag` names what it wrote, if anything. */
  send: () => Promise<{ res: Response; tag?: string }>;
}

export class Load {
  phase = "before";
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(kinds: LoadKind[], pauseMs = 150) {
    this.loops = kinds.map(async (kind) => {
      while (this.running) {
        this.outcomes.push(await this.once(kind));
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    });
  }

  private async once(kind: LoadKind): Promise<Outcome> {
    const phase = this.phase;
    const base = { kind: kind.name, phase, retryAfter: null, contentType: "", code: null, tag: undefined };
    try {
      const { res, tag } = await kind.send();
      const contentType = res.headers.get("content-type") ?? "";
      const text = await res.text();
      let code: string | null = null;
      if (contentType.startsWith("application/problem+json")) code = (JSON.parse(text) as { code: string }).code;
      return { ...base, status: res.status, retryAfter: res.headers.get("retry-after"), contentType, code, tag };
    } catch {
      return { ...base, status: 0 };
    }
  }

  /** The answers of `kind` (every kind when omitted) that arrived in `phase`. */
  of(phase: string, kind?: string): Outcome[] {
    return this.outcomes.filter((o) => o.phase === phase && (kind === undefined || o.kind === kind));
  }

  /** Resolves once `count` answers of `kind` in the current phase satisfy `match` (bounded). */
  async seen(kind: string, match: (o: Outcome) => boolean, count = 1, boundMs = 60_000): Promise<void> {
    const deadline = Date.now() + boundMs;
    while (this.of(this.phase, kind).filter(match).length < count) {
      if (Date.now() > deadline) {
        const last = this.of(this.phase, kind).slice(-5);
        throw new Error(`timed out waiting for ${count} ${kind} answers in ${this.phase}: ${JSON.stringify(last)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}
