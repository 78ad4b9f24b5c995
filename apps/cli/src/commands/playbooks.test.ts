/**
 * `prahari playbooks`, run as the built binary: check files offline; against a running server,
 * upload a playbook, let an SSH brute force start it, approve the waiting block from the
 * terminal, and see the address in the block list a firewall pulls.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrahari, startServe, type ServeProcess } from '../testing.js';

const SSH_PLAYBOOK = `id: block-ssh
title: Block SSH brute-force sources
trigger:
  on: alert
  rule: SSH Brute Force Against a City Server
steps:
  - action: block_ip
    value: "{{ alert.sourceIp }}"
    expiresInHours: 24
`;

const BROKEN = `id: broken
title: Broken
trigger: { on: alert }
steps:
  - action: block_ip
    valeu: 1.2.3.4
`;

let dir: string;
const prahari = (args: string[]) => runPrahari(dir, args, { timeoutMs: 60_000 });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'prahari-playbooks-'));
  writeFileSync(join(dir, 'ssh.yml'), SSH_PLAYBOOK);
  writeFileSync(join(dir, 'broken.yml'), BROKEN);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prahari playbooks check', () => {
  it('says which files are good and where each problem of the others is', () => {
    const res = prahari(['playbooks', 'check', 'ssh.yml', 'broken.yml']);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe(
      [
        'ssh.yml: ok (block-ssh)',
        "broken.yml:5:5: steps.0: missing 'value'",
        "broken.yml:6:5: steps.0.valeu: unknown key 'valeu'",
        '',
      ].join('\n'),
    );
  });

  it('needs a server for what lives in it', () => {
    const res = prahari(['playbooks', 'runs']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/add --server URL --api-key KEY/);
  });
});

describe('approving a block from the terminal', () => {
  let serve: ServeProcess;
  let analyst: string;
  let firewall: string;

  beforeAll(async () => {
    const keys = ['analyst', 'ingest'].map((role) => {
      const created = prahari(['apikey', 'create', `${role}-key`, '--role', role, '--json']);
      expect(created.code, created.stderr).toBe(0);
      return JSON.parse(created.stdout).secret as string;
    });
    [analyst, firewall] = keys as [string, string];
    serve = await startServe(dir);
  }, 120_000);
  afterAll(async () => {
    await serve?.stop();
  });

  it('uploads, waits for approval, approves, and the firewall list has the address', async () => {
    const remote = ['--server', serve.url, '--api-key', analyst];
    const uploaded = prahari(['playbooks', 'upload', 'ssh.yml', ...remote]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(uploaded.stdout).toBe(
      'playbook block-ssh saved, enabled: Block SSH brute-force sources\n',
    );
    const list = prahari(['playbooks', 'list', ...remote]);
    expect(list.stdout).toMatch(/block-ssh\s+yes\s+uploaded\s+alert\s+block_ip\*/);
    expect(list.stdout).toMatch(/ssh-brute-force-block\s+no\s+built-in/);

    const start = Date.now();
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `<38>1 ${new Date(start + i * 1000).toISOString()} portal-1 sshd 811 - - Failed password for root from 203.0.113.45 port ${40000 + i} ssh2`,
    );
    const sent = await fetch(`${serve.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${firewall}`, 'content-type': 'application/x-ndjson' },
      body: lines.join('\n'),
    });
    expect(sent.status).toBe(200);

    // Wait for the run over HTTP (cheaper than starting the binary again and again).
    let waiting: { id: string }[] = [];
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && waiting.length === 0) {
      const res = await fetch(`${serve.url}/api/v1/playbook-runs?status=awaiting-approval`, {
        headers: { authorization: `Bearer ${analyst}` },
      });
      waiting = (await res.json()) as { id: string }[];
      if (waiting.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(waiting).toHaveLength(1);
    const human = prahari(['playbooks', 'runs', '--waiting', ...remote]);
    expect(human.stdout).toMatch(
      /block-ssh\s+awaiting-approval\s+1 block_ip \{"value":"203\.0\.113\.45"/,
    );

    const approved = prahari([
      'playbooks',
      'approve',
      waiting[0]!.id,
      '1',
      '--note',
      'checked: not our scanner',
      ...remote,
    ]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/^step 1 \(block_ip\) approved by analyst-key; the run is /);

    const basic = `Basic ${Buffer.from(`paloalto:${firewall}`).toString('base64')}`;
    let text = '';
    for (let i = 0; i < 50 && !text.includes('203.0.113.45'); i++) {
      const res = await fetch(`${serve.url}/api/v1/blocklist.txt`, {
        headers: { authorization: basic },
      });
      text = await res.text();
      if (!text.includes('203.0.113.45')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(text.split('\n').slice(1)).toEqual(['203.0.113.45', '']);
  }, 90_000);
});
