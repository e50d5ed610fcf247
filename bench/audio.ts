/**
 * `pnpm bench:audio`: what a lesson read aloud costs on a 2G/3G phone. Generates a real lesson in
 * French and in English with the offline generator, reads it aloud with the offline engine
 * (espeak-ng) section by section as the "generate-audio" job does, encodes each section as
 * Ogg/Opus (20 kbit/s mono) and as MP3 (32 kbit/s mono), and prints: bytes per second of speech,
 * the time until the first section is ready against the whole lesson, and how long section 0 and
 * the whole lesson take to download at 2G (EDGE, ~40 kbit/s useful) and 3G (~384 kbit/s) speeds.
 * It prints figures; it never asserts anything. Needs espeak-ng, opus-tools and lame
 * (scripts/install-system.sh).
 */
import type { AudioFormat, Language, LessonContent } from "@sira/contracts";
import { createOfflineGenerator } from "../packages/ai/src/generation/index.ts";
import { EspeakEngine, encodeSpeech, lessonSpeechSections, pcmDurationMs } from "../packages/ai/src/tts/index.ts";
import { CHUNKS, CTX_EN, CTX_FR } from "../packages/ai/test/fixtures/generation-chunks.ts";

const LINKS = { "2G (EDGE, 40 kbit/s)": 40_000, "3G (384 kbit/s)": 384_000 } as const;
const FORMATS: AudioFormat[] = ["opus", "mp3"];

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pad = (text: string, width: number) => text.padEnd(width);

interface Run {
  language: Language;
  format: AudioFormat;
  sections: { heading: string; durationMs: number; bytes: number; readyAtMs: number }[];
  wavBytes: number;
}

async function readAloud(language: Language, markdown: string, format: AudioFormat): Promise<Run> {
  const engine = new EspeakEngine();
  const started = performance.now();
  const sections: Run["sections"] = [];
  let wavBytes = 0;
  for (const section of lessonSpeechSections(markdown)) {
    const pcm = await engine.speak(section.text, language);
    const audio = await encodeSpeech(pcm, format);
    wavBytes += pcm.samples.length + 44;
    sections.push({
      heading: section.heading,
      durationMs: pcmDurationMs(pcm),
      bytes: audio.length,
      readyAtMs: performance.now() - started,
    });
  }
  return { language, format, sections, wavBytes };
}

function report(run: Run): void {
  const total = run.sections.reduce((n, s) => n + s.bytes, 0);
  const speech = run.sections.reduce((n, s) => n + s.durationMs, 0);
  const first = run.sections[0];
  const last = run.sections.at(-1);
  if (!first || !last) return;
  const perSecond = total / (speech / 1000);
  process.stdout.write(
    `\n${run.language.toUpperCase()} ${run.format}: ${run.sections.length} sections, ${secs(speech)} of speech, ${kb(total)}` +
      ` (WAV would be ${kb(run.wavBytes)})\n` +
      `  ${perSecond.toFixed(0)} bytes per second of speech (${((perSecond * 8) / 1000).toFixed(1)} kbit/s on the wire)\n` +
      `  first section ready after ${secs(first.readyAtMs)}; whole lesson after ${secs(last.readyAtMs)}` +
      ` (${((first.readyAtMs / last.readyAtMs) * 100).toFixed(0)} %)\n`,
  );
  for (const [link, bits] of Object.entries(LINKS)) {
    const download = (bytes: number) => (bytes * 8 * 1000) / bits;
    process.stdout.write(
      `  ${pad(link, 22)} section 0 (${kb(first.bytes)}, ${secs(first.durationMs)} of speech) downloads in ` +
        `${secs(download(first.bytes))}; the whole lesson in ${secs(download(total))}\n`,
    );
  }
  for (const s of run.sections) {
    process.stdout.write(
      `    ${pad(s.heading.slice(0, 34), 36)} ${pad(secs(s.durationMs), 9)} ${pad(kb(s.bytes), 10)} ready at ${secs(s.readyAtMs)}\n`,
    );
  }
}

const generator = createOfflineGenerator();
for (const ctx of [CTX_FR, CTX_EN]) {
  const lesson = (await generator.lesson(ctx, CHUNKS)).content as LessonContent;
  process.stdout.write(
    `\n=== ${ctx.language.toUpperCase()} lesson "${lesson.title}": ${lesson.markdown.length} characters of Markdown\n`,
  );
  for (const format of FORMATS) report(await readAloud(ctx.language, lesson.markdown, format));
}
