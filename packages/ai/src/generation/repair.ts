/**
 * One model call with a single repair: when the output does not validate, the model gets its own
 * output back with the list of problems and is asked for the corrected output only. A second
 * invalid output is GENERATION_FAILED. Only the first call streams to the caller.
 */
import { AppError } from "@sira/contracts";
import type { Logger } from "@sira/infra";
import type { z } from "zod";
import type { LlmClient, LlmMessage } from "../llm/client.ts";
import type { Prompt } from "../prompts/system.ts";

export interface Checked<T> {
  content?: T;
  issues: string[];
}

export interface RepairedOutput<T> {
  content: T;
  /** The text the content was read from (after citation clean-up). */
  text: string;
  repaired: boolean;
  model: string;
  stopReason: string | null;
  usage: { inputTokens: number; outputTokens: number };
}

const MAX_ISSUES = 20;

export function zodIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
}

export function repairMessage(issues: string[]): string {
  const listed = issues.slice(0, MAX_ISSUES).map((i) => `- ${i}`);
  if (issues.length > MAX_ISSUES) listed.push(`- … and ${issues.length - MAX_ISSUES} more`);
  return [
    "Your reply does not follow the required format. Problems found:",
    ...listed,
    "Reply again with the complete corrected output only, in the same format, with nothing before or after it.",
  ].join("\n");
}

export async function completeWithRepair<T>(args: {
  llm: LlmClient;
  prompt: Prompt;
  logger: Logger;
  what: string;
  signal?: AbortSignal;
  /** Receives the first call's raw deltas. Returns nothing: the caller filters what it forwards. */
  onText?: (delta: string) => void;
  /** Turns the raw text (and whether it streamed) into content or issues. */
  check: (text: string, streamed: boolean) => { text: string; checked: Checked<T> };
}): Promise<RepairedOutput<T>> {
  const { llm, prompt, signal } = args;
  const first: LlmMessage = { role: "user", content: prompt.user };
  const request = { system: prompt.system, maxTokens: prompt.maxTokens, temperature: prompt.temperature, signal };
  const initial = await llm.complete({
    ...request,
    messages: [first],
    ...(args.onText ? { onText: args.onText } : {}),
  });
  const usage = { inputTokens: initial.inputTokens, outputTokens: initial.outputTokens };
  const firstTry = args.check(initial.text, true);
  if (firstTry.checked.content !== undefined && !firstTry.checked.issues.length) {
    return {
      content: firstTry.checked.content,
      text: firstTry.text,
      repaired: false,
      model: initial.model,
      stopReason: initial.stopReason,
      usage,
    };
  }
  const issues = [...firstTry.checked.issues];
  if (initial.stopReason === "max_tokens") issues.unshift("the reply was cut off at the length limit: be more concise");
  args.logger.warn({ what: args.what, issues: issues.slice(0, 5) }, "generated output invalid, asking for a repair");
  const repair = await llm.complete({
    ...request,
    messages: [
      first,
      { role: "assistant", content: initial.text.trim() || "(empty)" },
      { role: "user", content: repairMessage(issues) },
    ],
  });
  usage.inputTokens += repair.inputTokens;
  usage.outputTokens += repair.outputTokens;
  const second = args.check(repair.text, false);
  if (second.checked.content === undefined || second.checked.issues.length) {
    args.logger.warn({ what: args.what, issues: second.checked.issues.slice(0, 5) }, "repaired output still invalid");
    throw new AppError("GENERATION_FAILED", { details: { en: `The generated ${args.what} was invalid twice.` } });
  }
  return {
    content: second.checked.content,
    text: second.text,
    repaired: true,
    model: repair.model,
    stopReason: repair.stopReason,
    usage,
  };
}

/** The JSON object in a reply, tolerating a Markdown fence or words around it. */
export function extractJson(text: string): { value?: unknown; issue?: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/u.exec(text)?.[1];
  const body = fenced ?? text;
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start < 0 || end <= start) return { issue: "no JSON object found in the reply" };
  try {
    return { value: JSON.parse(body.slice(start, end + 1)) };
  } catch (error) {
    return { issue: `not valid JSON: ${(error as Error).message}` };
  }
}
