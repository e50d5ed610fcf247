/** Reading a stored object whole (documents are size-capped at upload). */
import type { FileStorage } from "@sira/infra";

export async function readStored(storage: FileStorage, key: string): Promise<Uint8Array> {
  const stream = await storage.get(key);
  if (!stream) throw new Error(`stored file ${key} is missing`);
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as Uint8Array));
  return new Uint8Array(Buffer.concat(parts));
}
