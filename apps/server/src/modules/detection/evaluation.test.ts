import { SigmaEngine, loadRuleTexts } from '@prahari/sigma';
import type { FeedEvent } from '@prahari/store/event-feed-reader';
import { describe, expect, it } from 'vitest';
import { EventEvaluator, StepFindings } from './evaluation.js';

const FAILED_LOGIN_RULE = `title: Test failed login
id: 5b0f3a1e-8c2d-4e6f-9a7b-1c3d5e7f9a01
status: test
level: medium
logsource:
  product: linux
  service: sshd
detection:
  selection:
    event.outcome: failure
  condition: selection
`;

function failedLogin(seq: number, sourceIp: string): FeedEvent {
  const at = new Date(Date.UTC(2026, 10, 25, 10, 0, seq)).toISOString();
  return {
    seq,
    receivedAt: at,
    eventTime: at,
    sourceIp: '10.0.0.7',
    sourceName: null,
    logsource: { product: 'linux', service: 'sshd' },
    message: `Failed password for admin from ${sourceIp} port 5000${seq} ssh2`,
    fields: { 'host.name': 'iccc-app-1', 'source.ip': sourceIp, 'event.outcome': 'failure' },
    raw: null,
  };
}

describe('a detection step evaluated in parts', () => {
  it('keeps every finding in event order, and each sender once with its first and last event', () => {
    const { rules } = loadRuleTexts([{ text: FAILED_LOGIN_RULE, file: 'failed.yml' }]);
    const evaluator = new EventEvaluator(new SigmaEngine({ rules }), null);
    const step = new StepFindings();
    evaluator.evaluateInto([failedLogin(1, '203.0.113.9'), failedLogin(2, '198.51.100.4')], step);
    evaluator.evaluateInto([failedLogin(3, '203.0.113.9')], step);
    const result = step.result();

    expect(result.findings.map((f) => f.eventSeqs)).toEqual([[1], [2], [3]]);
    // 203.0.113.9 appears in both parts: first (seq 1) and last (seq 3), not once per part
    expect(result.senders.map((s) => [s.fields['source.ip'], s.receivedAt])).toEqual([
      ['203.0.113.9', '2026-11-25T10:00:01.000Z'],
      ['203.0.113.9', '2026-11-25T10:00:03.000Z'],
      ['198.51.100.4', '2026-11-25T10:00:02.000Z'],
    ]);
    expect(result).toEqual(
      evaluator.evaluate(
        [1, 2, 3].map((i) => failedLogin(i, i === 2 ? '198.51.100.4' : '203.0.113.9')),
      ),
    );
  });
});
