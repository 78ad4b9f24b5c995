/**
 * A small RFC 4180 CSV reader for indicator lists: comma-separated, fields optionally in double
 * quotes (a quote inside written twice), quoted fields may span lines, CRLF or LF, a leading BOM
 * ignored. Each record keeps the line it starts on, so problems can be reported by line number.
 */

export interface CsvRecord {
  /** 1-based line number where the record starts */
  line: number;
  cells: string[];
}

export interface CsvProblem {
  line: number;
  reason: string;
}

export function readCsv(input: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;

  while (i < n) {
    const start = line;
    const cells: string[] = [];
    let cell = '';
    let problem: string | undefined;
    let endOfRecord = false;
    while (!endOfRecord) {
      if (i < n && text[i] === '"') {
        // quoted field
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === '\n') line++;
          cell += c;
          i++;
        }
        if (!closed) {
          problem = 'a quoted field is not closed (a " is missing)';
          i = n;
        } else if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          problem = `unexpected text after a closing quote in field ${cells.length + 1}; write a " inside a quoted field as ""`;
        }
      }
      // unquoted field (or what follows a bad closing quote, up to the delimiter)
      while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        if (problem === undefined) cell += text[i];
        i++;
      }
      cells.push(cell);
      cell = '';
      if (i >= n) endOfRecord = true;
      else if (text[i] === ',') i++;
      else {
        if (text[i] === '\r') i++;
        if (text[i] === '\n') i++;
        line++;
        endOfRecord = true;
      }
    }
    if (problem !== undefined) problems.push({ line: start, reason: problem });
    else records.push({ line: start, cells });
  }
  return { records, problems };
}
