/**
 * The one file the CISO attaches to the mail to CERT-In: a zip holding the report as PDF and
 * JSON, the log lines of the period, and SHA-256 sums of each so the recipient can check nothing
 * changed (`sha256sum -c SHA256SUMS` after unzipping).
 *
 * Zip because every office machine opens it without extra software. It is written with fflate,
 * which the server already uses to read rule packs: pure JavaScript, maintained, typed.
 */
import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import { LOGS_FILE, certInReport, renderCertInPdf } from './cert-in.js';
import type { ReportFacts } from './facts.js';
import { logsNdjson } from './logs.js';

export const SUMS_FILE = 'SHA256SUMS';
export const MANIFEST_FILE = 'manifest.json';

export interface BundleManifest {
  format: 'prahari-report-bundle/1';
  incident: string;
  generatedAt: string;
  generatedBy: string;
  files: { name: string; bytes: number; sha256: string; content: string }[];
  logs: {
    from: string;
    to: string;
    lines: number;
    omitted: number;
    complete: boolean;
    /** what each line of logs.ndjson is */
    lineFormat: string;
  } | null;
}

export interface ReportBundle {
  /** e.g. `INC-2026-0007-cert-in-report.zip` */
  fileName: string;
  zip: Buffer;
  manifest: BundleManifest;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** IST wall-clock time as a Date whose local fields read it, for the zip's DOS timestamps. */
function zipTime(iso: string): Date {
  const ist = new Date(Date.parse(iso) + 330 * 60_000);
  // Zip entries carry a local time without a zone; fflate reads a Date's local fields, so this
  // writes the IST time whatever zone the server runs in (and the same bytes everywhere).
  return new Date(
    ist.getUTCFullYear(),
    ist.getUTCMonth(),
    ist.getUTCDate(),
    ist.getUTCHours(),
    ist.getUTCMinutes(),
    ist.getUTCSeconds(),
  );
}

/** The CERT-In report bundle: report.pdf, report.json, logs.ndjson, manifest.json, SHA256SUMS. */
export async function reportBundle(facts: ReportFacts): Promise<ReportBundle> {
  const contents: [name: string, bytes: Uint8Array, content: string][] = [
    ['report.pdf', await renderCertInPdf(facts), 'the incident report to CERT-In (PDF)'],
    [
      'report.json',
      Buffer.from(`${JSON.stringify(certInReport(facts), null, 2)}\n`, 'utf8'),
      'the same report as JSON',
    ],
    [
      LOGS_FILE,
      logsNdjson(facts.logs),
      'raw log lines of the period from the archive, one JSON object per line',
    ],
  ];
  const logs = facts.logs;
  const manifest: BundleManifest = {
    format: 'prahari-report-bundle/1',
    incident: facts.incident.number,
    generatedAt: facts.generatedAt,
    generatedBy: facts.generatedBy,
    files: contents.map(([name, bytes, content]) => ({
      name,
      bytes: bytes.length,
      sha256: sha256(bytes),
      content,
    })),
    logs:
      logs === null
        ? null
        : {
            from: logs.from,
            to: logs.to,
            lines: logs.lines.length,
            omitted: logs.omitted,
            complete: logs.complete,
            lineFormat:
              'receivedAt (ISO UTC), listener, sourceIp, sourcePort, message (as received; base64 when encoding is base64), encoding, flags',
          },
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const sums = [
    ...contents.map(([name, bytes]) => [name, bytes] as const),
    [MANIFEST_FILE, manifestBytes] as const,
  ]
    .map(([name, bytes]) => `${sha256(bytes)}  ${name}\n`)
    .join('');
  const mtime = zipTime(facts.generatedAt);
  const files: Zippable = {};
  for (const [name, bytes] of contents) files[name] = [bytes, { mtime }];
  files[MANIFEST_FILE] = [manifestBytes, { mtime }];
  files[SUMS_FILE] = [Buffer.from(sums, 'utf8'), { mtime }];
  return {
    fileName: `${facts.incident.number.replace(/[^A-Za-z0-9._-]+/g, '-')}-cert-in-report.zip`,
    zip: Buffer.from(zipSync(files, { level: 6 })),
    manifest,
  };
}
