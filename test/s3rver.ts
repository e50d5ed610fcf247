/**
 * A local S3-compatible store for tests: s3rver in a child process (test/s3rver-server.ts), on
 * 127.0.0.1 at a free port, over a directory of its own, with one bucket. Its settings are the ones
 * production uses (STORAGE_URL and the key pair), so the code under test builds its storage from
 * them as usual. `requests` lists what the store received (`PUT /bucket/key?…`), oldest first.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface LocalS3 {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  bucket: string;
  /** STORAGE_URL and the credentials, as environment overrides. */
  settings: { STORAGE_URL: string; STORAGE_S3_ACCESS_KEY_ID: string; STORAGE_S3_SECRET_ACCESS_KEY: string };
  requests: string[];
  close(): Promise<void>;
}

export async function startLocalS3(bucket = "sira-test"): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), "sira-s3rver-"));
  const child: ChildProcess = spawn(
    process.execPath,
    ["--openssl-legacy-provider", new URL("./s3rver-server.ts", import.meta.url).pathname, directory, bucket],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const requests: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      const message = JSON.parse(line) as { port?: number; request?: string };
      if (message.port) resolve(message.port);
      if (message.request) requests.push(message.request);
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    settings: {
      STORAGE_URL: `s3://${bucket}?endpoint=${endpoint}&region=us-east-1&force_path_style=true`,
      // s3rver's built-in account.
      STORAGE_S3_ACCESS_KEY_ID: "S3RVER",
      STORAGE_S3_SECRET_ACCESS_KEY: "S3RVER",
    },
    requests,
    close: async () => {
      child.removeAllListeners("exit");
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
