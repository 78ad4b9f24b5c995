import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, NotFoundError, ValidationError } from '@prahari/core';
import { Store } from '@prahari/store';
import { AuditService, type Actor } from '../audit/service.js';
import { IndicatorService } from './service.js';

const actor: Actor = {
  principal: { kind: 'user', id: 'u1', name: 'asha', role: 'analyst' },
  ip: '127.0.0.1',
};

let store: Store;
let clock: ManualClock;
let service: IndicatorService;

beforeEach(async () => {
  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
  clock = new ManualClock('2026-11-25T10:00:00.000Z');
  service = new IndicatorService(store.indicators, new AuditService(store.audit, clock), clock);
});
afterEach(() => store.close());

async function auditRows(action: string) {
  return store.audit.query({ limit: 50, order: 'asc', action });
}

/** The error a promise rejects with (the test fails if it resolves). */
async function failure(p: Promise<unknown>): Promise<ValidationError> {
  try {
    await p;
  } catch (err) {
    return err as ValidationError;
  }
  throw new Error('expected a failure');
}

const sample = (fields: Record<string, unknown>, sourceIp: string | null = null) => ({
  fields,
  sourceIp,
});

describe('IndicatorService.add', () => {
  it('detects the type, stores the canonical value, defaults source and TLP, and audits', async () => {
    const res = await service.add(actor, [
      { value: '203.0.113.7' },
      { value: '2001:0DB8:0:0:0:0:0:1' },
      { value: '10.1.2.3/16' },
      { value: 'WWW.Evil.Example.' },
      { value: 'hxxp://evil[.]example:80/dl/x.exe#top' },
      { value: 'evil.example/payload' },
      { value: '0639B0A6F69B3265C1E42227D650B7D1' },
    ]);
    expect(res).toMatchObject({ added: 7, updated: 0 });
    expect(res.indicators.map((i) => [i.type, i.value])).toEqual([
      ['ip', '203.0.113.7'],
      ['ip', '2001:db8::1'],
      ['cidr', '10.1.0.0/16'],
      ['domain', 'www.evil.example'],
      ['url', 'http://evil.example/dl/x.exe'],
      ['url', 'http://evil.example/payload'],
      ['hash', '0639b0a6f69b3265c1e42227d650b7d1'],
    ]);
    expect(res.indicators[0]).toMatchObject({
      source: 'manual',
      tlp: 'amber',
      createdBy: 'asha',
      expiresAt: null,
      hits: 0,
    });
    const [audit] = await auditRows('indicator.add');
    expect(audit).toMatchObject({ actorName: 'asha', target: 'indicators', ip: '127.0.0.1' });
    expect(audit!.details).toMatchObject({ added: 7, updated: 0 });
  });

  it('updates a known value instead of adding it twice', async () => {
    const first = await service.add(actor, [{ value: 'evil.example', source: 'cert-in' }]);
    const again = await service.add(actor, [
      { value: 'EVIL.example', source: 'isac', tlp: 'red', expiresAt: '30d', description: 'c2' },
    ]);
    expect(again).toMatchObject({ added: 0, updated: 1 });
    expect(again.indicators[0]).toMatchObject({
      id: first.indicators[0]!.id,
      source: 'isac',
      tlp: 'red',
      description: 'c2',
      expiresAt: '2026-12-25T10:00:00.000Z',
    });
    const [, audit] = await auditRows('indicator.add');
    expect(audit).toMatchObject({ target: 'indicator:domain:evil.example' });
  });

  it('names each wrong item by index and field, and stores none of them', async () => {
    const err = await failure(
      service.add(actor, [
        { value: '198.51.100.1' },
        { value: '999.1.1.1', type: 'ip' },
        { value: '10.0.0.0/33' },
        { value: 'localhost' },
        { value: 'abc123', type: 'hash' },
        { value: 'evil.example', type: 'ip' },
        { value: 'not an indicator!' },
        { value: '203.0.113.9', expiresAt: '2020-01-01' },
        { value: '203.0.113.10', expiresAt: 'next week' },
        { value: '010.1.1.1' },
      ]),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/^9 of 10 indicator\(s\) are wrong, nothing was stored: /);
    expect(err.message).toContain("items[1].value: '999.1.1.1' is not an IPv4 or IPv6 address");
    expect(err.message).toContain('items[2].value: the prefix length of');
    expect(err.message).toContain("items[3].value: cannot tell what kind of indicator 'localhost'");
    expect(err.message).toContain("items[4].value: 'abc123' has 6 hex digits; a hash has 32 (MD5)");
    expect(err.message).toContain("items[5].value: 'evil.example' is not an IPv4 or IPv6 address");
    expect(err.message).toContain("items[7].expiresAt: '2020-01-01' is in the past");
    expect(err.message).toContain("items[8].expiresAt: 'next week' is not a time");
    expect(err.message).toContain('items[9].value: ');
    expect(err.message).toContain('leading zero');
    expect((err.details as { errors: { index: number; field: string }[] }).errors).toHaveLength(9);
    expect((await service.list({ limit: 10 })).indicators).toEqual([]);
    expect(await auditRows('indicator.add')).toEqual([]);
  });

  it('says what is wrong with a value as what it looks most like', async () => {
    const err = await failure(
      service.add(actor, [
        { value: '1.2.3.4.5' },
        { value: 'a..b.example' },
        { value: 'deadbeefdeadbeefdead' },
      ]),
    );
    expect(err.message).toContain(
      "items[0].value: '1.2.3.4.5' is not an IPv4 or IPv6 address (read as ip)",
    );
    expect(err.message).toContain("items[1].value: 'a..b.example' is not a domain name: label ''");
    expect(err.message).toContain("items[2].value: 'deadbeefdeadbeefdead' has 20 hex digits");
  });

  it('explains a single-label domain when the type is given', async () => {
    const err = await failure(service.add(actor, [{ value: 'com', type: 'domain' }]));
    expect(err.message).toContain('is a single label');
  });
});

describe('IndicatorService.import', () => {
  it('reads plain text: one value per line, comments and blank lines skipped, types detected', async () => {
    const text = [
      '# feed: city-isac daily',
      '',
      '203.0.113.7',
      '198.51.100.0/24   # scanner range',
      'evil.example',
      'http://bad.test/x.php?id=1',
      '  0639b0a6f69b3265c1e42227d650b7d1  ',
      '203.0.113.7',
    ].join('\r\n');
    const res = await service.import(actor, text, {
      format: 'text',
      source: 'city-isac',
      tlp: 'green',
      expiresAt: '7d',
    });
    expect(res).toMatchObject({
      imported: true,
      dryRun: false,
      lines: 6,
      valid: 6,
      added: 5,
      updated: 0,
      duplicates: 1,
      errors: [],
      byType: { ip: 1, cidr: 1, domain: 1, url: 1, hash: 1 },
    });
    const { indicators } = await service.list({ limit: 10 });
    expect(indicators).toHaveLength(5);
    for (const i of indicators)
      expect(i).toMatchObject({
        source: 'city-isac',
        tlp: 'green',
        expiresAt: '2026-12-02T10:00:00.000Z',
      });
    const [audit] = await auditRows('indicator.import');
    expect(audit).toMatchObject({ target: 'indicators:source:city-isac', actorName: 'asha' });
    expect(audit!.details).toMatchObject({
      format: 'text',
      lines: 6,
      added: 5,
      updated: 0,
      duplicates: 1,
      byType: { ip: 1, cidr: 1, domain: 1, url: 1, hash: 1 },
    });
  });

  it('reads CSV with quoted fields, per-line columns and an unknown column', async () => {
    const csv = [
      '\ufeffValue,Type,TLP,expires,description,first_seen',
      '203.0.113.7,ip,TLP:RED,2027-03-31,"C2, seen by ""fw-core-1""",2026-11-01',
      '"evil.example",,white,,"two',
      'lines"',
      'http://bad.test/a,url,amber+strict,30d,,',
      ',,,,,',
    ].join('\n');
    const res = await service.import(actor, csv, { format: 'csv', source: 'case-42' });
    expect(res).toMatchObject({ imported: true, lines: 3, added: 3, errors: [] });
    expect(res.ignoredColumns).toEqual(['first_seen']);
    const { indicators } = await service.list({ limit: 10 });
    const byValue = Object.fromEntries(indicators.map((i) => [i.value, i]));
    expect(byValue['203.0.113.7']).toMatchObject({
      tlp: 'red',
      expiresAt: '2027-03-31T00:00:00.000Z',
      description: 'C2, seen by "fw-core-1"',
      source: 'case-42',
    });
    expect(byValue['evil.example']).toMatchObject({ tlp: 'clear', description: 'two\nlines' });
    expect(byValue['http://bad.test/a']).toMatchObject({
      tlp: 'amber+strict',
      expiresAt: '2026-12-25T10:00:00.000Z',
    });
  });

  it('a dry run lists every bad line with its number and reason, and imports nothing', async () => {
    await service.add(actor, [{ value: 'known.example' }]);
    const csv = [
      'value,type,tlp,expires',
      '203.0.113.7,ip,,',
      '999.0.0.1,ip,,',
      'known.example,,,',
      'x.example,domain,purple,',
      'y.example,mutex,,',
      '"unterminated,domain,,',
    ].join('\n');
    const res = await service.import(actor, csv, {
      format: 'csv',
      source: 'feed',
      dryRun: true,
    });
    expect(res).toMatchObject({
      dryRun: true,
      imported: false,
      valid: 2,
      added: 1,
      updated: 1,
      errorCount: 4,
    });
    expect(res.errors.map((e) => [e.line, e.field, e.value])).toEqual([
      [3, 'value', '999.0.0.1'],
      [5, 'tlp', 'x.example'],
      [6, 'type', 'y.example'],
      [7, 'csv', null],
    ]);
    expect(res.errors[0]!.reason).toMatch(/is not an IPv4 or IPv6 address/);
    expect(res.errors[1]!.reason).toMatch(/'purple' is not a TLP/);
    expect(res.errors[2]!.reason).toMatch(/'mutex' is not a type/);
    expect(res.errors[3]!.reason).toMatch(/quoted field is not closed/);
    expect((await service.list({ limit: 10 })).indicators.map((i) => i.value)).toEqual([
      'known.example',
    ]);
    expect(await auditRows('indicator.import')).toEqual([]);
  });

  it('is all or nothing: one bad line and nothing is imported, every bad line named', async () => {
    const text = ['203.0.113.7', 'evil.example', 'not a value', '10.0.0.0/40', 'ok.example'].join(
      '\n',
    );
    const err = await failure(service.import(actor, text, { format: 'text', source: 'feed' }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(
      /^2 of 5 line\(s\) are bad, so nothing was imported \(an import is all or nothing\): line 3: one value per line/,
    );
    expect(err.message).toContain('line 4: the prefix length');
    const details = err.details as { errors: { line: number }[]; imported: boolean };
    expect(details.imported).toBe(false);
    expect(details.errors.map((e) => e.line)).toEqual([3, 4]);
    expect((await service.list({ limit: 10 })).indicators).toEqual([]);
  });

  it('refuses a CSV without a value column, and bad import-wide options', async () => {
    await expect(
      service.import(actor, 'ip,comment\n1.2.3.4,x', { format: 'csv', source: 'f' }),
    ).rejects.toThrow(/must name a 'value' column; it has: ip, comment/);
    await expect(
      service.import(actor, '1.2.3.4', { format: 'text', source: 'f', expiresAt: '2001-01-01' }),
    ).rejects.toThrow(/expiresAt: '2001-01-01' is in the past/);
    await expect(
      service.import(actor, '# only comments\n', { format: 'text', source: 'f' }),
    ).rejects.toThrow(/holds no indicators/);
    const typed = await service.import(actor, 'evil.example\n1.2.3.4', {
      format: 'text',
      source: 'f',
      type: 'domain',
      dryRun: true,
    });
    expect(typed.errors.map((e) => [e.line, e.reason])).toEqual([
      [2, "'1.2.3.4' looks like an address, not a domain name; use type ip (type domain)"],
    ]);
  });
});

describe('IndicatorService matcher, expiry, delete, list', () => {
  it('keeps a current matcher once refreshed: changes show at once, expired ones drop out', async () => {
    await service.add(actor, [{ value: '203.0.113.7', expiresAt: '1h' }]);
    expect(service.matcher().size).toBe(0); // nothing built until the first refresh
    const m = await service.refresh();
    expect(m.match(sample({ 'source.ip': '203.0.113.7' }))).toHaveLength(1);
    expect(await service.refresh()).toBe(m); // nothing changed: not rebuilt

    await service.add(actor, [{ value: 'evil.example' }]);
    expect(service.matcher()).not.toBe(m);
    expect(service.matcher().match(sample({ query: 'a.evil.example' }))).toHaveLength(1);

    clock.advance(60 * 60 * 1000);
    await service.refresh();
    expect(service.matcher().match(sample({ 'source.ip': '203.0.113.7' }))).toEqual([]);
    expect(service.matcher().size).toBe(1);
  });

  it('deletes an indicator: it stops matching, the deletion is audited, an unknown id is 404', async () => {
    const { indicators } = await service.add(actor, [{ value: '198.51.100.0/24' }]);
    await service.refresh();
    const id = indicators[0]!.id;
    expect(service.matcher().match(sample({}, '198.51.100.20'))).toHaveLength(1);
    const gone = await service.delete(actor, id);
    expect(gone.value).toBe('198.51.100.0/24');
    expect(service.matcher().match(sample({}, '198.51.100.20'))).toEqual([]);
    const [audit] = await auditRows('indicator.delete');
    expect(audit).toMatchObject({ target: 'indicator:cidr:198.51.100.0/24', actorName: 'asha' });
    expect(audit!.details).toMatchObject({ id, type: 'cidr', source: 'manual' });
    await expect(service.delete(actor, id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists with filters and pages by cursor', async () => {
    await service.add(actor, [
      { value: '203.0.113.1', source: 'a' },
      { value: '203.0.113.2', source: 'a', expiresAt: '1h' },
      { value: 'evil.example', source: 'b' },
      { value: 'bad.test', source: 'b' },
    ]);
    clock.advance(2 * 60 * 60 * 1000);
    const values = async (q: Parameters<IndicatorService['list']>[0]) =>
      (await service.list(q)).indicators.map((i) => i.value).sort();
    expect(await values({ limit: 10, type: 'ip' })).toEqual(['203.0.113.1', '203.0.113.2']);
    expect(await values({ limit: 10, source: 'b' })).toEqual(['bad.test', 'evil.example']);
    expect(await values({ limit: 10, q: '113.2' })).toEqual(['203.0.113.2']);
    expect(await values({ limit: 10, active: true })).toEqual([
      '203.0.113.1',
      'bad.test',
      'evil.example',
    ]);
    expect(await values({ limit: 10, active: false })).toEqual(['203.0.113.2']);

    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await service.list({ limit: 3, cursor });
      seen.push(...page.indicators.map((i) => i.value));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen.sort()).toEqual(['203.0.113.1', '203.0.113.2', 'bad.test', 'evil.example']);
  });

  it('records hits', async () => {
    const { indicators } = await service.add(actor, [{ value: '203.0.113.1' }]);
    const id = indicators[0]!.id;
    await service.recordHits(new Map([[id, { count: 3, at: '2026-11-25T10:05:00.000Z' }]]));
    expect(await service.get(id)).toMatchObject({ hits: 3, lastHitAt: '2026-11-25T10:05:00.000Z' });
  });
});
