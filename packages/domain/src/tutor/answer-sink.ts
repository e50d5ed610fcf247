/**
 * Where an answer's text goes as it is produced: citation markers outside the retrieved set are
 * dropped, the open-quiz key guard holds back what could still become a leak, and what passes is
 * published to the answer's stream and kept for storage. A leak stops the attempt at once.
 */
import { createCitationFilter, createKeyGuard, type OpenQuizItem } from "@sira/ai";
import type { Language } from "@sira/contracts";
import type { GenerationPublisher } from "../content/generation-stream.ts";
import type { TutorEntry } from "./answer-stream.ts";

export class AnswerSink {
  private readonly citations;
  private readonly guard;
  private released = "";
  private _leaked = false;
  readonly leak = new AbortController();

  constructor(
    private readonly publisher: GenerationPublisher<TutorEntry>,
    chunkCount: number,
    items: OpenQuizItem[],
    language: Language,
  ) {
    this.citations = createCitationFilter(chunkCount);
    this.guard = items.length ? createKeyGuard(items, language) : null;
  }

  get text(): string {
    return this.released;
  }

  get leaked(): boolean {
    return this._leaked;
  }

  push(delta: string): void {
    if (this._leaked) return;
    this.pass(this.citations.push(delta), false);
  }

  /** The end of the provider's text: whatever was held back is released (or found to leak). */
  end(): void {
    if (this._leaked) return;
    this.pass(this.citations.flush(), true);
  }

  private pass(text: string, final: boolean): void {
    let out = text;
    if (this.guard) {
      const pushed = this.guard.push(text);
      out = pushed.text;
      let leaked = pushed.leaked;
      if (final && !leaked) {
        const rest = this.guard.flush();
        out += rest.text;
        leaked = rest.leaked;
      }
      if (leaked) {
        this._leaked = true;
        this.leak.abort(new Error("the answer named the key of an open quiz item"));
        return;
      }
    }
    if (!out) return;
    this.released += out;
    this.publisher.delta(out);
  }
}
