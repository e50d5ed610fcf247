/**
 * Hono's TrieRouter with its answers kept per method and path. The API's routes put a parameter
 * beside a fixed segment (`/courses/:id_or_slug` beside `/courses/taxonomy`), which Hono's
 * RegExpRouter refuses, so Hono falls back to the TrieRouter: a full trie walk per request, 12 µs
 * for `/health` and 6–8 µs for the reads (decision 0054). The routes are fixed once the app is built,
 * so a path's answer never changes; RegExpRouter keeps one per fixed path for the same reason.
 * Bounded: at most `maxEntries` answers (the oldest go first) and only for paths up to
 * `maxPathLength`, so a client walking through ids or sending long paths only churns it.
 */
import type { Result, Router } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";

export class MemoRouter<T> implements Router<T> {
  readonly name = "MemoRouter(TrieRouter)";
  readonly #trie = new TrieRouter<T>();
  readonly #answers = new Map<string, Result<T>>();

  constructor(
    private readonly maxEntries = 2_000,
    private readonly maxPathLength = 256,
  ) {}

  add(method: string, path: string, handler: T): void {
    this.#answers.clear();
    this.#trie.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    if (path.length > this.maxPathLength) return this.#trie.match(method, path);
    const key = `${method} ${path}`;
    const known = this.#answers.get(key);
    if (known) return known;
    const answer = this.#trie.match(method, path);
    if (this.#answers.size >= this.maxEntries) this.#answers.delete(this.#answers.keys().next().value as string);
    this.#answers.set(key, answer);
    return answer;
  }

  /** How many answers are kept (for tests). */
  get size(): number {
    return this.#answers.size;
  }
}
