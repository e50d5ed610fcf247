/**
 * A two-column research paper, as the corpus's main layout case: title and authors across both
 * columns, numbered sections and subsections, a numbered list at body size, a code listing with
 * line numbers, a diagram with text labels and its caption, running headers, page numbers and
 * hyphenated line ends. `PAPER_HEADINGS` is what a reader would call its outline.
 */
import type { Element } from "./pdf-flow.ts";
import { buildPdf } from "./pdf-flow.ts";

export const PAPER_TITLE = "Trace Compilation for Dynamic Languages on Small Devices";

export const PAPER_HEADINGS: { title: string; level: number }[] = [
  { title: "Abstract", level: 1 },
  { title: "1 Introduction", level: 1 },
  { title: "2 Overview of Trace Recording", level: 1 },
  { title: "2.1 Recording Loops", level: 2 },
  { title: "2.2 Guards and Side Exits", level: 2 },
  { title: "3 Implementation", level: 1 },
  { title: "3.1 Type Specialisation", level: 2 },
  { title: "3.2 Memory Budget", level: 2 },
  { title: "4 Evaluation", level: 1 },
  { title: "5 Related Work", level: 1 },
  { title: "6 Conclusions", level: 1 },
];

/** Labels drawn inside the paper's diagram: they must never read as body text. */
export const PAPER_FIGURE_LABELS = [
  "Interpret Bytecodes",
  "Monitor",
  "Record LIR Trace",
  "Execute Compiled Trace",
  "Compile LIR",
  "Leave Trace",
];

export const PAPER_CODE = [
  "for (var i = 2; i < 100; ++i) {",
  "  if (!primes[i])",
  "    continue;",
  "  for (var k = i + i; k < 100; k += i)",
  "    primes[k] = false;",
  "}",
];

const P = {
  abstract:
    "Dynamic languages are popular for writing applications that run on phones with little memory and slow processors. Interpreters for these languages are easy to build but slow, and classic method compilers need type information that is only known while the program runs. We present a trace compiler that records the hot loops of a program while it is interpreted, specialises them to the types actually observed, and compiles them to native code. Our implementation runs common benchmarks several times faster than the interpreter while keeping its memory footprint within the budget of an entry-level handset.",
  intro1:
    "Most of the time a program spends is spent in a small number of loops. A trace compiler exploits this observation directly: instead of compiling whole methods, it watches the interpreter, finds the loops that run often, and records the sequence of operations that one iteration performs. That recorded sequence, the trace, is straight-line code with a few branches back to the interpreter, and it is much easier to optimise than an arbitrary control flow graph.",
  intro2:
    "Compilation on small devices adds a second constraint. The compiler itself must be small, and the code it produces must fit in a cache of a few hundred kilobytes. Earlier systems assumed desktop memory sizes and would exhaust the memory of a typical handset within minutes of browsing. We show that careful accounting of the trace cache keeps the benefit of compilation while respecting these limits.",
  contributions: "This paper makes the following contributions, each of which is evaluated on real devices:",
  overview1:
    "The virtual machine starts every program in the interpreter. Each loop header carries a counter that the interpreter increments whenever a backward branch reaches it. When the counter crosses a threshold, the monitor starts recording, and the next iteration of the loop is executed by the interpreter while every operation is also written to the trace in a low-level intermediate representation.",
  recording1:
    "Recording stops when control returns to the loop header. The recorder then closes the loop by emitting a jump to the start of the trace, and hands the trace to the compiler. If the iteration leaves the loop, calls a function the recorder cannot inline, or runs for too many instructions, the recording is abandoned and the loop is blacklisted for a while so that the monitor does not try again immediately.",
  recording2:
    "The listing below shows a small loop that computes prime numbers. Its inner loop becomes hot quickly and is recorded first; the outer loop is recorded later and calls the inner trace as a nested trace rather than copying it.",
  guards1:
    "A trace is only valid under the conditions that held when it was recorded. Every branch that the interpreter took becomes a guard, a cheap check that the same branch is taken again. When a guard fails, execution leaves the trace through a side exit, the interpreter state is restored from the trace's snapshot, and the interpreter continues from the corresponding bytecode.",
  guards2:
    "Side exits that are taken often are themselves recorded and attached to the failing guard, so that the common paths through a loop end up as a tree of traces. The overhead of a side exit is therefore paid only on paths that are rarely executed.",
  types1:
    "Values in a dynamic language carry their type at run time, and generic operations must inspect those types before they can act. During recording the types are known, so the recorder emits specialised operations, for instance an integer addition instead of a generic one, and a guard that checks the type of each value entering the trace. Numbers that hold small integers are kept unboxed in machine registers for the whole trace.",
  memory1:
    "The trace cache has a fixed size chosen when the virtual machine starts. When it is full, the whole cache is flushed and recording starts again from the counters. Flushing sounds wasteful, but hot loops are recorded again within milliseconds, and a flush avoids the fragmentation that a general allocator would suffer in a small memory.",
  memory2:
    "We measured the peak memory of the compiler on a phone with 256 megabytes of memory while a user browsed twenty popular websites. The compiler never used more than two percent of the memory of the browser process, and the trace cache was flushed on average once every four minutes.",
  eval1:
    "We evaluated the compiler on the standard benchmark suite and on a set of scripts taken from educational websites. On the benchmark suite the median speedup over the interpreter is 3.2 times, and loops over typed arrays run up to ten times faster. Programs that spend most of their time in recursion or in the standard library gain little, since their hot paths are not loops.",
  eval2:
    "Battery consumption follows execution time closely. A script that finishes sooner lets the processor return to a low-power state, and over a browsing session of one hour the compiled configuration used eight percent less energy than the interpreter alone.",
  related1:
    "Trace-based compilation was first explored for binary translation of machine code, where it was used to optimise the hot paths of native programs at run time. It was later adopted by virtual machines for languages with static types, and by meta-tracing frameworks that generate a tracing compiler from an interpreter written in a restricted language.",
  conclusion1:
    "Trace compilation brings the speed of native code to dynamic languages on devices where memory is scarce. Recording only the loops that matter, specialising them to observed types, and managing the trace cache as a whole keep the compiler small and its gains large. We plan to extend the approach to the recursion patterns that it does not yet cover.",
};

export const PAPER_ELEMENTS: Element[] = [
  { kind: "title", text: PAPER_TITLE },
  { kind: "authors", text: "Awa Diallo, Kofi Mensah, Claire Dubois and Ibrahim Traore" },
  { kind: "heading", level: 1, text: "Abstract" },
  { kind: "paragraph", text: P.abstract },
  { kind: "heading", level: 1, text: "1 Introduction" },
  { kind: "paragraph", text: P.intro1 },
  { kind: "paragraph", text: P.intro2 },
  { kind: "paragraph", text: P.contributions },
  {
    kind: "list",
    items: [
      "A recording scheme that captures hot loops while the interpreter runs them.",
      "A type specialisation that keeps small integers unboxed across a whole trace.",
      "A trace cache policy that respects the memory budget of entry-level phones.",
    ],
  },
  { kind: "heading", level: 1, text: "2 Overview of Trace Recording" },
  { kind: "paragraph", text: P.overview1 },
  {
    kind: "figure",
    labels: PAPER_FIGURE_LABELS,
    caption: "Figure 1: The states of the virtual machine and the transitions between them.",
  },
  { kind: "heading", level: 2, text: "2.1 Recording Loops" },
  { kind: "paragraph", text: P.recording1 },
  { kind: "paragraph", text: P.recording2 },
  { kind: "code", lines: PAPER_CODE },
  { kind: "heading", level: 2, text: "2.2 Guards and Side Exits" },
  { kind: "paragraph", text: P.guards1 },
  { kind: "paragraph", text: P.guards2 },
  { kind: "heading", level: 1, text: "3 Implementation" },
  { kind: "heading", level: 2, text: "3.1 Type Specialisation" },
  { kind: "paragraph", text: P.types1 },
  { kind: "heading", level: 2, text: "3.2 Memory Budget" },
  { kind: "paragraph", text: P.memory1 },
  { kind: "paragraph", text: P.memory2 },
  { kind: "heading", level: 1, text: "4 Evaluation" },
  { kind: "paragraph", text: P.eval1 },
  { kind: "paragraph", text: P.eval2 },
  { kind: "heading", level: 1, text: "5 Related Work" },
  { kind: "paragraph", text: P.related1 },
  { kind: "heading", level: 1, text: "6 Conclusions" },
  { kind: "paragraph", text: P.conclusion1 },
];

export const PAPER_HEADER = "Proceedings of the Workshop on Mobile Runtimes, Dakar 2026";

export function paperPdf(): Promise<Uint8Array> {
  return buildPdf(PAPER_ELEMENTS, { columns: 2, header: PAPER_HEADER, hyphenate: true });
}
