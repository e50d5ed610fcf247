/**
 * Speech PCM to the formats phones download: Ogg/Opus mono at 20 kbit/s (about 2.5 KB per second
 * of speech, the default for 2G) with opus-tools' opusenc, and MP3 mono at 32 kbit/s (4 KB/s, for
 * players without Opus) with lame. Both read raw PCM on standard input.
 */
import type { AudioFormat } from "@sira/contracts";
import type { Pcm } from "./pcm.ts";
import { runSpeechTool, type SpeechTool } from "./run-tool.ts";

export const OPUS_BITRATE_KBPS = 20;
export const MP3_BITRATE_KBPS = 32;

export const ENCODER_TOOLS: Record<AudioFormat, SpeechTool> = { opus: "opusenc", mp3: "lame" };

export const AUDIO_MIME_TYPES: Record<AudioFormat, string> = { opus: "audio/ogg", mp3: "audio/mpeg" };
export const AUDIO_EXTENSIONS: Record<AudioFormat, string> = { opus: "opus", mp3: "mp3" };

/** Generous: encoding runs far faster than real time. */
const timeoutFor = (pcm: Pcm) => 30_000 + Math.ceil(pcm.samples.length / 2 / pcm.sampleRate) * 1_000;

export async function encodeSpeech(pcm: Pcm, format: AudioFormat, signal?: AbortSignal): Promise<Buffer> {
  const run = { input: pcm.samples, timeoutMs: timeoutFor(pcm), ...(signal ? { signal } : {}) };
  if (format === "opus") {
    return runSpeechTool(
      "opusenc",
      [
        "--quiet",
        "--raw",
        "--raw-bits",
        "16",
        "--raw-rate",
        String(pcm.sampleRate),
        "--raw-chan",
        "1",
        "--bitrate",
        String(OPUS_BITRATE_KBPS),
        "--downmix-mono",
        "--speech",
        "-",
        "-",
      ],
      run,
    );
  }
  return runSpeechTool(
    "lame",
    [
      "--quiet",
      "-r",
      "-s",
      String(pcm.sampleRate / 1000),
      "--bitwidth",
      "16",
      "--signed",
      "--little-endian",
      "-m",
      "m",
      "-b",
      String(MP3_BITRATE_KBPS),
      "-",
      "-",
    ],
    run,
  );
}
