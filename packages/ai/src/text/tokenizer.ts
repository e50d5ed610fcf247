/**
 * Token counting with `cl100k_base`, the encoding of OpenAI's text-embedding-3 models. The ranks
 * ship inside js-tiktoken; they are parsed once, on first use (about 100 ms), never fetched.
 */
import { createRequire } from "node:module";
import { Tiktoken, type TiktokenBPE } from "js-tiktoken/lite";

let encoder: Tiktoken | undefined;

function tiktoken(): Tiktoken {
  if (!encoder) {
    const ranks = createRequire(import.meta.url)("js-tiktoken/ranks/cl100k_base") as TiktokenBPE;
    encoder = new Tiktoken(ranks);
  }
  return encoder;
}

/** Token ids of `text`. Special-token markup (e.g. `<|endoftext|>`) in documents is plain text. */
export function encode(text: string): number[] {
  return tiktoken().encode(text, [], []);
}

export function decode(tokens: number[]): string {
  return tiktoken().decode(tokens);
}

export function countTokens(text: string): number {
  return text ? encode(text).length : 0;
}
