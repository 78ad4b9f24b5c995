/** Drawing report documents: text the fonts can draw, tables across pages, the plain-text form. */
import { describe, expect, it } from 'vitest';
import { renderText, type ReportDocument } from './document.js';
import { duration, ist, istAndUtc, istLong } from './format.js';
import { drawable, renderPdf } from './pdf.js';
import { pdfPages, pdfText } from './test-facts.js';

function doc(blocks: ReportDocument['blocks']): ReportDocument {
  return {
    title: 'Test report',
    subtitle: 'INC-2026-0001: a test',
    reference: 'INC-2026-0001',
    footer: 'Generated 2026-03-14 10:30:00 IST (05:00:00 UTC) by tester • Prepared by Prahari',
    author: 'Prahari',
    generatedAt: '2026-03-14T05:00:00.000Z',
    blocks,
  };
}

describe('drawable', () => {
  it('keeps what the built-in fonts draw: Latin letters, accents, dashes, quotes, bullets, euro', () => {
    const text = 'Naïve café – “quoted” ‘single’ • € … 1½';
    expect(drawable(text)).toEqual({ text, scripts: new Set() });
  });

  it('replaces a run of another script by one marker naming it', () => {
    expect(drawable('Ward 14 (शिवाजी नगर), Pune').text).toBe('Ward 14 ([Devanagari text]), Pune');
    expect(drawable('சென்னை and ಬೆಂಗಳೂರು')).toEqual({
      text: '[Tamil text] and [Kannada text]',
      scripts: new Set(['Tamil', 'Kannada']),
    });
  });

  it('writes common symbols with ones the fonts have, and drops control characters', () => {
    expect(drawable('₹ 5,000 → paid ≥ 2 ✓\u0007').text).toBe('Rs. 5,000 -> paid >= 2 yes');
    expect(drawable('a\tb').text).toBe('a    b');
  });
});

describe('renderPdf', () => {
  it('wraps long cells, carries a table over pages with its header, and loses no row', async () => {
    const rows = Array.from({ length: 150 }, (_, n) => [
      `2026-03-14 0${n % 10}:00 IST`,
      `analyst-${n}`,
      `Step ${n}: ${'checked the firewall, the proxy and the DNS logs again '.repeat(n % 4)}done-${n}`,
    ]);
    const pdf = await renderPdf(
      doc([
        { kind: 'heading', level: 1, text: 'Actions' },
        {
          kind: 'table',
          columns: [
            { title: 'When', width: 1 },
            { title: 'Who', width: 1 },
            { title: 'Action', width: 3 },
          ],
          rows,
          empty: 'none',
        },
      ]),
    );
    const pages = pdfPages(pdf);
    expect(pages).toBeGreaterThan(3);
    const text = pdfText(pdf);
    for (let n = 0; n < 150; n++) expect(text).toContain(`done-${n}`);
    // The header is repeated on every page the table reaches.
    expect(text.split('When Who Action').length - 1).toBe(pages);
    expect(text).toContain(`Page ${pages} of ${pages}`);
  });

  it('cuts a cell taller than a page between lines and goes on with it on the next', async () => {
    const words = Array.from({ length: 1800 }, (_, n) => `word${n}`).join(' ');
    const pdf = await renderPdf(
      doc([
        {
          kind: 'fields',
          rows: [
            ['Description', words],
            ['After', 'the end'],
          ],
        },
      ]),
    );
    expect(pdfPages(pdf)).toBeGreaterThan(1);
    const text = pdfText(pdf);
    const at = Array.from({ length: 1800 }, (_, n) => text.indexOf(`word${n} `));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).toContain('(continued)');
    expect(text).toContain('After the end');
  });

  it('says an empty table is empty', async () => {
    const text = pdfText(
      await renderPdf(
        doc([
          {
            kind: 'table',
            columns: [{ title: 'Task', width: 1 }],
            rows: [],
            empty: 'No task.',
          },
        ]),
      ),
    );
    expect(text).toContain('No task.');
    expect(text).not.toContain('Task No task.');
  });
});

describe('renderText', () => {
  it('gives the same document as plain text, for a mail body', () => {
    const text = renderText(
      doc([
        { kind: 'heading', level: 1, text: 'Incident' },
        {
          kind: 'fields',
          rows: [
            ['Reference', 'INC-2026-0001'],
            ['Type', 'Data breach'],
          ],
        },
        { kind: 'bullets', items: ['Change your password'] },
        {
          kind: 'table',
          columns: [
            { title: 'When', width: 1 },
            { title: 'What', width: 2 },
          ],
          rows: [['10:00 IST', 'Blocked\nthe address']],
          empty: 'none',
        },
      ]),
    );
    expect(text).toBe(
      [
        'Test report',
        '===========',
        'INC-2026-0001: a test',
        '',
        'Incident',
        '========',
        'Reference:  INC-2026-0001',
        'Type:       Data breach',
        '',
        '- Change your password',
        '',
        '- When: 10:00 IST; What: Blocked / the address',
        '',
        '--',
        'Generated 2026-03-14 10:30:00 IST (05:00:00 UTC) by tester • Prepared by Prahari',
        '',
      ].join('\n'),
    );
  });
});

describe('times and durations', () => {
  it('shows IST with UTC, the UTC date when it differs', () => {
    expect(istAndUtc('2026-03-14T04:12:05.000Z')).toBe('2026-03-14 09:42:05 IST (04:12:05 UTC)');
    expect(istAndUtc('2026-03-14T20:00:00.000Z')).toBe(
      '2026-03-15 01:30:00 IST (2026-03-14 20:00:00 UTC)',
    );
    expect(istAndUtc(null)).toBe('not known');
    expect(ist('2026-03-14T20:00:00.000Z')).toBe('2026-03-15 01:30 IST');
    expect(istLong('2026-04-01T22:40:00.000Z')).toBe('2 April 2026 at 04:10 IST');
  });

  it('writes durations a person reads at a glance', () => {
    expect(duration(45_000)).toBe('45 s');
    expect(duration(5 * 60_000)).toBe('5 min');
    expect(duration(185 * 60_000)).toBe('3 h 05 min');
    expect(duration(-90 * 60_000)).toBe('1 h 30 min');
    expect(duration(2 * 86_400_000)).toBe('2 d');
    expect(duration(50 * 3_600_000)).toBe('2 d 2 h');
  });
});
