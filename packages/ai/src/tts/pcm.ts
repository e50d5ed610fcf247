/**
 * Speech as 16-bit little-endian mono PCM, the one shape every engine hands to the encoders:
 * espeak-ng's WAV is read into it, OpenAI's `pcm` answer is it at 24 kHz.
 */

export interface Pcm {
  sampleRate: number;
  /** Signed 16-bit little-endian mono samples. */
  samples: Buffer;
}

export class SpeechFormatError extends Error {
  override readonly name = "SpeechFormatError";
}

/** Milliseconds of speech in `pcm`. */
export function pcmDurationMs(pcm: Pcm): number {
  return Math.round((pcm.samples.length / 2 / pcm.sampleRate) * 1000);
}

/**
 * The samples of a 16-bit PCM WAV file. A WAV written to a pipe (espeak-ng --stdout) carries
 * placeholder sizes, so the data chunk runs to the end of the buffer whatever its header says.
 * Stereo is folded to mono.
 */
export function wavToPcm(wav: Buffer): Pcm {
  if (wav.length < 12 || wav.toString("ascii", 0, 4) !== "RIFF" || wav.toString("ascii", 8, 12) !== "WAVE") {
    throw new SpeechFormatError("not a WAV file");
  }
  let offset = 12;
  let sampleRate = 0;
  let channels = 0;
  while (offset + 8 <= wav.length) {
    const id = wav.toString("ascii", offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > wav.length) throw new SpeechFormatError("truncated WAV format chunk");
      const format = wav.readUInt16LE(body);
      channels = wav.readUInt16LE(body + 2);
      sampleRate = wav.readUInt32LE(body + 4);
      const bits = wav.readUInt16LE(body + 14);
      if ((format !== 1 && format !== 0xfffe) || bits !== 16 || channels < 1 || channels > 2 || !sampleRate) {
        throw new SpeechFormatError(`unsupported WAV: format ${format}, ${bits} bits, ${channels} channels`);
      }
    } else if (id === "data") {
      if (!sampleRate) throw new SpeechFormatError("WAV data before its format");
      const end = Math.min(wav.length, body + size);
      const data = wav.subarray(body, end - ((end - body) % (2 * channels)));
      return { sampleRate, samples: channels === 1 ? Buffer.from(data) : downmix(data) };
    }
    offset = body + size + (size % 2);
  }
  throw new SpeechFormatError("WAV without a data chunk");
}

function downmix(stereo: Buffer): Buffer {
  const out = Buffer.alloc(stereo.length / 2);
  for (let i = 0, o = 0; i + 3 < stereo.length; i += 4, o += 2) {
    out.writeInt16LE(Math.round((stereo.readInt16LE(i) + stereo.readInt16LE(i + 2)) / 2), o);
  }
  return out;
}

/** The pieces one after another, with `gapMs` of silence between them (all at the same rate). */
export function joinPcm(pieces: Pcm[], gapMs = 0): Pcm {
  const first = pieces[0];
  if (!first) throw new SpeechFormatError("no speech to join");
  if (pieces.some((p) => p.sampleRate !== first.sampleRate)) throw new SpeechFormatError("mixed sample rates");
  const gap = Buffer.alloc(Math.round((first.sampleRate * gapMs) / 1000) * 2);
  const parts: Buffer[] = [];
  pieces.forEach((p, i) => {
    if (i > 0 && gap.length) parts.push(gap);
    parts.push(p.samples);
  });
  return { sampleRate: first.sampleRate, samples: Buffer.concat(parts) };
}
