/**
 * Draws a report document as an A4 PDF with pdfkit: headings, wrapped paragraphs, tables whose
 * long cells wrap and continue on the next page (header repeated), page numbers and a footer.
 *
 * Fonts: the PDF's built-in Helvetica and Courier, so nothing is read from the system and the
 * output is the same everywhere. They draw only the Windows-1252 characters (Latin letters and
 * common punctuation); pdfkit would print anything else as unrelated glyphs. So text in other
 * scripts — a ward's name in Devanagari, say — is replaced by a marker such as
 * `[Devanagari text]` and the document says so at the top, pointing to the JSON or text form that
 * keeps it exactly.
 */
import type PDFDocument from 'pdfkit';
import type { Block, ReportDocument } from './document.js';

type Pdf = InstanceType<typeof PDFDocument>;

/** Unicode characters outside Latin-1 that Windows-1252 (and so the built-in fonts) can draw. */
const WIN_ANSI_EXTRA = new Set(
  [
    0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014,
    0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039,
    0x203a, 0x20ac, 0x2122,
  ].map((c) => String.fromCodePoint(c)),
);

/** Common symbols the fonts lack, written with ones they have. */
const SUBSTITUTES: Record<string, string> = {
  '\u20b9': 'Rs.',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2265': '>=',
  '\u2264': '<=',
  '\u2212': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u2009': ' ',
  '\u202f': ' ',
  '\u2713': 'yes',
  '\u2717': 'no',
  '\t': '    ',
};

/** Scripts of India and its neighbours named in the marker; anything else is "non-Latin". */
const SCRIPTS = [
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Arabic',
  'Han',
  'Cyrillic',
  'Greek',
] as const;
const SCRIPT_RES = SCRIPTS.map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const);

function isDrawable(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (
    c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch)
  );
}

function scriptOf(ch: string): string {
  for (const [name, re] of SCRIPT_RES) if (re.test(ch)) return name;
  return 'non-Latin';
}

/** Runs of undrawable characters, with the spaces, marks and joiners between them. */
const UNDRAWABLE_RUN =
  /[^\n\x20-\x7e\xa0-\xff](?:[\s\p{M}\u200c\u200d]*[^\n\x20-\x7e\xa0-\xff\s])*/gu;

/** The text as the built-in fonts can draw it, and the scripts that had to be left out. */
export function drawable(text: string): { text: string; scripts: Set<string> } {
  const scripts = new Set<string>();
  const substituted = [...text]
    .map((ch) => SUBSTITUTES[ch] ?? ch)
    .join('')
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, '');
  const out = substituted.replace(UNDRAWABLE_RUN, (run) => {
    const chars = [...run];
    if (chars.every((ch) => isDrawable(ch) || /\s/u.test(ch))) return run;
    const letter = chars.find((ch) => !isDrawable(ch) && /\p{L}/u.test(ch));
    if (!letter) return chars.map((ch) => (isDrawable(ch) ? ch : '?')).join('');
    const script = scriptOf(letter);
    scripts.add(script);
    return `[${script} text]`;
  });
  return { text: out, scripts };
}

/** The scripts a document holds that the PDF cannot draw (to say so before drawing). */
export function undrawableScripts(doc: ReportDocument): Set<string> {
  return drawable(JSON.stringify(doc)).scripts;
}

const PAGE = { size: 'A4' as const, margin: 50, footer: 28 };
const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' };
const COLOR = {
  text: '#111111',
  muted: '#555555',
  warning: '#9b1c1c',
  rule: '#bbbbbb',
  head: '#e8e8e8',
};
const CELL_PAD = 3;

class PdfWriter {
  readonly pdf: Pdf;
  readonly left = PAGE.margin;
  readonly width: number;
  readonly bottom: number;

  constructor(
    readonly doc: ReportDocument,
    Document: typeof PDFDocument,
  ) {
    const at = new Date(doc.generatedAt);
    this.pdf = new Document({
      size: PAGE.size,
      margins: {
        top: PAGE.margin,
        left: PAGE.margin,
        right: PAGE.margin,
        bottom: PAGE.margin + PAGE.footer,
      },
      bufferPages: true,
      lang: 'en-IN',
      displayTitle: true,
      info: {
        Title: this.#clean(doc.title),
        Subject: this.#clean(doc.subtitle),
        Author: this.#clean(doc.author),
        Creator: 'Prahari',
        Producer: 'Prahari (PDFKit)',
        // The file ID is derived from these: fixed dates make the same facts give the same bytes.
        CreationDate: at,
        ModDate: at,
      },
    });
    this.width = this.pdf.page.width - 2 * PAGE.margin;
    this.bottom = this.pdf.page.height - PAGE.margin - PAGE.footer;
    this.pdf.fillColor(COLOR.text);
  }

  #clean(text: string): string {
    return drawable(text).text;
  }

  #newPage(): void {
    this.pdf.addPage();
    this.pdf.x = this.left;
    this.pdf.y = PAGE.margin;
  }

  /** Starts a new page unless `height` fits below. */
  #room(height: number): void {
    if (this.pdf.y + height > this.bottom) this.#newPage();
  }

  #height(text: string, font: string, size: number, width: number): number {
    return this.pdf.font(font).fontSize(size).heightOfString(text, { width, lineGap: 1 });
  }

  /** Flowing text: pdfkit continues it on the next page by itself. */
  #text(
    text: string,
    options: { font?: string; size?: number; color?: string; indent?: number; gapAfter?: number },
  ): void {
    const font = options.font ?? FONT.regular;
    const size = options.size ?? 10;
    const indent = options.indent ?? 0;
    this.#room(size * 1.4);
    this.pdf
      .font(font)
      .fontSize(size)
      .fillColor(options.color ?? COLOR.text)
      .text(this.#clean(text), this.left + indent, this.pdf.y, {
        width: this.width - indent,
        lineGap: 1,
      });
    this.pdf.fillColor(COLOR.text);
    this.pdf.x = this.left;
    this.pdf.y += options.gapAfter ?? 4;
  }

  title(): void {
    this.#text(this.doc.title, { font: FONT.bold, size: 17, gapAfter: 2 });
    this.#text(this.doc.subtitle, { size: 11, color: COLOR.muted, gapAfter: 2 });
    this.#text(this.doc.footer, { size: 8, color: COLOR.muted, gapAfter: 8 });
    const scripts = undrawableScripts(this.doc);
    if (scripts.size > 0)
      this.#text(
        `This PDF's built-in fonts cannot draw ${[...scripts].join(', ')} script; such text is shown as [${[...scripts][0]} text]. The exact text is in the JSON or text version of this report.`,
        { size: 8.5, color: COLOR.warning, gapAfter: 8 },
      );
  }

  /** `next` is the block that follows: a heading stays with the start of it. */
  block(block: Block, next: Block | undefined): void {
    switch (block.kind) {
      case 'heading':
        this.#room((block.level === 1 ? 34 : 24) + (next?.kind === 'table' ? 50 : 28));
        this.pdf.y += block.level === 1 ? 8 : 4;
        this.#text(block.text, {
          font: FONT.bold,
          size: block.level === 1 ? 13 : 11,
          gapAfter: block.level === 1 ? 5 : 3,
        });
        if (block.level === 1) {
          this.pdf
            .moveTo(this.left, this.pdf.y - 3)
            .lineTo(this.left + this.width, this.pdf.y - 3)
            .lineWidth(0.5)
            .strokeColor(COLOR.rule)
            .stroke();
          this.pdf.y += 2;
        }
        break;
      case 'paragraph':
        this.#text(block.text, {
          size: block.tone === 'small' ? 8.5 : 10,
          color:
            block.tone === 'warning'
              ? COLOR.warning
              : block.tone === 'small'
                ? COLOR.muted
                : COLOR.text,
          font: block.tone === 'warning' ? FONT.bold : FONT.regular,
          gapAfter: 6,
        });
        break;
      case 'fields':
        this.#table(
          [
            { width: 0.3, font: FONT.bold },
            { width: 0.7, font: FONT.regular },
          ],
          null,
          block.rows,
          { size: 9.5, grid: false },
        );
        break;
      case 'table':
        if (block.rows.length === 0) {
          this.#text(block.empty, { size: 9.5, color: COLOR.muted, gapAfter: 6 });
          break;
        }
        this.#table(
          block.columns.map((c) => ({ width: c.width, font: FONT.regular })),
          block.columns.map((c) => c.title),
          block.rows,
          { size: 8.5, grid: true },
        );
        break;
      case 'bullets':
        for (const item of block.items) {
          this.#room(14);
          const y = this.pdf.y;
          this.pdf
            .font(FONT.regular)
            .fontSize(10)
            .text('\u2022', this.left + 4, y);
          this.pdf.y = y;
          this.#text(item, { indent: 16, gapAfter: 2 });
        }
        this.pdf.y += 4;
        break;
      case 'lines':
        for (const line of block.lines)
          this.#text(line, { font: FONT.mono, size: 7, gapAfter: 1.5 });
        this.pdf.y += 4;
        break;
    }
  }

  /**
   * Rows of wrapped cells. A row that does not fit below goes to the next page (the header with
   * it); a row taller than a whole page is cut between lines and continues there.
   */
  #table(
    columns: readonly { width: number; font: string }[],
    header: readonly string[] | null,
    rows: readonly (readonly string[])[],
    style: { size: number; grid: boolean },
  ): void {
    const total = columns.reduce((sum, c) => sum + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const inner = (i: number) => widths[i]! - 2 * CELL_PAD;
    const cellsHeight = (cells: readonly string[], fonts: readonly string[]) =>
      Math.max(...cells.map((text, i) => this.#height(text, fonts[i]!, style.size, inner(i)))) +
      2 * CELL_PAD;
    const drawRow = (cells: readonly string[], fonts: readonly string[], shade: boolean) => {
      const height = cellsHeight(cells, fonts);
      const top = this.pdf.y;
      let x = this.left;
      if (shade) this.pdf.rect(this.left, top, this.width, height).fillColor(COLOR.head).fill();
      this.pdf.fillColor(COLOR.text);
      cells.forEach((text, i) => {
        this.pdf
          .font(fonts[i]!)
          .fontSize(style.size)
          .text(text, x + CELL_PAD, top + CELL_PAD, { width: inner(i), lineGap: 1 });
        x += widths[i]!;
      });
      this.pdf.lineWidth(0.4).strokeColor(COLOR.rule);
      if (style.grid) {
        let gx = this.left;
        for (const w of widths) {
          this.pdf.rect(gx, top, w, height).stroke();
          gx += w;
        }
      } else {
        this.pdf
          .moveTo(this.left, top + height)
          .lineTo(this.left + this.width, top + height)
          .stroke();
      }
      this.pdf.x = this.left;
      this.pdf.y = top + height;
    };
    const headerCells = header?.map((h) => this.#clean(h)) ?? null;
    const headerFonts = columns.map(() => FONT.bold);
    const rowFonts = columns.map((c) => c.font);
    const headerHeight = headerCells ? cellsHeight(headerCells, headerFonts) : 0;
    const drawHeader = () => {
      if (headerCells) drawRow(headerCells, headerFonts, true);
    };
    const minRow = style.size * 1.3 + 2 * CELL_PAD;
    this.#room(headerHeight + minRow);
    drawHeader();
    for (const row of rows) {
      let cells = columns.map((_, i) => this.#clean(row[i] ?? ''));
      for (;;) {
        const height = cellsHeight(cells, rowFonts);
        if (this.pdf.y + height <= this.bottom) {
          drawRow(cells, rowFonts, false);
          break;
        }
        const fullPage = this.bottom - PAGE.margin - headerHeight;
        if (height <= fullPage || this.bottom - this.pdf.y < minRow * 2) {
          this.#newPage();
          drawHeader();
          continue;
        }
        const room = this.bottom - this.pdf.y - 2 * CELL_PAD;
        const split = cells.map((text, i) =>
          this.#fit(text, rowFonts[i]!, style.size, inner(i), room),
        );
        drawRow(
          split.map(([head]) => head),
          rowFonts,
          false,
        );
        cells = split.map(([, rest]) => rest);
        if (cells.every((c) => c === '')) break;
        if (cells[0] === '') cells[0] = '(continued)';
        this.#newPage();
        drawHeader();
      }
    }
    this.pdf.y += 8;
  }

  /** The longest head of `text` (cut at a space or line end if one is near) that fits `height`. */
  #fit(text: string, font: string, size: number, width: number, height: number): [string, string] {
    if (this.#height(text, font, size, width) <= height) return [text, ''];
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.#height(text.slice(0, mid), font, size, width) <= height) lo = mid;
      else hi = mid - 1;
    }
    const cut = Math.max(text.lastIndexOf('\n', lo), text.lastIndexOf(' ', lo));
    const at = cut > lo * 0.6 ? cut : lo;
    return [text.slice(0, at).trimEnd(), text.slice(at).replace(/^[ \n]/, '')];
  }

  /** Footer on every page: what, when, by whom, page N of M. */
  finish(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    this.pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<Buffer>((resolve, reject) => {
      this.pdf.on('end', () => resolve(Buffer.concat(chunks)));
      this.pdf.on('error', reject);
    });
    const range = this.pdf.bufferedPageRange();
    const footer = this.#clean(`${this.doc.reference} \u2022 ${this.doc.footer}`);
    for (let i = range.start; i < range.start + range.count; i++) {
      this.pdf.switchToPage(i);
      // Text below the bottom margin would start a new page; the footer lives in that margin.
      const bottomMargin = this.pdf.page.margins.bottom;
      this.pdf.page.margins.bottom = 0;
      const y = this.pdf.page.height - PAGE.margin - 10;
      this.pdf
        .moveTo(this.left, y - 4)
        .lineTo(this.left + this.width, y - 4)
        .lineWidth(0.4)
        .strokeColor(COLOR.rule)
        .stroke();
      this.pdf
        .font(FONT.regular)
        .fontSize(7.5)
        .fillColor(COLOR.muted)
        .text(footer, this.left, y, { width: this.width - 70, height: 9, ellipsis: true });
      this.pdf.text(`Page ${i + 1} of ${range.count}`, this.left + this.width - 70, y, {
        width: 70,
        align: 'right',
        lineBreak: false,
      });
      this.pdf.page.margins.bottom = bottomMargin;
    }
    this.pdf.end();
    return ended;
  }
}

/**
 * The document as an A4 PDF. pdfkit and its fonts are loaded on the first report, not with the
 * module: every CLI command loads the server's services, and most never draw a PDF.
 */
export async function renderPdf(doc: ReportDocument): Promise<Buffer> {
  const { default: Document } = await import('pdfkit');
  const writer = new PdfWriter(doc, Document);
  writer.title();
  doc.blocks.forEach((block, i) => writer.block(block, doc.blocks[i + 1]));
  return writer.finish();
}
