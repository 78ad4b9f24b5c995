/**
 * A report as a list of blocks (headings, paragraphs, label/value fields, tables, lists, log
 * lines), written once per report and drawn twice: as a PDF (`renderPdf`) and as plain text for
 * mail bodies (`renderText`).
 */
export type Block =
  | { kind: 'heading'; text: string; level: 1 | 2 }
  | { kind: 'paragraph'; text: string; tone?: 'normal' | 'warning' | 'small' }
  | { kind: 'fields'; rows: readonly (readonly [label: string, value: string])[] }
  | {
      kind: 'table';
      /** widths are shares of the page width (they need not add up to 1) */
      columns: readonly { title: string; width: number }[];
      rows: readonly (readonly string[])[];
      /** said instead of an empty table */
      empty: string;
    }
  | { kind: 'bullets'; items: readonly string[] }
  /** monospaced lines, e.g. raw log lines */
  | { kind: 'lines'; lines: readonly string[] };

export interface ReportDocument {
  title: string;
  /** one line under the title, e.g. the incident number and title */
  subtitle: string;
  /** what the document is about in a word, printed on every page: the incident number */
  reference: string;
  /** printed under the title and on every page: `Generated … by … • Prepared by Prahari` */
  footer: string;
  /** PDF metadata */
  author: string;
  generatedAt: string;
  blocks: Block[];
}

const WRAP = 96;

function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = indent + word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(line);
  }
  return out;
}

/** The document as plain text: for a mail body, or anyone without a PDF reader. */
export function renderText(doc: ReportDocument, options: { footer?: boolean } = {}): string {
  const out: string[] = [doc.title, '='.repeat(Math.min(doc.title.length, WRAP)), doc.subtitle, ''];
  for (const block of doc.blocks) {
    switch (block.kind) {
      case 'heading':
        if (out.at(-1) !== '') out.push('');
        out.push(block.text, (block.level === 1 ? '=' : '-').repeat(block.text.length));
        break;
      case 'paragraph':
        out.push(...wrap(block.text, WRAP), '');
        break;
      case 'fields': {
        const width = Math.min(32, Math.max(...block.rows.map(([label]) => label.length)) + 1);
        for (const [label, value] of block.rows) {
          const lines = wrap(value, WRAP - width - 2);
          out.push(`${`${label}:`.padEnd(width + 1)} ${lines[0] ?? ''}`);
          for (const rest of lines.slice(1)) out.push(`${' '.repeat(width + 2)}${rest}`);
        }
        out.push('');
        break;
      }
      case 'table':
        if (block.rows.length === 0) out.push(block.empty, '');
        else {
          for (const row of block.rows) {
            const cells = block.columns.map(
              (c, i) => `${c.title}: ${(row[i] ?? '').replace(/\n+/g, ' / ')}`,
            );
            out.push(...wrap(`- ${cells.join('; ')}`, WRAP, '  '));
          }
          out.push('');
        }
        break;
      case 'bullets':
        for (const item of block.items) out.push(...wrap(`- ${item}`, WRAP, '  '));
        out.push('');
        break;
      case 'lines':
        out.push(...block.lines, '');
        break;
    }
  }
  if (options.footer ?? true) out.push('--', doc.footer);
  return `${out.join('\n').trimEnd()}\n`;
}
