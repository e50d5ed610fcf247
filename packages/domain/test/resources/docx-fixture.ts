/**
 * Builds real DOCX files for tests: a stored (uncompressed) ZIP with the parts Word writes: Word's
 * built-in styles (Title, Subtitle, heading 1-6, List Paragraph), a numbering part for bulleted and
 * numbered lists, and tables.
 */
import { crc32, deflateRawSync } from "node:zlib";

export interface TestDocxBlock {
  text: string;
  /** 1-6: a "heading N" paragraph; absent: body text. */
  heading?: 1 | 2 | 3 | 4 | 5 | 6;
  /** Word's "Title" or "Subtitle" paragraph style. */
  style?: "Title" | "Subtitle";
  /** A list paragraph: bulleted or numbered, `level` 0 at the top. */
  list?: { numbered: boolean; level?: number };
  /** The text's run in bold and italics. */
  emphasis?: boolean;
}

/** A table: rows of cells, the first row marked as the header row that Word repeats. */
export interface TestDocxTable {
  table: string[][];
}

export type TestDocxContent = TestDocxBlock | TestDocxTable;

export interface ZipPart {
  name: string;
  data: string | Buffer;
  /** Deflate the part (method 8) instead of storing it. */
  deflate?: boolean;
  /** The uncompressed size written in the headers, when it should lie. */
  declaredSize?: number;
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/**
 * A zip written by hand: parts are stored (method 0, which every reader accepts) unless deflated,
 * and headers can say what a real tool would never write.
 */
export function handMadeZip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, "utf8");
    const raw = typeof part.data === "string" ? Buffer.from(part.data, "utf8") : part.data;
    const stored = part.deflate ? deflateRawSync(raw, { level: 9 }) : raw;
    const common = Buffer.concat([
      u16(20),
      u16(0x0800),
      u16(part.deflate ? 8 : 0),
      u16(0),
      u16(0x21),
      u32(crc32(raw)),
      u32(stored.length),
      u32(part.declaredSize ?? raw.length),
      u16(name.length),
    ]);
    const local = Buffer.concat([u32(0x04034b50), common, u16(0), name, stored]);
    centrals.push(
      Buffer.concat([u32(0x02014b50), u16(20), common, u16(0), u16(0), u16(0), u16(0), u32(0), u32(offset), name]),
    );
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(parts.length),
    u16(parts.length),
    u32(central.length),
    u32(offset),
    u16(0),
  ]);
  return Buffer.concat([...locals, central, end]);
}

const escapeXml = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** A DOCX whose body is `blocks`, in order. */
export function buildTestDocx(blocks: TestDocxContent[]): Buffer {
  return handMadeZip(docxParts(blocks));
}

/** numId 1 is Word's bullet list, numId 2 its "1." numbered list, each with nine levels. */
const BULLETS = 1;
const NUMBERS = 2;

function paragraphXml(b: TestDocxBlock): string {
  const props: string[] = [];
  if (b.heading) props.push(`<w:pStyle w:val="Heading${b.heading}"/>`);
  else if (b.style) props.push(`<w:pStyle w:val="${b.style}"/>`);
  else if (b.list) props.push('<w:pStyle w:val="ListParagraph"/>');
  if (b.list)
    props.push(
      `<w:numPr><w:ilvl w:val="${b.list.level ?? 0}"/><w:numId w:val="${b.list.numbered ? NUMBERS : BULLETS}"/></w:numPr>`,
    );
  const pPr = props.length ? `<w:pPr>${props.join("")}</w:pPr>` : "";
  const rPr = b.emphasis ? "<w:rPr><w:b/><w:i/></w:rPr>" : "";
  return `<w:p>${pPr}<w:r>${rPr}<w:t xml:space="preserve">${escapeXml(b.text)}</w:t></w:r></w:p>`;
}

function tableXml(rows: string[][]): string {
  const columns = Math.max(1, ...rows.map((r) => r.length));
  const grid = `<w:tblGrid>${'<w:gridCol w:w="2000"/>'.repeat(columns)}</w:tblGrid>`;
  const body = rows
    .map((row, i) => {
      const header = i === 0 ? "<w:trPr><w:tblHeader/></w:trPr>" : "";
      const cells = row
        .map((cell) => `<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>${paragraphXml({ text: cell })}</w:tc>`)
        .join("");
      return `<w:tr>${header}${cells}</w:tr>`;
    })
    .join("");
  return `<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr>${grid}${body}</w:tbl>`;
}

function abstractNumXml(id: number, numbered: boolean): string {
  const levels = Array.from({ length: 9 }, (_, l) => {
    const format = numbered ? '<w:numFmt w:val="decimal"/>' : '<w:numFmt w:val="bullet"/>';
    const text = numbered ? `%${l + 1}.` : "•";
    return `<w:lvl w:ilvl="${l}"><w:start w:val="1"/>${format}<w:lvlText w:val="${text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="${720 * (l + 1)}" w:hanging="360"/></w:pPr></w:lvl>`;
  }).join("");
  return `<w:abstractNum w:abstractNumId="${id}">${levels}</w:abstractNum>`;
}

/** The parts of a DOCX whose body is `blocks`: what Word writes, before zipping. */
export function docxParts(blocks: TestDocxContent[]): { name: string; data: string }[] {
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const body = blocks.map((b) => ("table" in b ? tableXml(b.table) : paragraphXml(b))).join("");
  const style = (id: string, name: string) =>
    `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/></w:style>`;
  const styles = [
    ...[1, 2, 3, 4, 5, 6].map((n) => style(`Heading${n}`, `heading ${n}`)),
    style("Title", "Title"),
    style("Subtitle", "Subtitle"),
    style("ListParagraph", "List Paragraph"),
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>',
  ].join("");
  const numbering = `${abstractNumXml(0, false)}${abstractNumXml(1, true)}<w:num w:numId="${BULLETS}"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="${NUMBERS}"><w:abstractNumId w:val="1"/></w:num>`;
  return [
    {
      name: "[Content_Types].xml",
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
        '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>' +
        "</Types>",
    },
    {
      name: "_rels/.rels",
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
        "</Relationships>",
    },
    {
      name: "word/_rels/document.xml.rels",
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>' +
        "</Relationships>",
    },
    {
      name: "word/document.xml",
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${body}</w:body></w:document>`,
    },
    {
      name: "word/styles.xml",
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ${W}><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>${styles}</w:styles>`,
    },
    {
      name: "word/numbering.xml",
      data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ${W}>${numbering}</w:numbering>`,
    },
  ];
}

/** What a password-protected Office file looks like to a reader: an OLE container with EncryptionInfo. */
export function encryptedOfficeFile(): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  header.writeUInt16LE(0x003e, 24);
  header.writeUInt16LE(0x0003, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(0x0009, 30);
  const directory = Buffer.alloc(512);
  Buffer.from("EncryptionInfo", "utf16le").copy(directory);
  return Buffer.concat([header, directory, Buffer.alloc(1024)]);
}
