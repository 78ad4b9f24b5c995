/** /settings/reporting in a real server: who may read and change it, what is refused, the audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test-server.js';

let server: TestServer;
let admin: string;
let analyst: string;
let auditor: string;
let owner: string;

const PASSWORD = 'a-long-password-1';

const PUNE = {
  organisation: 'Pune Municipal Corporation',
  sector: 'Government (urban local body)',
  address: 'PMC Main Building, Shivajinagar\nPune 411005',
  city: 'Pune',
  state: 'Maharashtra',
  pointOfContact: {
    name: 'Anjali Kulkarni',
    designation: 'Chief Information Security Officer',
    email: 'ciso@punecorporation.gov.in',
    phone: '+91 20 2550 1000',
    mobile: '+91 98220 12345',
  },
};

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.login('admin', TEST_ADMIN_PASSWORD);
  for (const [username, role] of [
    ['asha', 'analyst'],
    ['audrey', 'auditor'],
    ['water', 'owner'],
  ])
    expect(
      (
        await server.request('POST', '/api/v1/users', {
          auth: admin,
          body: { username, role, password: PASSWORD },
        })
      ).status,
    ).toBe(201);
  analyst = await server.login('asha', PASSWORD);
  auditor = await server.login('audrey', PASSWORD);
  owner = await server.login('water', PASSWORD);
}, 60_000);
afterAll(() => server.stop());

describe('/api/v1/settings/reporting', () => {
  it('starts unset but for CERT-In’s address, and lists what a report still needs', async () => {
    const res = await server.request('GET', '/api/v1/settings/reporting', { auth: analyst });
    expect(res.status).toBe(200);
    expect(res.body.settings.organisation).toBeNull();
    expect(res.body.settings.certInEmail).toBe('incident@cert-in.org.in');
    expect(res.body.missing).toEqual([
      'organisation',
      'sector',
      'address',
      'city',
      'state',
      'pointOfContact.name',
      'pointOfContact.designation',
      'pointOfContact.email',
      'pointOfContact.phone or mobile',
    ]);
    expect(res.body.updatedBy).toBeNull();
  });

  it('lets an admin set it, audited with the values before and after', async () => {
    const res = await server.request('PUT', '/api/v1/settings/reporting', {
      auth: admin,
      body: { ...PUNE, organisation: '  Pune Municipal Corporation  ' },
    });
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({ ...PUNE, certInEmail: 'incident@cert-in.org.in' });
    expect(res.body.missing).toEqual([]);
    expect(res.body.updatedBy).toBe('admin');

    for (const auth of [analyst, auditor]) {
      const read = await server.request('GET', '/api/v1/settings/reporting', { auth });
      expect(read.body.settings.pointOfContact.email).toBe('ciso@punecorporation.gov.in');
    }

    const audit = await server.request('GET', '/api/v1/audit?action=settings.update', {
      auth: auditor,
    });
    const entry = audit.body.entries[0];
    expect(entry).toMatchObject({ actorName: 'admin', target: 'settings:reporting' });
    expect(entry.details.before.organisation).toBeNull();
    expect(entry.details.after.organisation).toBe('Pune Municipal Corporation');
    expect(entry.details.changed).toContain('pointOfContact.mobile');
  });

  it('records only what changed, and a save that changes nothing leaves no entry', async () => {
    const change = await server.request('PUT', '/api/v1/settings/reporting', {
      auth: admin,
      body: { ...PUNE, pointOfContact: { ...PUNE.pointOfContact, mobile: null } },
    });
    expect(change.body.settings.pointOfContact.mobile).toBeNull();
    expect(change.body.missing).toEqual([]);
    const again = await server.request('PUT', '/api/v1/settings/reporting', {
      auth: admin,
      body: { ...PUNE, pointOfContact: { ...PUNE.pointOfContact, mobile: '' } },
    });
    expect(again.status).toBe(200);
    const audit = await server.request('GET', '/api/v1/audit?action=settings.update', {
      auth: admin,
    });
    expect(audit.body.entries).toHaveLength(2);
    expect(audit.body.entries[0].details.changed).toEqual(['pointOfContact.mobile']);
  });

  it('names every wrong field and keeps the old values', async () => {
    const res = await server.request('PUT', '/api/v1/settings/reporting', {
      auth: admin,
      body: {
        ...PUNE,
        pointOfContact: { ...PUNE.pointOfContact, email: 'ciso at pune', phone: '12' },
        certInEmail: 'cert-in',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('bad_request');
    expect(res.body.details.errors.map((e: { field: string }) => e.field)).toEqual([
      'pointOfContact.email',
      'pointOfContact.phone',
      'certInEmail',
    ]);
    expect(res.body.message).toContain("pointOfContact.email: 'ciso at pune' is not an e-mail");

    const unknown = await server.request('PUT', '/api/v1/settings/reporting', {
      auth: admin,
      body: { organization: 'typo' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('organization is not a known field');

    const read = await server.request('GET', '/api/v1/settings/reporting', { auth: admin });
    expect(read.body.settings.pointOfContact.email).toBe('ciso@punecorporation.gov.in');
  });

  it('lets only an admin change it, and owners not even read it', async () => {
    for (const auth of [analyst, auditor]) {
      const res = await server.request('PUT', '/api/v1/settings/reporting', {
        auth,
        body: PUNE,
      });
      expect(res.status).toBe(403);
    }
    expect(
      (await server.request('GET', '/api/v1/settings/reporting', { auth: owner })).status,
    ).toBe(403);
    expect((await server.request('GET', '/api/v1/settings/reporting')).status).toBe(401);
  });

  it('is what the running server hands to the reports', async () => {
    const view = await server.settings.reporting();
    expect(view.settings.organisation).toBe('Pune Municipal Corporation');
  });
});
