/**
 * Runs a speech tool (espeak-ng, opusenc, lame): an argument array and never a shell, the input
 * on standard input, the output from standard output, a deadline, and a clear error naming the
 * Debian package when the tool is not installed.
 */
import { spawn } from "node:child_process";

/** The Debian package that provides each tool (installed by scripts/install-system.sh). */
export const SPEECH_TOOL_PACKAGES = { "espeak-ng": "espeak-ng", opusenc: "opus-tools", lame: "lame" } as const;
export type SpeechTool = keyof typeof SPEECH_TOOL_PACKAGES;

/** A set-up problem, not a property of the lesson: retrying cannot help until the package is installed. */
export class SpeechToolMissingError extends Error {
  override readonly name = "SpeechToolMissingError";
  readonly tool: SpeechTool;
  constructor(tool: SpeechTool) {
    super(
      `${tool} is not installed: install the Debian package ${SPEECH_TOOL_PACKAGES[tool]} (scripts/install-system.sh)`,
    );
    this.tool = tool;
  }
}

export class SpeechToolError extends Error {
  override readonly name = "SpeechToolError";
}

export interface SpeechToolRun {
  input?: Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
}

const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export function runSpeechTool(tool: SpeechTool, args: string[], run: SpeechToolRun): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8" };
    // Widened: the admin console type-checks this file under Next.js, whose ProcessEnv requires NODE_ENV.
    const child = spawn(tool, args, {
      env: env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
      signal: run.signal,
    });
    const stdout: Buffer[] = [];
    let bytes = 0;
    let stderr = "";
    let failure: Error | null = null;
    const stop = (error: Error) => {
      failure ??= error;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(
      () => stop(new SpeechToolError(`${tool} took more than ${run.timeoutMs} ms`)),
      run.timeoutMs,
    );
    child.stdout.on("data", (part: Buffer) => {
      bytes += part.length;
      if (bytes > MAX_OUTPUT_BYTES) stop(new SpeechToolError(`${tool} printed more than ${MAX_OUTPUT_BYTES} bytes`));
      else stdout.push(part);
    });
    child.stderr.on("data", (part: Buffer) => {
      stderr = (stderr + part.toString("utf8")).slice(-2000);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === "ENOENT" ? new SpeechToolMissingError(tool) : (failure ?? error));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else if (code === 0) resolve(Buffer.concat(stdout));
      else reject(new SpeechToolError(`${tool} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-500)}`));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(run.input);
  });
}

const present = new Set<SpeechTool>();

/** Throws SpeechToolMissingError unless every tool runs (a successful check is remembered). */
export async function assertSpeechTools(tools: readonly SpeechTool[]): Promise<void> {
  for (const tool of tools) {
    if (present.has(tool)) continue;
    try {
      await runSpeechTool(tool, ["--version"], { timeoutMs: 10_000 });
    } catch (error) {
      if (error instanceof SpeechToolMissingError) throw error;
      // Some builds exit non-zero on --version; the tool exists, which is what is checked here.
    }
    present.add(tool);
  }
}
