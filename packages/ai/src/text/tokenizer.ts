/**
 * Token counting with `cl100k_base`, the encoding of OpenAI's text-embedding-3 models. The ranks
 * ship inside js-tiktoken (a static import, so a build resolves it like any other); the encoder is
 * built once, on first use (about 100 ms), never fetched.
 */
import { Tiktoken } from "js-tiktoken/lite";
import cl100kBase from "js-tiktoken/ranks/cl100k_base";

let encoder: Tiktoken | undefined;

function tiktoken(): Tiktoken {
  encoder ??= new Tiktoken(cl100kBase);
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
