/**
 * The one file for the CERT-In mail: logs gathered from a real archive, the zip opened with
 * Debian's unzip and checked with sha256sum, as a recipient would.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawArchive } from '@prahari/ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportBundle, type ReportBundle } from './bundle.js';
import type { CertInReport } from './cert-in.js';
import type { ReportFacts } from './facts.js';
import { gatherLogs, logCriteria, logPeriod } from './logs.js';
import { pdfText, sshBruteForceFacts, writeIcccArchive } from './test-facts.js';

let root: string;
let archive: RawArchive;
let facts: ReportFacts;
let bundle: ReportBundle;
let unzipped: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'prahari-report-bundle-'));
  archive = await writeIcccArchive(join(root, 'archive'));
  facts = sshBruteForceFacts();
  facts.logs = await gatherLogs(archive, { ...logPeriod(facts), ...logCriteria(facts) });
  bundle = await reportBundle(facts);
  writeFileSync(join(root, bundle.fileName), bundle.zip);
  unzipped = join(root, 'unzipped');
  execFileSync('unzip', ['-q', join(root, bundle.fileName), '-d', unzipped]);
});
afterAll(async () => {
  await archive.close();
  rmSync(root, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const read = (name: string) => readFileSync(join(unzipped, name));

describe('reportBundle', () => {
  it('is one zip named after the incident with the report, the logs and their sums', () => {
    expect(bundle.fileName).toBe('INC-2026-0007-cert-in-report.zip');
    const listing = execFileSync('unzip', ['-Z1', join(root, bundle.fileName)], {
      encoding: 'utf8',
    });
    expect(listing.trim().split('\n')).toEqual([
      'report.pdf',
      'report.json',
      'logs.ndjson',
      'manifest.json',
      'SHA256SUMS',
    ]);
  });

  it('checks out with sha256sum, and the manifest holds the same hashes', () => {
    const check = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], {
      cwd: unzipped,
      encoding: 'utf8',
    });
    expect(check.trim().split('\n')).toEqual([
      'report.pdf: OK',
      'report.json: OK',
      'logs.ndjson: OK',
      'manifest.json: OK',
    ]);
    const manifest = JSON.parse(read('manifest.json').toString('utf8')) as ReportBundle['manifest'];
    expect(manifest).toEqual(bundle.manifest);
    for (const file of manifest.files) {
      expect(sha256(read(file.name))).toBe(file.sha256);
      expect(read(file.name).length).toBe(file.bytes);
    }
    expect(manifest.logs).toMatchObject({ lines: 28, omitted: 0, complete: true });
  });

  it('holds the archive’s lines, and the report names them by their hash', () => {
    const logs = read('logs.ndjson').toString('utf8').trimEnd().split('\n');
    expect(logs).toHaveLength(28);
    expect(JSON.parse(logs[1]!)).toMatchObject({
      sourceIp: '10.10.20.15',
      message: expect.stringContaining('Failed password for iccc-admin from 203.0.113.45'),
    });
    const report = JSON.parse(read('report.json').toString('utf8')) as CertInReport;
    expect(report.logsAttached).toMatchObject({
      file: 'logs.ndjson',
      lines: 28,
      sha256: sha256(read('logs.ndjson')),
    });
    expect(report.incident.reference).toBe('INC-2026-0007');
  });

  it('carries a PDF with the facts and the logs it attaches', () => {
    const text = pdfText(read('report.pdf'));
    expect(text).toContain('Cyber security incident report to CERT-In');
    expect(text).toContain('Lines matched 28 attached in logs.ndjson');
    expect(text).toContain('fw01 DENY tcp 203.0.113.45:50111');
  });

  it('is the same bytes for the same facts', async () => {
    expect((await reportBundle(facts)).zip.equals(bundle.zip)).toBe(true);
  });
});
