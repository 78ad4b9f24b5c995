import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsApproval, parsePlaybook, type PlaybookProblem } from './definition.js';

const BUILT_IN = join(import.meta.dirname, '../../../playbooks');

function problems(yaml: string): PlaybookProblem[] {
  const r = parsePlaybook(yaml);
  if (r.ok) throw new Error('expected the playbook to be refused');
  return r.errors;
}

/** `line:column path: message` for compact comparisons. */
const brief = (list: PlaybookProblem[]) =>
  list.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);

describe('playbook files', () => {
  it("accepts Prahari's own playbooks", () => {
    const files = readdirSync(BUILT_IN).filter((f) => f.endsWith('.yml'));
    expect(files.length).toBe(3);
    for (const file of files) {
      const r = parsePlaybook(readFileSync(join(BUILT_IN, file), 'utf8'));
      expect(r.ok ? [] : r.errors, file).toEqual([]);
    }
  });

  it('reads the example of the README: trigger, steps, and which steps wait for approval', () => {
    const r = parsePlaybook(`id: block-ssh-bruteforce
title: Block an SSH brute-force source
trigger: { on: alert, rule: [SSH Brute Force Against a City Server], minSeverity: high }
secret: a-shared-secret-of-some-length
steps:
  - action: add_indicator
    value: "{{ alert.sourceIp }}"
  - action: block_ip
    value: "{{ alert.sourceIp }}"
    expiresInHours: 24
  - action: webhook
    url: https://soar.example/hooks/prahari
    body: { ip: "{{ alert.sourceIp }}", source: prahari }
    automatic: true
  - action: notify
    role: analyst
  - action: create_task
    title: "Reset credentials on {{ asset.name }}"
    dueInHours: 4
  - action: assign_owner
    automatic: false
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.playbook.trigger).toEqual({
      on: 'alert',
      rule: ['SSH Brute Force Against a City Server'],
      minSeverity: 'high',
    });
    expect(r.playbook.steps.map((s) => [s.action, needsApproval(s)])).toEqual([
      ['add_indicator', false],
      ['block_ip', true],
      ['webhook', false],
      ['notify', false],
      ['create_task', false],
      ['assign_owner', true],
    ]);
  });

  it('names the line and column of every schema problem', () => {
    expect(
      brief(
        problems(`id: Bad Id
title: t
trigger:
  on: alert
  minSeverity: severe
  colour: red
steps:
  - action: block_ip
    expiresInHours: -1
  - action: launch_missiles
`),
      ),
    ).toEqual([
      '1:5 id: must match pattern "^[a-z0-9][a-z0-9._-]{0,99}$"',
      '5:16 trigger.minSeverity: "severe" is not allowed here: use one of informational, low, medium, high, critical',
      "6:3 trigger.colour: unknown key 'colour'",
      "8:5 steps.0: missing 'value'",
      '9:21 steps.0.expiresInHours: must be > 0',
      '10:13 steps.1.action: "launch_missiles" is not allowed here: use one of add_indicator, block_ip, webhook, notify, create_task, assign_owner',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const [e] = problems('id: x\ntitle: [unclosed\nsteps: []\n');
    expect(e!.path).toBe('(yaml)');
    expect(e!.message).toMatch(/^not valid YAML/);
    expect(e!.line).toBeGreaterThanOrEqual(2);
  });

  it('checks templates against what the trigger provides, and what a schema cannot say', () => {
    expect(
      brief(
        problems(`id: checks
title: Checks
trigger: { on: alert }
steps:
  - action: notify
    role: analyst
    user: ravi
    subject: "{{ incident.title }}"
  - action: block_ip
    value: 10.0.0.300
  - action: webhook
    url: ftp://files.example
  - action: create_task
    title: "{{ alert.sourceIp }"
`),
      ),
    ).toEqual(
      [
        '5:5 steps.0: a notify step names one of channel, role or user',
        "8:14 steps.0.subject: '{{ incident.title }}' reads incident, but a playbook triggered on alert has no incident: use alert, asset, playbook, run",
        "10:12 steps.1.value: '10.0.0.300' is not an IPv4 or IPv6 address",
        "12:10 steps.2.url: 'ftp://files.example' is not an http(s) URL",
        "14:12 steps.3.title: unbalanced braces in '{{ alert.sourceIp }': a placeholder is written {{ path }}",
        '1:1 (playbook): a webhook step with a url signs its body with the playbook secret: add secret (16 characters or more), or name a webhook channel instead of a url',
      ].sort((a, b) => Number(a.split(':')[0]) - Number(b.split(':')[0])),
    );
  });

  it('takes one playbook per file', () => {
    expect(brief(problems('id: a\n---\nid: b\n'))).toEqual([
      '3:1 (playbook): one playbook per file: this is a second YAML document',
    ]);
    expect(problems('')[0]!.message).toMatch(/the file is empty/);
  });
});
