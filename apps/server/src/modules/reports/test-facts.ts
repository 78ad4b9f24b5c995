/**
 * Two incidents of a made-up Pune, as complete report facts, for the tests (and for anyone who
 * wants to see a report without running an incident): an SSH brute force then a login on an ICCC
 * server, reported to CERT-In in time; and an exfiltration from the certificates database, a
 * personal-data breach whose CERT-In report was late and whose citizens are not told yet.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, legalClocks } from '@prahari/core';
import { RawArchive } from '@prahari/ingest';
import type { ReportingSettings } from '../settings/service.js';
import type { AffectedSystem, LogLine, ReportFacts } from './facts.js';

export const PUNE: ReportingSettings = {
  organisation: 'Pune Municipal Corporation',
  sector: 'Government (urban local body)',
  address: 'PMC Main Building, Shivajinagar, Pune 411005',
  city: 'Pune',
  state: 'Maharashtra',
  pointOfContact: {
    name: 'Anjali Kulkarni',
    designation: 'Chief Information Security Officer',
    email: 'ciso@punecorporation.gov.in',
    phone: '+91 20 2550 1000',
    mobile: '+91 98220 12345',
  },
  certInEmail: 'incident@cert-in.org.in',
};

function system(over: Partial<AffectedSystem> & Pick<AffectedSystem, 'name'>): AffectedSystem {
  return {
    kind: 'server',
    description: null,
    ipAddresses: [],
    hostnames: [],
    operatingSystem: null,
    vendor: null,
    product: null,
    version: null,
    site: null,
    ward: null,
    latitude: null,
    longitude: null,
    zone: null,
    department: null,
    owner: null,
    criticality: null,
    personalData: false,
    internetExposed: false,
    ...over,
  };
}

function syslog(receivedAt: string, sourceIp: string, message: string): LogLine {
  return {
    receivedAt,
    listener: 'syslog-tcp:6514',
    sourceIp,
    sourcePort: 40112,
    message,
    encoding: 'utf8',
    flags: [],
  };
}

const SSH_NOTICED = '2026-03-14T01:12:30.000Z';

/** SSH brute force from 203.0.113.45 on iccc-app-01, then a login; contained, reported in time. */
export function sshBruteForceFacts(): ReportFacts {
  const generatedAt = '2026-03-14T05:00:00.000Z';
  const failures = Array.from({ length: 24 }, (_, n) =>
    syslog(
      `2026-03-14T01:10:${String(5 + n).padStart(2, '0')}.000Z`,
      '10.10.20.15',
      `<38>1 2026-03-14T01:10:${String(5 + n).padStart(2, '0')}Z iccc-app-01 sshd 2231 - - Failed password for iccc-admin from 203.0.113.45 port ${50000 + n} ssh2`,
    ),
  );
  return {
    generatedAt,
    generatedBy: 'anjali',
    organisation: PUNE,
    incident: {
      number: 'INC-2026-0007',
      title: 'SSH brute force then login on iccc-app-01',
      description:
        'Twenty-four failed SSH logins for iccc-admin from 203.0.113.45 within 30 seconds, followed by a successful password login from the same address. The session ran for six minutes before the account was disabled.',
      severity: 'high',
      status: 'contained',
      resolution: null,
      certInType: 'unauthorised-access',
      personalDataBreach: false,
      occurredAt: '2026-03-14T01:10:05.000Z',
      noticedAt: SSH_NOTICED,
      reportedAt: '2026-03-14T04:30:00.000Z',
      createdAt: SSH_NOTICED,
      createdBy: 'asha',
      acknowledgedAt: '2026-03-14T01:20:00.000Z',
      containedAt: '2026-03-14T02:05:00.000Z',
      closedAt: null,
      owner: 'asha',
      assignees: ['asha', 'iccc-vendor'],
    },
    affectedSystems: [
      system({
        name: 'iccc-app-01',
        description: 'ICCC application server (video wall, traffic and SCADA dashboards)',
        ipAddresses: ['10.10.20.15'],
        hostnames: ['iccc-app-01.pmc.local'],
        operatingSystem: 'Ubuntu 22.04 LTS',
        vendor: 'Honeywell',
        product: 'City Suite ICCC',
        version: '4.2',
        site: 'ICCC, Shivajinagar (शिवाजीनगर)',
        ward: '14',
        latitude: 18.5308,
        longitude: 73.8475,
        zone: 'dmz',
        department: 'ICCC',
        owner: 'iccc-vendor',
        criticality: 5,
        internetExposed: true,
      }),
    ],
    affectedServices: [
      {
        name: 'ICCC operations',
        citizenImpact: 5,
        populationServed: 3_500_000,
        maxTolerableDowntimeMinutes: 30,
        department: 'ICCC',
        owner: 'iccc-vendor',
      },
    ],
    cascade: [
      {
        name: 'Adaptive traffic signal control',
        kind: 'service',
        afterMinutes: 15,
        via: ['iccc-app-01', 'atcs-server-01', 'Adaptive traffic signal control'],
        maxTolerableDowntimeMinutes: 60,
        citizenImpact: 4,
        criticality: null,
      },
      {
        name: 'atcs-server-01',
        kind: 'asset',
        afterMinutes: 0,
        via: ['iccc-app-01', 'atcs-server-01'],
        maxTolerableDowntimeMinutes: null,
        citizenImpact: null,
        criticality: 4,
      },
    ],
    symptoms: [
      {
        ruleTitle: 'SSH Brute Force Against a City Server',
        ruleId: '0afa8a64-c529-4214-ac14-2801494db29e',
        detectedBy: 'correlation',
        level: 'high',
        count: 24,
        firstSeen: '2026-03-14T01:10:05.000Z',
        lastSeen: '2026-03-14T01:10:28.000Z',
        description: 'Twenty or more failed SSH logins from one source address within 60 seconds.',
        sensor: 'iccc-syslog',
        logSource: 'linux/sshd',
        sourceIp: '203.0.113.45',
        hostName: 'iccc-app-01',
        userName: 'iccc-admin',
      },
      {
        ruleTitle: 'Successful SSH Login After Brute Force',
        ruleId: 'b3c1f0a2-77e5-4f0e-9d43-0d1c5c1e2a10',
        detectedBy: 'correlation',
        level: 'critical',
        count: 1,
        firstSeen: '2026-03-14T01:11:02.000Z',
        lastSeen: '2026-03-14T01:11:02.000Z',
        description: 'A successful SSH login from an address that was just brute-forcing.',
        sensor: 'iccc-syslog',
        logSource: 'linux/sshd',
        sourceIp: '203.0.113.45',
        hostName: 'iccc-app-01',
        userName: 'iccc-admin',
      },
    ],
    detectionNote: null,
    observables: [
      {
        type: 'ip',
        value: '203.0.113.45',
        firstSeen: '2026-03-14T01:10:05.000Z',
        lastSeen: '2026-03-14T01:17:40.000Z',
      },
      {
        type: 'user',
        value: 'iccc-admin',
        firstSeen: '2026-03-14T01:10:05.000Z',
        lastSeen: '2026-03-14T01:17:40.000Z',
      },
    ],
    actions: [
      { at: '2026-03-14T01:12:30.000Z', by: 'asha', text: 'Opened the incident from two alerts' },
      { at: '2026-03-14T01:20:00.000Z', by: 'asha', text: 'Took it up: status triage' },
      {
        at: '2026-03-14T01:31:00.000Z',
        by: 'playbook:block-ssh-bruteforce',
        text: 'Published 203.0.113.45 on the firewall block list (approved by asha)',
      },
      {
        at: '2026-03-14T02:05:00.000Z',
        by: 'asha',
        text: 'Disabled the iccc-admin account and cut iccc-app-01 off from the internet: status contained',
      },
      {
        at: '2026-03-14T04:30:00.000Z',
        by: 'anjali',
        text: 'Reported to CERT-In by e-mail, reference CERTIn-2026-03-0412',
      },
    ],
    tasks: [
      {
        title: 'Turn off SSH password logins on every ICCC server',
        assignee: 'iccc-vendor',
        dueAt: '2026-03-14T04:00:00.000Z',
        status: 'done',
        doneAt: '2026-03-14T03:40:00.000Z',
        doneBy: 'iccc-vendor',
      },
      {
        title: 'Rotate the credentials of all ICCC administrator accounts',
        assignee: 'iccc-vendor',
        dueAt: '2026-03-15T06:30:00.000Z',
        status: 'open',
        doneAt: null,
        doneBy: null,
      },
    ],
    clocks: legalClocks(
      {
        certInType: 'unauthorised-access',
        personalDataBreach: false,
        noticedAt: SSH_NOTICED,
        reports: [
          {
            duty: 'cert-in',
            reportedAt: '2026-03-14T04:30:00.000Z',
            reportedBy: 'anjali',
            reference: 'CERTIn-2026-03-0412',
          },
        ],
      },
      new Date(generatedAt),
    ),
    personalData: null,
    review: null,
    logs: {
      from: '2026-03-14T00:10:05.000Z',
      to: generatedAt,
      senders: ['10.10.20.15'],
      terms: ['10.10.20.15', '203.0.113.45', 'iccc-app-01.pmc.local'],
      lines: [
        ...failures,
        syslog(
          '2026-03-14T01:11:02.000Z',
          '10.10.20.15',
          '<38>1 2026-03-14T01:11:02Z iccc-app-01 sshd 2231 - - Accepted password for iccc-admin from 203.0.113.45 port 50031 ssh2',
        ),
      ],
      omitted: 0,
      scanned: 18_422,
      complete: true,
    },
  };
}

const CERTDB_NOTICED = '2026-04-02T10:00:00.000Z';

/**
 * Birth and death certificates copied out of certdb-01 through the e-governance portal: a
 * personal-data breach. CERT-In was told late, the Board in time, citizens not yet.
 */
export function certificatesBreachFacts(): ReportFacts {
  const generatedAt = '2026-04-03T09:00:00.000Z';
  return {
    generatedAt,
    generatedBy: 'anjali',
    organisation: PUNE,
    incident: {
      number: 'INC-2026-0011',
      title: 'Certificates database copied out through the e-governance portal',
      description:
        'A web shell uploaded through the certificate-request form on egov-portal-01 was used to dump the births and deaths tables of certdb-01 and send them to 198.51.100.77 over HTTPS.',
      severity: 'critical',
      status: 'eradicated',
      resolution: null,
      certInType: 'data-breach',
      personalDataBreach: true,
      occurredAt: '2026-04-01T22:40:00.000Z',
      noticedAt: CERTDB_NOTICED,
      reportedAt: '2026-04-02T16:45:00.000Z',
      createdAt: CERTDB_NOTICED,
      createdBy: 'asha',
      acknowledgedAt: '2026-04-02T10:05:00.000Z',
      containedAt: '2026-04-02T11:30:00.000Z',
      closedAt: null,
      owner: 'anjali',
      assignees: ['asha', 'egov-team'],
    },
    affectedSystems: [
      system({
        name: 'certdb-01',
        kind: 'database',
        description: 'Births and deaths register (civil registration)',
        ipAddresses: ['10.20.5.21'],
        hostnames: ['certdb-01.pmc.local'],
        operatingSystem: 'Red Hat Enterprise Linux 8.9',
        vendor: 'PostgreSQL',
        product: 'PostgreSQL',
        version: '14.11',
        site: 'PMC data centre, Shivajinagar',
        zone: 'it',
        department: 'Health (civil registration)',
        owner: 'egov-team',
        criticality: 4,
        personalData: true,
      }),
      system({
        name: 'egov-portal-01',
        kind: 'web_application',
        ipAddresses: ['10.20.5.10', '117.239.40.12'],
        hostnames: ['services.punecorporation.gov.in'],
        operatingSystem: 'Ubuntu 20.04 LTS',
        product: 'Citizen services portal',
        version: '3.8.1',
        site: 'PMC data centre, Shivajinagar',
        zone: 'dmz',
        department: 'IT',
        owner: 'egov-team',
        criticality: 4,
        personalData: true,
        internetExposed: true,
      }),
    ],
    affectedServices: [
      {
        name: 'Birth and death certificates',
        citizenImpact: 3,
        populationServed: 3_500_000,
        maxTolerableDowntimeMinutes: 2880,
        department: 'Health (civil registration)',
        owner: 'egov-team',
      },
    ],
    cascade: [],
    symptoms: [
      {
        ruleTitle: 'Web Shell Upload to an E-Governance Portal',
        ruleId: 'web_egov_webshell_upload',
        detectedBy: 'sigma',
        level: 'critical',
        count: 3,
        firstSeen: '2026-04-01T22:40:00.000Z',
        lastSeen: '2026-04-01T22:41:10.000Z',
        description: 'A script file written under the portal upload folder.',
        sensor: 'egov-nginx',
        logSource: 'webserver',
        sourceIp: '198.51.100.77',
        hostName: 'egov-portal-01',
        userName: null,
      },
      {
        ruleTitle: 'Known exfiltration host',
        ruleId: 'indicator:198.51.100.77',
        detectedBy: 'indicator',
        level: 'high',
        count: 412,
        firstSeen: '2026-04-02T01:05:00.000Z',
        lastSeen: '2026-04-02T09:55:00.000Z',
        description: null,
        sensor: 'perimeter-firewall',
        logSource: 'firewall',
        sourceIp: '10.20.5.10',
        hostName: null,
        userName: null,
      },
    ],
    detectionNote:
      'The threat-intelligence feed flagged 198.51.100.77 at 15:30 IST; the analyst on shift linked it to the web-shell alert of the night before.',
    observables: [
      {
        type: 'ip',
        value: '198.51.100.77',
        firstSeen: '2026-04-01T22:40:00.000Z',
        lastSeen: '2026-04-02T09:55:00.000Z',
      },
      {
        type: 'hash',
        value: 'sha256:9f2c4e1d0b7a6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e',
        firstSeen: '2026-04-01T22:40:00.000Z',
        lastSeen: null,
      },
    ],
    actions: [
      { at: '2026-04-02T10:05:00.000Z', by: 'asha', text: 'Took it up: status triage' },
      {
        at: '2026-04-02T11:30:00.000Z',
        by: 'asha',
        text: 'Took egov-portal-01 offline and blocked 198.51.100.77: status contained',
      },
      {
        at: '2026-04-02T15:00:00.000Z',
        by: 'anjali',
        text: 'Intimated the Data Protection Board through its portal',
      },
      {
        at: '2026-04-02T16:45:00.000Z',
        by: 'anjali',
        text: 'Reported to CERT-In by e-mail (late: the deadline was 21:30 IST)',
      },
      {
        at: '2026-04-03T06:00:00.000Z',
        by: 'egov-team',
        text: 'Removed the web shell, patched the upload form, rebuilt the portal: status eradicated',
      },
    ],
    tasks: [
      {
        title: 'Send the notice to every affected citizen (SMS and e-mail)',
        assignee: 'anjali',
        dueAt: '2026-04-02T16:00:00.000Z',
        status: 'open',
        doneAt: null,
        doneBy: null,
      },
    ],
    clocks: legalClocks(
      {
        certInType: 'data-breach',
        personalDataBreach: true,
        noticedAt: CERTDB_NOTICED,
        reports: [
          {
            duty: 'cert-in',
            reportedAt: '2026-04-02T16:45:00.000Z',
            reportedBy: 'anjali',
            reference: null,
          },
          {
            duty: 'dpdp-board-intimation',
            reportedAt: '2026-04-02T15:00:00.000Z',
            reportedBy: 'anjali',
            reference: 'DPB/2026/0042',
          },
        ],
      },
      new Date(generatedAt),
    ),
    personalData: {
      nature:
        'Records of the births and deaths register were copied out of the certificates database by an attacker who had planted a web shell on the citizen services portal.',
      extent:
        'The births and deaths tables of certdb-01: registrations from 2015 to 2025. Payment data is kept elsewhere and was not reached.',
      timing: 'Between 04:10 IST on 2 April 2026 and 15:25 IST the same day.',
      location: 'certdb-01, PMC data centre, Shivajinagar, reached through egov-portal-01',
      likelyImpact:
        'Identity fraud using certificate details; targeted phishing of the families named in the records.',
      likelyConsequences:
        'Someone may try to use your details or your family members’ details to pretend to be you, or send you messages that look as if they come from the Corporation.',
      categoriesOfPersonalData: [
        'name',
        'date and place of birth or death',
        "parents' names",
        'address',
        'last four digits of Aadhaar number',
      ],
      categoriesOfDataPrincipals: [
        'people whose birth or death was registered in Pune from 2015 to 2025',
        'their parents and informants',
      ],
      approximateNumberAffected: 182_400,
      mitigation:
        'The portal was taken offline, the attacker’s access removed and the database credentials changed. The upload form has been fixed and the portal rebuilt.',
      whatPrincipalsCanDo: [
        'Be wary of calls, SMS or e-mails that mention your certificate and ask for money, OTPs or documents.',
        'The Corporation will never ask for your OTP or bank details.',
        'Lock your Aadhaar biometrics at myaadhaar.uidai.gov.in if you have not already.',
      ],
      contactForPrincipals: {
        name: 'PMC Data Protection Desk',
        email: 'dataprotection@punecorporation.gov.in',
        phone: '1800 103 0222',
      },
      circumstances: null,
      causedBy: null,
      preventRecurrence: null,
      principalsInformed: null,
    },
    review: {
      rootCause:
        'The certificate-request form accepted any file type and stored uploads inside the web root.',
      lessons: [
        'Uploads must be stored outside the web root and checked by type.',
        'The CERT-In report was late because the 6-hour clock was not visible to the night shift.',
      ],
    },
    logs: null,
  };
}

/** The text of a PDF as Debian's pdftotext (poppler-utils) extracts it, whitespace collapsed. */
export function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'prahari-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })
      .replace(/\s+/g, ' ')
      .trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pages of a PDF, as pdfinfo counts them. */
export function pdfPages(pdf: Buffer): number {
  const dir = mkdtempSync(join(tmpdir(), 'prahari-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    return Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A real raw archive around the SSH brute force of `sshBruteForceFacts`: the evening before (one
 * sealed day), the attack as iccc-app-01 logged it, the firewall and proxy mentioning it, hosts
 * whose addresses merely start the same, one message that is not UTF-8, and a line after the
 * report. Returns the archive, still open.
 */
export async function writeIcccArchive(dir: string): Promise<RawArchive> {
  const clock = new ManualClock('2026-03-13T22:00:00.000Z');
  const archive = await RawArchive.open({ dir, clock });
  const send = async (at: string, sourceIp: string, raw: string | Buffer) => {
    clock.set(at);
    await archive.append([
      {
        receivedAt: clock.now(),
        listener: 'syslog-tcp:6514',
        sourceIp,
        sourcePort: 40112,
        raw: typeof raw === 'string' ? Buffer.from(raw) : raw,
      },
    ]);
  };
  await send('2026-03-13T22:30:00.000Z', '10.10.20.15', '<38>iccc-app-01 cron: daily backup done');
  await send('2026-03-13T23:10:00.000Z', '10.0.0.1', '<134>fw01 ALLOW tcp 10.10.20.15:443');
  await send(
    '2026-03-14T00:30:00.000Z',
    '10.0.0.1',
    '<134>fw01 DENY tcp 203.0.113.45:50111 -> 10.10.20.15:23',
  );
  for (let n = 0; n < 24; n++) {
    const second = String(5 + n).padStart(2, '0');
    await send(
      `2026-03-14T01:10:${second}.000Z`,
      '10.10.20.15',
      `<38>1 2026-03-14T01:10:${second}Z iccc-app-01 sshd 2231 - - Failed password for iccc-admin from 203.0.113.45 port ${50000 + n} ssh2`,
    );
  }
  await send(
    '2026-03-14T01:11:02.000Z',
    '::ffff:10.10.20.15',
    '<38>1 2026-03-14T01:11:02Z iccc-app-01 sshd 2231 - - Accepted password for iccc-admin from 203.0.113.45 port 50031 ssh2',
  );
  await send(
    '2026-03-14T01:11:30.000Z',
    '10.10.20.150',
    '<38>iccc-app-010 sshd: session opened for user bob',
  );
  await send(
    '2026-03-14T01:12:00.000Z',
    '10.0.0.9',
    '<134>proxy01 GET /api upstream 10.10.20.151:8080',
  );
  await send(
    '2026-03-14T01:13:00.000Z',
    '10.0.0.9',
    '<134>proxy01 GET /video upstream 10.10.20.15:8080',
  );
  await send(
    '2026-03-14T01:14:00.000Z',
    '10.10.20.15',
    Buffer.from([0x3c, 0x33, 0x3e, 0xff, 0xfe, 0x41]),
  );
  await send(
    '2026-03-14T01:15:00.000Z',
    '10.0.0.1',
    '<134>fw01 DENY udp 198.51.100.2 -> 10.20.5.21:53',
  );
  await send('2026-03-14T06:00:00.000Z', '10.10.20.15', '<38>iccc-app-01 sshd: after the report');
  return archive;
}
