/** The CERT-In report: the facts a CISO mails to CERT-In, as JSON and as PDF read back as text. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORTING_SETTINGS } from '../settings/service.js';
import { certInReport, renderCertInPdf } from './cert-in.js';
import { logsNdjson } from './logs.js';
import { certificatesBreachFacts, pdfPages, pdfText, sshBruteForceFacts } from './test-facts.js';

describe('certInReport (JSON)', () => {
  it('follows the reporting form: entity, type, times, systems, symptoms, detection, actions, logs', () => {
    const facts = sshBruteForceFacts();
    const report = certInReport(facts);
    expect(report.format).toBe('prahari-cert-in-report/1');
    expect(report.addressedTo).toBe('incident@cert-in.org.in');
    expect(report.reportingEntity).toMatchObject({
      organisation: 'Pune Municipal Corporation',
      pointOfContact: { name: 'Anjali Kulkarni', email: 'ciso@punecorporation.gov.in' },
      missing: [],
    });
    expect(report.incident.type).toEqual({
      code: 'unauthorised-access',
      number: 'iii',
      title: 'Unauthorised access of IT systems/data',
    });
    expect(report.timing).toEqual({
      occurredAt: { utc: '2026-03-14T01:10:05.000Z', ist: '2026-03-14T06:40:05+05:30' },
      detectedAt: { utc: '2026-03-14T01:12:30.000Z', ist: '2026-03-14T06:42:30+05:30' },
      reportedAt: { utc: '2026-03-14T04:30:00.000Z', ist: '2026-03-14T10:00:00+05:30' },
      reportingDueAt: { utc: '2026-03-14T07:12:30.000Z', ist: '2026-03-14T12:42:30+05:30' },
      reportingClock: 'met',
      minutesFromDetectionToThisReport: 228,
    });
    expect(report.affectedSystems[0]).toMatchObject({
      name: 'iccc-app-01',
      ipAddresses: ['10.10.20.15'],
      operatingSystem: 'Ubuntu 22.04 LTS',
      product: 'Honeywell City Suite ICCC 4.2',
      location: 'ICCC, Shivajinagar (शिवाजीनगर); ward 14; 18.53080, 73.84750',
      criticality: { level: 5, meaning: expect.stringContaining('life/safety') },
      criticalToOperations: true,
    });
    expect(report.hostsAffected).toEqual({ count: 1, band: '1 to 10' });
    expect(report.suspectedSourceAddresses).toEqual(['203.0.113.45']);
    expect(report.symptoms.map((s) => s.ruleTitle)).toEqual([
      'SSH Brute Force Against a City Server',
      'Successful SSH Login After Brute Force',
    ]);
    expect(report.detection[0]).toContain('correlation rule');
    expect(report.actionsTaken).toHaveLength(5);
    expect(report.logsAttached).toEqual({
      file: 'logs.ndjson',
      from: '2026-03-14T00:10:05.000Z',
      to: '2026-03-14T05:00:00.000Z',
      lines: 25,
      omitted: 0,
      complete: true,
      sha256: createHash('sha256').update(logsNdjson(facts.logs)).digest('hex'),
    });
    // Plain JSON all the way down: it survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('says what is missing rather than inventing it', () => {
    const facts = sshBruteForceFacts();
    facts.organisation = DEFAULT_REPORTING_SETTINGS;
    facts.incident.certInType = null;
    facts.incident.occurredAt = null;
    facts.incident.reportedAt = null;
    facts.clocks = [];
    facts.logs = null;
    const report = certInReport(facts);
    expect(report.reportingEntity.missing).toContain('pointOfContact.email');
    expect(report.incident.type).toBeNull();
    expect(report.timing.occurredAt).toBeNull();
    expect(report.timing.reportingDueAt).toBeNull();
    expect(report.logsAttached).toBeNull();
  });
});

describe('renderCertInPdf', () => {
  it('puts the facts on the page: who reports, what, when (IST and UTC), which systems, what was done', async () => {
    const text = pdfText(await renderCertInPdf(sshBruteForceFacts()));
    for (const expected of [
      'Cyber security incident report to CERT-In',
      'INC-2026-0007: SSH brute force then login on iccc-app-01',
      'Pune Municipal Corporation',
      'Anjali Kulkarni',
      'Chief Information Security Officer',
      'ciso@punecorporation.gov.in',
      '+91 20 2550 1000',
      '(iii) Unauthorised access of IT systems/data',
      'Occurred (first evidence) 2026-03-14 06:40:05 IST (01:10:05 UTC)',
      'Detected / noticed 2026-03-14 06:42:30 IST (01:12:30 UTC)',
      'Reported to CERT-In 2026-03-14 10:00:00 IST (04:30:00 UTC)',
      'Times are India Standard Time (IST, UTC+05:30)',
      '10.10.20.15',
      'Ubuntu 22.04 LTS',
      '5 — life/safety or a city-',
      'Suspected source addresses 203.0.113.45',
      'SSH Brute Force Against a City Server',
      'Published 203.0.113.45 on the firewall block list (approved by asha)',
      'met: reported 2026-03-14 10:00 IST by anjali',
      'reference CERTIn-2026-03-0412',
      'Accepted password for',
      'from 203.0.113.45 port 50031 ssh2',
      'Generated 2026-03-14 10:30:00 IST (05:00:00 UTC) by anjali • Prepared by Prahari',
      'Page 1 of',
    ])
      expect(text).toContain(expected);
  });

  it('says when the deadline was missed and how late the report was', async () => {
    const text = pdfText(await renderCertInPdf(certificatesBreachFacts()));
    expect(text).toContain('(xi) Data breach');
    expect(text).toContain(
      'met LATE: reported 2026-04-02 22:15 IST by anjali, 45 min after the deadline',
    );
    expect(text).toContain('Personal data breached yes: the DPDP Act duties apply');
    expect(text).toContain(
      'Occurred (first evidence) 2026-04-02 04:10:00 IST (2026-04-01 22:40:00 UTC)',
    );
    expect(text).toContain('No log lines were gathered for this report.');
  });

  it('shows Devanagari it cannot draw as a marker, and says so, instead of printing garbage', async () => {
    const text = pdfText(await renderCertInPdf(sshBruteForceFacts()));
    expect(text).toContain('ICCC, Shivajinagar ([Devanagari text])');
    expect(text).toContain("This PDF's built-in fonts cannot draw Devanagari script");
    expect(text).not.toMatch(/[\u0900-\u097f]/);
    expect(text).not.toContain('’©A');
  });

  it('asks for the settings it lacks', async () => {
    const facts = sshBruteForceFacts();
    facts.organisation = DEFAULT_REPORTING_SETTINGS;
    const text = pdfText(await renderCertInPdf(facts));
    expect(text).toContain('Reporting settings not yet set: organisation, sector');
    expect(text).toContain('Point of contact not set');
  });

  it('gives the same bytes for the same facts, and changes with the generation time', async () => {
    const a = await renderCertInPdf(sshBruteForceFacts());
    const b = await renderCertInPdf(sshBruteForceFacts());
    expect(a.equals(b)).toBe(true);
    const later = sshBruteForceFacts();
    later.generatedAt = '2026-03-14T05:01:00.000Z';
    expect(a.equals(await renderCertInPdf(later))).toBe(false);
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPages(a)).toBeGreaterThanOrEqual(3);
  });
});
