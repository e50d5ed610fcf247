/**
 * DOCX through mammoth's HTML, read as structure: Word's Title and "heading 1-6" styles become
 * "#" lines and the outline, lists become "- item" / "1. item" lines (two spaces per nesting
 * level), tables become "cell | cell" rows under a header separator, one block each; blocks are
 * separated by blank lines. The HTML is walked tag by tag with an explicit stack: linear in its
 * length whatever the nesting.
 */
import type { TocEntry } from "@sira/contracts";
import { AppError } from "@sira/contracts/errors";
import mammoth from "mammoth";
import { assertSafeZip } from "./docx-zip.ts";
import type { ExtractedDocument } from "./extract.ts";

/** Word's built-in heading styles are in mammoth's default map; the title styles are not. */
const STYLE_MAP = ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => p:fresh"];

/** Reads a DOCX after its zip has been checked; FILE_CORRUPT when mammoth cannot read it. */
export async function readDocx(bytes: Uint8Array): Promise<ExtractedDocument> {
  assertSafeZip(bytes);
  let html: string;
  try {
    // Images are left out of the HTML: only text is kept, and base64 copies would cost memory.
    const convertImage = mammoth.images.imgElement(async () => ({ src: "" }));
    ({ value: html } = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes) },
      { convertImage, styleMap: STYLE_MAP, includeEmbeddedStyleMap: false },
    ));
  } catch (error) {
    throw new AppError("FILE_CORRUPT", {
      cause: error,
      fieldErrors: [{ field: "file", code: "corrupt", message: "the DOCX cannot be read" }],
    });
  }
  const { text, outline } = htmlToStructuredText(html);
  return { pages: [{ page: null, text }], outline, pageCount: null };
}

/** A frame of the open elements. Text goes to `owner`: the nearest open block, item or cell. */
type Frame =
  | { kind: "block"; tag: string; text: string; owner: TextFrame | null }
  | { kind: "item"; text: string; prefix: string; owner: TextFrame | null }
  | { kind: "cell"; tag: string; text: string; owner: TextFrame | null }
  | {
      kind: "list";
      tag: string;
      ordered: boolean;
      count: number;
      depth: number;
      lines: string[];
      owner: TextFrame | null;
    }
  | { kind: "table"; rows: string[][]; owner: TextFrame | null }
  | { kind: "row"; cells: string[]; owner: TextFrame | null };
type TextFrame = Extract<Frame, { text: string }>;

const HEADING = /^h([1-6])$/;
/** Word has nine list levels; deeper nesting (hostile HTML) is written at the ninth. */
const MAX_LIST_INDENT = 8;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]{1,8}|#[0-9]{1,10}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code) : "\uFFFD";
  });
}

/** One line: runs of white space (line breaks included) as one space. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** Paragraph text: line breaks kept, other white space collapsed, blank lines dropped. */
function paragraphLines(text: string): string {
  return text.split("\n").map(oneLine).filter(Boolean).join("\n");
}

function appendTo(owner: TextFrame | null, text: string): void {
  if (owner) owner.text += text;
}

/** Mammoth's HTML as text with structure, and the outline of its headings (levels 1-6). */
export function htmlToStructuredText(html: string): { text: string; outline: TocEntry[] } {
  const blocks: string[] = [];
  const outline: TocEntry[] = [];
  const stack: Frame[] = [];
  // Footnote back-links ("↑") are navigation, not text.
  let inBackLink = false;

  const top = (): Frame | undefined => stack[stack.length - 1];
  const ownerHere = (): TextFrame | null => {
    const frame = top();
    if (!frame) return null;
    return "text" in frame ? frame : frame.owner;
  };

  const open = (tag: string, attributes: string) => {
    const owner = ownerHere();
    const heading = HEADING.exec(tag);
    if (tag === "p" || heading) {
      if (owner) owner.text += " ";
      stack.push({ kind: "block", tag, text: "", owner });
    } else if (tag === "ul" || tag === "ol") {
      const parent = top();
      const outer = stack[stack.length - 2];
      if (parent?.kind === "item" && outer?.kind === "list") {
        // A nested list: the item's own text is its line, written before the nested lines.
        writeItem(parent, outer);
        const { lines, owner: listOwner } = outer;
        stack.push({
          kind: "list",
          tag,
          ordered: tag === "ol",
          count: 0,
          depth: outer.depth + 1,
          lines,
          owner: listOwner,
        });
      } else stack.push({ kind: "list", tag, ordered: tag === "ol", count: 0, depth: 1, lines: [], owner });
    } else if (tag === "li") {
      const list = top();
      if (owner) owner.text += " ";
      let prefix = "-";
      if (list?.kind === "list") {
        list.count += 1;
        prefix = `${"  ".repeat(Math.min(list.depth - 1, MAX_LIST_INDENT))}${list.ordered ? `${list.count}.` : "-"}`;
      }
      stack.push({ kind: "item", text: "", prefix, owner });
    } else if (tag === "table") {
      stack.push({ kind: "table", rows: [], owner });
    } else if (tag === "tr") {
      stack.push({ kind: "row", cells: [], owner });
    } else if (tag === "td" || tag === "th") {
      stack.push({ kind: "cell", tag, text: "", owner });
    } else if (tag === "br") {
      appendTo(owner, "\n");
    } else if (tag === "a") {
      inBackLink = /\bhref="#(?:footnote|endnote|comment)-ref-/.test(attributes);
    }
  };

  /** An item's line joins its list's lines (or its owner's text when the list sits in a cell). */
  const writeItem = (item: Extract<Frame, { kind: "item" }>, list: Extract<Frame, { kind: "list" }>) => {
    // Text passed up to an owner stays raw: it is collapsed once, where it is written.
    if (list.owner) appendTo(list.owner, ` ${item.text}`);
    else {
      const text = oneLine(item.text);
      if (text) list.lines.push(`${item.prefix} ${text}`);
    }
    item.text = "";
  };

  const close = (frame: Frame) => {
    const owner = frame.owner;
    switch (frame.kind) {
      case "block": {
        const level = Number(HEADING.exec(frame.tag)?.[1] ?? 0);
        if (owner) owner.text += ` ${frame.text}`;
        else if (level) {
          const title = oneLine(frame.text);
          if (title) {
            blocks.push(`${"#".repeat(level)} ${title}`);
            outline.push({ title, level, page: null });
          }
        } else {
          const text = paragraphLines(frame.text);
          if (text) blocks.push(text);
        }
        return;
      }
      case "item": {
        const list = top();
        const text = owner || list?.kind === "list" ? "" : oneLine(frame.text);
        if (list?.kind === "list") writeItem(frame, list);
        else if (owner) owner.text += ` ${frame.text}`;
        else if (text) blocks.push(`- ${text}`);
        return;
      }
      case "list": {
        // A nested list wrote into its root's lines; the root list is one block.
        const parent = top();
        if (parent?.kind !== "item" && !owner && frame.lines.length) blocks.push(frame.lines.join("\n"));
        return;
      }
      case "cell": {
        const row = top();
        if (row?.kind === "row") row.cells.push(frame.text);
        else if (owner) owner.text += ` ${frame.text}`;
        return;
      }
      case "row": {
        const table = top();
        if (table?.kind === "table") table.rows.push(frame.cells);
        return;
      }
      case "table": {
        if (owner) {
          // A table inside a cell or an item is read as that cell's or item's text.
          for (const cells of frame.rows) for (const cell of cells) owner.text += ` ${cell}`;
          return;
        }
        const rows = frame.rows.map((cells) => cells.map(oneLine)).filter((cells) => cells.some(Boolean));
        if (rows.length) blocks.push(tableLines(rows).join("\n"));
        return;
      }
    }
  };

  const kindOf = (tag: string): Frame["kind"] | null => {
    if (tag === "p" || HEADING.test(tag)) return "block";
    if (tag === "ul" || tag === "ol") return "list";
    if (tag === "li") return "item";
    if (tag === "td" || tag === "th") return "cell";
    if (tag === "tr") return "row";
    if (tag === "table") return "table";
    return null;
  };

  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf("<", at);
    const textEnd = lt < 0 ? html.length : lt;
    if (textEnd > at && !inBackLink) appendTo(ownerHere(), decodeEntities(html.slice(at, textEnd)));
    if (lt < 0) break;
    const gt = html.indexOf(">", lt);
    if (gt < 0) break;
    const inside = html.slice(lt + 1, gt);
    at = gt + 1;
    const closing = inside.startsWith("/");
    const name = /^\/?([a-zA-Z][a-zA-Z0-9]*)/.exec(inside)?.[1]?.toLowerCase();
    if (!name) continue;
    if (!closing) {
      open(name, inside);
      continue;
    }
    if (name === "a") inBackLink = false;
    const kind = kindOf(name);
    // Mammoth's HTML is well-formed; a stray closing tag is ignored rather than trusted.
    if (kind && top()?.kind === kind) close(stack.pop() as Frame);
  }
  while (stack.length) close(stack.pop() as Frame);
  return { text: blocks.join("\n\n"), outline };
}

/** "a | b | c" rows, the first one (Word's header row) underlined by "--- | --- | ---". */
function tableLines(rows: string[][]): string[] {
  const width = rows.reduce((most, r) => Math.max(most, r.length), 0);
  const line = (cells: string[]) =>
    Array.from({ length: width }, (_, i) => cells[i] ?? "")
      .join(" | ")
      .trim();
  const [header = [], ...body] = rows;
  if (!body.length) return [line(header)];
  return [line(header), Array.from({ length: width }, () => "---").join(" | "), ...body.map(line)];
}
