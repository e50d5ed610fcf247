/**
 * A small Markdown reader for lessons, tutor answers and case studies: headings, paragraphs,
 * lists, quotes, code, rules, emphasis, inline code, links (http(s) only) and citation markers
 * `[n]`. It builds React elements, never HTML strings, so generated text cannot inject markup; it
 * runs on the server (a lesson readable before any script) and in the page (text as it streams in)
 * at a fraction of a general Markdown library's bytes.
 */
import { Fragment, type ReactNode } from "react";

export type Block =
  | { type: "heading"; level: 1 | 2 | 3 | 4; text: string }
  | { type: "paragraph"; text: string }
  | { type: "list"; ordered: boolean; items: string[] }
  | { type: "quote"; text: string }
  | { type: "code"; text: string }
  | { type: "rule" };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+•]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;

/** Splits Markdown into blocks; an unfinished last line (while streaming) is a paragraph like any other. */
export function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ type: "paragraph", text: paragraph.join(" ") });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") {
      flush();
      continue;
    }
    if (line.startsWith("```")) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !(lines[i] ?? "").startsWith("```"); i++) code.push(lines[i] ?? "");
      blocks.push({ type: "code", text: code.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      const level = Math.min(4, heading[1]?.length ?? 1) as 1 | 2 | 3 | 4;
      blocks.push({ type: "heading", level, text: heading[2] ?? "" });
      continue;
    }
    if (RULE.test(line)) {
      flush();
      blocks.push({ type: "rule" });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      flush();
      const ordered = Boolean(numbered);
      const items = [(bullet ?? numbered)?.[1] ?? ""];
      const pattern = ordered ? NUMBERED : BULLET;
      while (i + 1 < lines.length) {
        const next = lines[i + 1] ?? "";
        const match = pattern.exec(next);
        if (match) items.push(match[1] ?? "");
        else if (/^\s{2,}\S/.test(next) && items.length) items[items.length - 1] += ` ${next.trim()}`;
        else break;
        i++;
      }
      blocks.push({ type: "list", ordered, items });
      continue;
    }
    if (line.startsWith(">")) {
      flush();
      const quote = [line.replace(/^>\s?/, "")];
      while (i + 1 < lines.length && (lines[i + 1] ?? "").startsWith(">"))
        quote.push((lines[++i] ?? "").replace(/^>\s?/, ""));
      blocks.push({ type: "quote", text: quote.join(" ") });
      continue;
    }
    paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

/** How a citation marker `[n]` is drawn (a link to the source below, or a button). */
export type CiteRenderer = (n: number, key: string) => ReactNode;

const MARKER = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]$/;
const INLINE =
  /(\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_|`[^`]+`|\[\d{1,3}(?:\s*,\s*\d{1,3})*\](?!\()|\[[^\]]+\]\([^)\s]+\))/g;

/** Inline Markdown: emphasis, code, links and citation markers. */
export function renderInline(text: string, cite?: CiteRenderer, keyPrefix = "i"): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let index = 0;
  for (const match of text.matchAll(INLINE)) {
    const token = match[0];
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const key = `${keyPrefix}-${index++}`;
    if (token.startsWith("**") || token.startsWith("__")) {
      out.push(<strong key={key}>{renderInline(token.slice(2, -2), cite, key)}</strong>);
    } else if (token.startsWith("`")) {
      out.push(<code key={key}>{token.slice(1, -1)}</code>);
    } else if (MARKER.test(token)) {
      const numbers = (MARKER.exec(token)?.[1] ?? "").split(",").map((part) => Number(part.trim()));
      out.push(...(cite ? numbers.map((n, j) => cite(n, `${key}-${j}`)) : [token]));
    } else if (token.startsWith("[")) {
      const [, label = "", href = ""] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token) ?? [];
      out.push(
        /^https?:\/\//i.test(href) ? (
          <a key={key} href={href} rel="noopener noreferrer nofollow" target="_blank">
            {label}
          </a>
        ) : (
          label
        ),
      );
    } else {
      out.push(<em key={key}>{renderInline(token.slice(1, -1), cite, key)}</em>);
    }
    last = at + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function renderBlock(block: Block, key: string, cite?: CiteRenderer): ReactNode {
  switch (block.type) {
    case "heading": {
      const Tag = (["h1", "h2", "h3", "h4"] as const)[block.level - 1] ?? "h4";
      return <Tag key={key}>{renderInline(block.text, cite, key)}</Tag>;
    }
    case "paragraph":
      return <p key={key}>{renderInline(block.text, cite, key)}</p>;
    case "list": {
      const Tag = block.ordered ? "ol" : "ul";
      return (
        <Tag key={key}>
          {block.items.map((item, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: list items have no identity of their own
            <li key={`${key}-${i}`}>{renderInline(item, cite, `${key}-${i}`)}</li>
          ))}
        </Tag>
      );
    }
    case "quote":
      return <blockquote key={key}>{renderInline(block.text, cite, key)}</blockquote>;
    case "code":
      return (
        <pre key={key}>
          <code>{block.text}</code>
        </pre>
      );
    case "rule":
      return <hr key={key} />;
  }
}

/** Markdown as React elements; `skipTitle` drops a leading `#` heading the page already shows. */
export function Markdown({
  text,
  cite,
  skipTitle = false,
}: {
  text: string;
  cite?: CiteRenderer;
  skipTitle?: boolean;
}) {
  let blocks = parseBlocks(text);
  if (skipTitle && blocks[0]?.type === "heading" && blocks[0].level === 1) blocks = blocks.slice(1);
  return <Fragment>{blocks.map((block, i) => renderBlock(block, `b${i}`, cite))}</Fragment>;
}
