/**
 * Reads the audio files the API serves, independently of the code that wrote them: the Ogg pages
 * of an Opus stream (RFC 3533, RFC 7845) and the first MPEG audio frame of an MP3.
 */

export interface OggOpusInfo {
  pages: number;
  channels: number;
  preSkip: number;
  inputSampleRate: number;
  /** From the last page's granule position (48 kHz samples) less the pre-skip. */
  durationMs: number;
  vendor: string;
}

export function parseOggOpus(bytes: Uint8Array): OggOpusInfo {
  const buf = Buffer.from(bytes);
  let offset = 0;
  let pages = 0;
  let lastGranule = 0n;
  const packets: Buffer[] = [];
  let packet: Buffer[] = [];
  while (offset < buf.length) {
    if (buf.toString("latin1", offset, offset + 4) !== "OggS") throw new Error(`no OggS capture pattern at ${offset}`);
    if (buf[offset + 4] !== 0) throw new Error("unknown Ogg version");
    const granule = buf.readBigInt64LE(offset + 6);
    const segments = buf[offset + 26] as number;
    const table = buf.subarray(offset + 27, offset + 27 + segments);
    let body = offset + 27 + segments;
    for (const lacing of table) {
      packet.push(buf.subarray(body, body + lacing));
      body += lacing;
      if (lacing < 255) {
        packets.push(Buffer.concat(packet));
        packet = [];
      }
    }
    if (granule >= 0n) lastGranule = granule;
    pages += 1;
    offset = body;
  }
  const head = packets[0];
  if (head?.toString("latin1", 0, 8) !== "OpusHead") throw new Error("the first packet is not OpusHead");
  const tags = packets[1];
  if (tags?.toString("latin1", 0, 8) !== "OpusTags") throw new Error("the second packet is not OpusTags");
  const preSkip = head.readUInt16LE(10);
  return {
    pages,
    channels: head[9] as number,
    preSkip,
    inputSampleRate: head.readUInt32LE(12),
    durationMs: Math.round((Number(lastGranule) - preSkip) / 48),
    vendor: tags.toString("utf8", 12, 12 + tags.readUInt32LE(8)),
  };
}

/** The first MPEG audio frame header, after an ID3v2 tag if there is one. */
export function firstMp3Frame(bytes: Uint8Array): { offset: number; version: string; layer: number; mono: boolean } {
  const buf = Buffer.from(bytes);
  let offset = 0;
  if (buf.toString("latin1", 0, 3) === "ID3") {
    const size =
      ((buf[6] as number) << 21) | ((buf[7] as number) << 14) | ((buf[8] as number) << 7) | (buf[9] as number);
    offset = 10 + size;
  }
  const b1 = buf[offset] as number;
  const b2 = buf[offset + 1] as number;
  if (b1 !== 0xff || (b2 & 0xe0) !== 0xe0) throw new Error(`no MPEG frame sync at ${offset}`);
  const version = ({ 0: "2.5", 2: "2", 3: "1" } as Record<number, string>)[(b2 >> 3) & 3] ?? "reserved";
  const layer = 4 - ((b2 >> 1) & 3);
  const mono = (((buf[offset + 3] as number) >> 6) & 3) === 3;
  return { offset, version, layer, mono };
}
