/**
 * Runs one of the OCR command-line tools (pdfinfo, pdftoppm, tesseract): an argument array and
 * never a shell, a small fixed environment, a deadline after which the process is killed, and a
 * cap on what it may print.
 */
import { spawn } from "node:child_process";
import { AppError } from "@sira/contracts/errors";

export interface ToolRun {
  /** Written to the tool's standard input, which is then closed. */
  input?: Buffer;
  timeoutMs: number;
  /** Extra environment variables; the tool sees only PATH, LANG=C and these. */
  env?: Record<string, string>;
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

/** The tool is not installed: a set-up problem, not a property of the document. */
export class ToolMissingError extends Error {
  override name = "ToolMissingError";
  readonly tool: string;
  constructor(tool: string) {
    super(`${tool} is not installed: run scripts/install-system.sh`);
    this.tool = tool;
  }
}

/** The tool exited with a failure status: usually the input is one it cannot read. */
export class ToolFailedError extends Error {
  override name = "ToolFailedError";
  readonly tool: string;
  readonly stderr: string;
  constructor(tool: string, stderr: string, status: string) {
    super(`${tool} failed (${status}): ${stderr.slice(-500)}`);
    this.tool = tool;
    this.stderr = stderr;
  }
}

/** The tool ran past its deadline or its output cap on this document: refused as too complex. */
function tooComplex(why: string): AppError {
  return new AppError("FILE_TOO_COMPLEX", { fieldErrors: [{ field: "file", code: "too_complex", message: why }] });
}

/**
 * The tool's standard output. Rejects with ToolMissingError, ToolFailedError (non-zero exit),
 * FILE_TOO_COMPLEX (deadline or output cap passed), or the signal's AbortError.
 */
export function runTool(tool: string, args: string[], run: ToolRun): Promise<Buffer> {
  const maxOutput = run.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", ...run.env };
    // Widened: the admin console type-checks this file under Next.js, whose ProcessEnv requires NODE_ENV.
    const child = spawn(tool, args, {
      env: env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
      signal: run.signal,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let failure: Error | null = null;
    const stop = (error: Error) => {
      failure ??= error;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop(tooComplex(`${tool} took more than ${run.timeoutMs} ms`)), run.timeoutMs);
    child.stdout.on("data", (part: Buffer) => {
      stdoutBytes += part.length;
      if (stdoutBytes > maxOutput) stop(tooComplex(`${tool} printed more than ${maxOutput} bytes`));
      else stdout.push(part);
    });
    child.stderr.on("data", (part: Buffer) => {
      stderr = (stderr + part.toString("utf8")).slice(-2000);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === "ENOENT" ? new ToolMissingError(tool) : (failure ?? error));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else if (code === 0) resolve(Buffer.concat(stdout));
      else reject(new ToolFailedError(tool, stderr.trim(), signal ?? `exit ${code}`));
    });
    // A tool that exits before reading all its input closes the pipe: its exit status tells why.
    child.stdin.on("error", () => {});
    child.stdin.end(run.input);
  });
}
