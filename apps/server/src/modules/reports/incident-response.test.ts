/**
 * Issue 7's "done means", as a new city team would try it on a real server: an SSH brute force
 * against an ICCC server raises an alert; Prahari's own playbook watches the source and waits for
 * an analyst before blocking it; the analyst opens an incident, classifies it (the CERT-In clock
 * starts), approves the block, and the firewall's block list carries the address; the CERT-In
 * report (PDF read back with pdftotext, JSON, and the zip with the archive's lines) states the
 * right facts; the DPDP notices apply only to a personal-data breach; the audit trail names
 * everyone at every step.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const BRUTE_FORCE = '0afa8a64-c529-4214-ac14-2801494db29e';
const ATTACKER = '203.0.113.45';
const PASSWORD = 'a-long-password-1';

let server: TestServer;
let admin: string;
let asha: string;
let audrey: string;
let ingestKey: string;
const work = mkdtempSync(join(tmpdir(), 'prahari-report-'));

async function api(method: string, path: string, auth: string, body?: unknown) {
  return server.request(method, `/api/v1${path}`, { auth, ...(body !== undefined && { body }) });
}

/** A report as bytes, the way a browser downloads it. */
async function download(
  path: string,
  auth: string,
): Promise<{ status: number; bytes: Buffer; type: string | null }> {
  const res = await fetch(`${server.url}/api/v1${path}`, { headers: { cookie: auth } });
  return {
    status: res.status,
    bytes: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get('content-type'),
  };
}

function pdfText(bytes: Buffer, name: string): string {
  const file = join(work, name);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

beforeAll(async () => {
  server = await startTestServer({
    'ingest.syslog.tcpEnabled': false,
    'ingest.syslog.udpEnabled': false,
  });
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  for (const [username, role] of [
    ['asha', 'analyst'],
    ['audrey', 'auditor'],
  ] as const)
    expect(
      (await api('POST', '/users', admin, { username, role, password: PASSWORD })).status,
    ).toBe(201);
  asha = await server.login('asha', PASSWORD);
  audrey = await server.login('audrey', PASSWORD);
  ingestKey = (await api('POST', '/apikeys', admin, { name: 'collector', role: 'ingest' })).body
    .secret;
  const city = [
    '[assets]',
    'name,kind,zone,criticality,ips,hostnames,site',
    'iccc-app-1,server,it,5,10.10.1.5,iccc-app-1,ICCC Shivajinagar',
    '[services]',
    'name,citizen_impact,mtd_minutes',
    'Traffic control,5,120',
    '[edges]',
    'from,to,type',
    'iccc-app-1,Traffic control,supports',
  ].join('\n');
  const imported = await api('POST', '/assets/import', admin, { format: 'csv', text: city });
  expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  await server.assets.directory.refresh({ force: true });
  const contact = await api('PUT', '/settings/reporting', admin, {
    organisation: 'Pune Municipal Corporation',
    sector: 'Government (urban local body)',
    address: 'PMC Main Building, Shivajinagar',
    city: 'Pune',
    state: 'Maharashtra',
    pointOfContact: {
      name: 'Anjali Kulkarni',
      designation: 'Chief Information Security Officer',
      email: 'ciso@punecorporation.gov.in',
      phone: '+91 20 2550 1000',
      mobile: null,
    },
  });
  expect(contact.status, JSON.stringify(contact.body)).toBe(200);
  expect((await api('POST', '/playbooks/ssh-brute-force-block/enable', asha)).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('an SSH brute force, from alert to CERT-In report', () => {
  let incident: Json;

  it('raises the alert, and the playbook watches the source and waits to block it', async () => {
    const now = Date.now();
    const lines = Array.from(
      { length: 20 },
      (_, i) =>
        `<38>1 ${new Date(now - (19 - i) * 1000).toISOString()} iccc-app-1 sshd 811 - - Failed password for user${i % 3} from ${ATTACKER} port ${40000 + i} ssh2`,
    );
    const sent = await server.request('POST', '/api/v1/ingest', {
      auth: ingestKey,
      body: lines.join('\n'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(sent.status).toBe(200);
    await server.detection.whenCaughtUp();
    const alerts = (await api('GET', `/alerts?rule=${BRUTE_FORCE}&sourceIp=${ATTACKER}`, asha))
      .body;
    expect(alerts).toHaveLength(1);
    expect(alerts[0].asset.name).toBe('iccc-app-1');

    await expect
      .poll(
        async () =>
          (await api('GET', '/playbook-runs?playbook=ssh-brute-force-block', asha)).body[0]?.status,
        { timeout: 10_000 },
      )
      .toBe('awaiting-approval');
    expect(
      (await api('GET', `/indicators?q=${ATTACKER}`, asha)).body.indicators ?? [],
    ).not.toHaveLength(0);
    const blocklist = await download('/blocklist.txt', asha);
    expect(blocklist.bytes.toString()).not.toContain(ATTACKER);

    const opened = await api('POST', '/incidents', asha, {
      alertIds: [alerts[0].id],
      certInType: 'unauthorised-access',
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    incident = opened.body.incident;
    expect(opened.body.clocks).toEqual([
      expect.objectContaining({ duty: 'cert-in', state: 'running', statutoryDeadline: true }),
    ]);
  });

  it('blocks the address once the analyst approves, and firewalls pull it', async () => {
    const run = (await api('GET', '/playbook-runs?playbook=ssh-brute-force-block', asha)).body[0];
    const waiting = run.steps.findIndex((s: Json) => s.status === 'awaiting-approval') + 1;
    const approved = await api('POST', `/playbook-runs/${run.id}/steps/${waiting}/approve`, asha, {
      note: 'not our scanner',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await expect
      .poll(async () => (await download('/blocklist.txt', asha)).bytes.toString(), {
        timeout: 10_000,
      })
      .toContain(ATTACKER);
    // the playbook's last step asks for a check, as a task on the incident that holds the alert
    await expect
      .poll(async () => (await api('GET', `/playbook-runs/${run.id}`, asha)).body.status, {
        timeout: 10_000,
      })
      .toBe('done');
    const detail = (await api('GET', `/incidents/${incident.id}`, asha)).body;
    expect(detail.tasks.map((t: Json) => t.title)).toEqual([
      `Check for a successful SSH login from ${ATTACKER}`,
    ]);
  });

  it('writes the CERT-In report with the facts, as PDF, JSON and a zip with the logs', async () => {
    const pdf = await download(`/incidents/${incident.number}/reports/cert-in.pdf`, asha);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    const text = pdfText(pdf.bytes, 'cert-in.pdf').replace(/\s+/g, ' ');
    for (const fact of [
      'Pune Municipal Corporation',
      'Anjali Kulkarni',
      'ciso@punecorporation.gov.in',
      'Unauthorised access of IT systems/data',
      incident.number,
      'iccc-app-1',
      '10.10.1.5',
      'ICCC Shivajinagar',
      ATTACKER,
      'SSH Brute Force Against a City Server',
      'Traffic control',
    ])
      expect(text, fact).toContain(fact);

    const json = await api('GET', `/incidents/${incident.id}/reports/cert-in.json`, audrey);
    expect(json.status).toBe(200);
    expect(JSON.stringify(json.body)).toContain('10.10.1.5');

    const zip = await download(`/incidents/${incident.id}/reports/cert-in.zip`, asha);
    expect(zip.type).toBe('application/zip');
    const zipFile = join(work, 'bundle.zip');
    writeFileSync(zipFile, zip.bytes);
    const dir = join(work, 'bundle');
    execFileSync('unzip', ['-q', zipFile, '-d', dir]);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toMatch(
      /report\.pdf: OK/,
    );
    const logs = readFileSync(join(dir, 'logs.ndjson'), 'utf8').trim().split('\n');
    expect(
      logs.filter((l) => l.includes(`Failed password for user0 from ${ATTACKER}`)),
    ).not.toHaveLength(0);
  });

  it('gives the DPDP notices only for a personal-data breach, with what the analyst wrote', async () => {
    const refused = await api('GET', `/incidents/${incident.id}/reports/dpdp-board.json`, asha);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/not marked as a personal-data breach/);

    expect(
      (await api('PATCH', `/incidents/${incident.id}`, asha, { personalDataBreach: true })).status,
    ).toBe(200);
    const bad = await api('PATCH', `/incidents/${incident.id}/reports/details`, asha, {
      personalData: { nature: 'copied' },
    });
    expect(bad.status).toBe(400);
    const saved = await api('PATCH', `/incidents/${incident.id}/reports/details`, asha, {
      personalData: {
        nature: 'Login names of ICCC operators were tried from the internet',
        extent: 'Operator accounts of one ICCC server',
        timing: null,
        location: 'ICCC Shivajinagar',
        likelyImpact: 'Low: no login succeeded',
        likelyConsequences: 'None expected for citizens',
        categoriesOfPersonalData: ['operator user names'],
        categoriesOfDataPrincipals: ['city staff'],
        approximateNumberAffected: 3,
        mitigation: 'The source address is blocked at the perimeter',
        whatPrincipalsCanDo: ['Change your ICCC password'],
        contactForPrincipals: null,
        circumstances: null,
        causedBy: null,
        preventRecurrence: null,
        principalsInformed: null,
      },
      review: { rootCause: 'SSH reachable from the internet', lessons: ['Close SSH at the edge'] },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.updatedBy).toBe('asha');
    expect(
      (
        await api('PATCH', `/incidents/${incident.id}/reports/details`, audrey, {
          detectionNote: 'x',
        })
      ).status,
    ).toBe(403);

    const board = await api('GET', `/incidents/${incident.id}/reports/dpdp-board.json`, asha);
    expect(board.status).toBe(200);
    expect(JSON.stringify(board.body)).toContain('Operator accounts of one ICCC server');
    const notice = await download(`/incidents/${incident.id}/reports/dpdp-principals.pdf`, asha);
    expect(pdfText(notice.bytes, 'notice.pdf')).toContain('Change your ICCC password');
    const review = await download(`/incidents/${incident.id}/reports/post-incident.pdf`, asha);
    expect(pdfText(review.bytes, 'review.pdf').replace(/\s+/g, ' ')).toContain(
      'SSH reachable from the internet',
    );
  });

  it('clears a field with null, and takes JSON types as sent', async () => {
    const owned = await api('PATCH', `/incidents/${incident.id}`, asha, { owner: 'asha' });
    expect(owned.body.incident.ownerName).toBe('asha');
    const cleared = await api('PATCH', `/incidents/${incident.id}`, asha, { owner: null });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body.incident.ownerId).toBeNull();
    const text = await api('PATCH', `/incidents/${incident.id}`, asha, {
      personalDataBreach: 'yes',
    });
    expect(text.status).toBe(400);
  });

  it('refuses an unknown report by name, and keeps every step in the audit trail with names', async () => {
    expect((await api('GET', `/incidents/${incident.id}/reports/cert-in.docx`, asha)).status).toBe(
      400,
    );
    const trail = (await api('GET', '/audit?limit=500', audrey)).body;
    const entries: Json[] = trail.entries ?? trail;
    const seen = entries.map((e: Json) => `${e.actorName} ${e.action}`);
    for (const step of [
      'admin settings.update',
      'asha playbook.enable',
      'asha playbook.step.approve',
      'asha incident.create',
      'asha incident.report',
      'audrey incident.report',
      'asha incident.report_details',
    ])
      expect(seen, step).toContain(step);
  });
});
