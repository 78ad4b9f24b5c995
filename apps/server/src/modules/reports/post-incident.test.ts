/** The CISO's post-incident report: timeline, impact, duties, response times, follow-up. */
import { describe, expect, it } from 'vitest';
import { renderPostIncidentPdf, responseMetrics } from './post-incident.js';
import { certificatesBreachFacts, pdfText, sshBruteForceFacts } from './test-facts.js';

describe('responseMetrics', () => {
  it('measures detection from the first evidence, the rest from when the city noticed', () => {
    const metrics = responseMetrics(certificatesBreachFacts());
    expect(metrics.map((m) => [m.name, m.ms, m.open])).toEqual([
      ['Time to detect (first evidence to noticed)', 11 * 3_600_000 + 20 * 60_000, false],
      ['Time to acknowledge', 5 * 60_000, false],
      ['Time to contain', 90 * 60_000, false],
      // still open: the time so far, up to when the report was generated
      ['Time to close', 23 * 3_600_000, true],
    ]);
  });

  it('leaves out what is not known and what a closed incident never reached', () => {
    const facts = sshBruteForceFacts();
    facts.incident.occurredAt = null;
    facts.incident.containedAt = null;
    facts.incident.closedAt = '2026-03-14T03:00:00.000Z';
    const metrics = responseMetrics(facts);
    expect(metrics[0]!.ms).toBeNull();
    expect(metrics[2]).toMatchObject({ name: 'Time to contain', ms: null, open: false });
    expect(metrics[3]!.ms).toBe(
      Date.parse('2026-03-14T03:00:00Z') - Date.parse('2026-03-14T01:12:30Z'),
    );
  });
});

describe('renderPostIncidentPdf', () => {
  it('tells the CISO what happened, what it hit, which duties were met and what is left to do', async () => {
    const text = pdfText(await renderPostIncidentPdf(certificatesBreachFacts()));
    for (const expected of [
      'Post-incident report',
      'INC-2026-0011: Certificates database copied out through the e-governance portal',
      'For the Chief Information Security Officer of Pune Municipal Corporation',
      '1. Summary',
      'Of 4 legal duties: 1 met in time, 1 met late, 1 overdue, 1 still running.',
      '2. Timeline',
      'Alert: Web Shell Upload to an E-Governance Portal (critical, 3 times until 2026-04-02 04:11 IST)',
      'Noticed: the legal clocks start',
      'Took egov-portal-01 offline and blocked 198.51.100.77: status contained',
      '3. Impact on the city',
      'Birth and death certificates',
      '4. Legal duties',
      'met LATE: reported 2026-04-02 22:15 IST by anjali, 45 min after the deadline',
      '5. Response times',
      'Time to acknowledge 2026-04-02 15:30 IST 2026-04-02 15:35 IST 5 min',
      'Time to contain 2026-04-02 15:30 IST 2026-04-02 17:00 IST 1 h 30 min',
      'not yet: 23 h 00 min so far',
      '6. Lessons and follow-up',
      'The certificate-request form accepted any file type',
      'The CERT-In report was late because the 6-hour clock was not visible to the night shift.',
      'open, OVERDUE',
    ])
      expect(text).toContain(expected);
  });

  it('orders the timeline by time, alerts and actions together', async () => {
    const text = pdfText(await renderPostIncidentPdf(sshBruteForceFacts()));
    const order = [
      'First evidence of the incident',
      'Alert: SSH Brute Force Against a City Server',
      'Alert: Successful SSH Login After Brute Force',
      'Noticed: the legal clocks start',
      'Took it up: status triage',
      'Task done: Turn off SSH password logins',
      'Reported to CERT-In by e-mail',
    ].map((t) => text.indexOf(t));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('No review has been recorded yet');
  });
});
