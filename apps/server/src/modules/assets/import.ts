/**
 * Planning an import of the asset register: reads CSV, JSON or nmap XML, checks every row
 * against the register as it is, and returns the writes (one batch, for one transaction) with
 * every problem named by line and field. Nothing here writes: the service decides whether the
 * batch is applied (never on a dry run, never when any row is bad).
 */
import { randomUUID } from 'node:crypto';
import type {
  AssetAddress,
  AssetBatch,
  AssetEdgeRecord,
  AssetRecord,
  AssetWrite,
  CityServiceWrite,
  EdgeType,
  OpenService,
} from '@prahari/store';
import { readCsv } from '../indicators/csv.js';
import {
  ASSET_SPECS,
  EDGE_SPECS,
  SERVICE_SPECS,
  checkFields,
  snake,
  type AssetFields,
  type EdgeFields,
  type Problem,
  type ServiceFields,
} from './fields.js';
import { NmapFormatError, guessKind, parseNmapXml, type NmapHost } from './nmap.js';
import type { AssetStore } from './service.js';
import {
  assetChanges,
  mergeAsset,
  recordOf,
  redundancyWarnings,
  serviceWrite,
  type UserIndex,
} from './records.js';
import { canonicalIp, checkHostname, checkMac } from './validate.js';

export type ImportFormat = 'csv' | 'json' | 'nmap';
export type ImportRecordKind = 'asset' | 'service' | 'edge' | 'host' | 'file';

export interface AssetImportRequest {
  format: ImportFormat;
  text: string;
  /** check everything and report what would change; change nothing */
  dryRun?: boolean | undefined;
}

export interface ImportProblem {
  /** 1-based line of the row (CSV), of the item's start (JSON) or of the host element (nmap) */
  line: number;
  record: ImportRecordKind;
  /** the CSV column (or JSON field) at fault */
  field: string;
  value: string | null;
  reason: string;
}

export interface Counts {
  added: number;
  updated: number;
}

export interface AssetImportResult {
  format: ImportFormat;
  dryRun: boolean;
  /** true once written: never on a dry run or when any row is bad */
  imported: boolean;
  /** rows read (CSV data rows, JSON items, nmap hosts) */
  rows: number;
  assets: Counts;
  services: Counts;
  edges: Counts;
  /** nmap hosts that were not up (not imported) */
  hostsDown: number;
  errors: ImportProblem[];
  errorCount: number;
  /** CSV columns that were not understood, and so not read */
  ignoredColumns: string[];
  /** allowed but worth a look (redundancy groups smaller than k, hostnames skipped …) */
  warnings: string[];
}

interface Row {
  line: number;
  record: 'asset' | 'service' | 'edge';
  input: Record<string, unknown>;
}

interface Parsed {
  rows: Row[];
  errors: ImportProblem[];
  ignoredColumns: string[];
}

const MAX_LISTED = 1000;

// ---- CSV ----

/** CSV column (lower case, `_` for spaces) → field, for each kind of table. */
const ASSET_COLUMNS: Record<string, keyof AssetFields> = {
  name: 'name',
  kind: 'kind',
  type: 'kind',
  zone: 'zone',
  department: 'department',
  dept: 'department',
  owner: 'owner',
  criticality: 'criticality',
  description: 'description',
  vendor: 'vendor',
  product: 'product',
  model: 'product',
  version: 'version',
  firmware: 'version',
  cpe: 'cpe',
  ward: 'ward',
  site: 'site',
  location: 'site',
  latitude: 'latitude',
  lat: 'latitude',
  longitude: 'longitude',
  lon: 'longitude',
  lng: 'longitude',
  long: 'longitude',
  tags: 'tags',
  tag: 'tags',
  ips: 'ips',
  ip: 'ips',
  ip_address: 'ips',
  ip_addresses: 'ips',
  macs: 'macs',
  mac: 'macs',
  mac_address: 'macs',
  hostnames: 'hostnames',
  hostname: 'hostnames',
  host: 'hostnames',
  host_name: 'hostnames',
  fqdn: 'hostnames',
  personal_data: 'personalData',
  dpdp: 'personalData',
  personal: 'personalData',
  internet_exposed: 'internetExposed',
  internet_exposure: 'internetExposed',
  internet_facing: 'internetExposed',
  exposed: 'internetExposed',
  status: 'status',
};

const SERVICE_COLUMNS: Record<string, keyof ServiceFields> = {
  name: 'name',
  service: 'name',
  description: 'description',
  citizen_impact: 'citizenImpact',
  impact: 'citizenImpact',
  population_served: 'populationServed',
  population: 'populationServed',
  mtd_minutes: 'mtdMinutes',
  mtd: 'mtdMinutes',
  max_tolerable_downtime: 'mtdMinutes',
  maximum_tolerable_downtime: 'mtdMinutes',
  department: 'department',
  dept: 'department',
  owner: 'owner',
};

const EDGE_COLUMNS: Record<string, keyof EdgeFields> = {
  from: 'from',
  to: 'to',
  type: 'type',
  relation: 'type',
  time_to_impact: 'timeToImpactMinutes',
  time_to_impact_minutes: 'timeToImpactMinutes',
  tti: 'timeToImpactMinutes',
  redundancy: 'redundancy',
  redundancy_group: 'redundancyGroup',
  group: 'redundancyGroup',
  redundancy_k: 'redundancyK',
  k: 'redundancyK',
  note: 'note',
};

const COLUMNS = { asset: ASSET_COLUMNS, service: SERVICE_COLUMNS, edge: EDGE_COLUMNS };

/** The CSV column names each table reads (for documentation and errors). */
export const CSV_TABLE_COLUMNS = {
  asset: [
    'name',
    'kind',
    'zone',
    'department',
    'owner',
    'criticality',
    'ips',
    'macs',
    'hostnames',
    'vendor',
    'product',
    'version',
    'cpe',
    'ward',
    'site',
    'latitude',
    'longitude',
    'tags',
    'personal_data',
    'internet_exposed',
    'status',
    'description',
  ],
  service: [
    'name',
    'citizen_impact',
    'population_served',
    'mtd_minutes',
    'department',
    'owner',
    'description',
  ],
  edge: ['from', 'to', 'type', 'time_to_impact', 'redundancy', 'note'],
} as const;

const SECTION = /^\[\s*(assets|services|edges)\s*\]$/i;
const SECTION_KIND = { assets: 'asset', services: 'service', edges: 'edge' } as const;

function columnName(header: string): string {
  return header
    .replace(/\(.*\)/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/**
 * One or more tables. A table starts with a header row; its kind is the `[assets]`,
 * `[services]` or `[edges]` line before it, or, without one, read from the header: `from` and
 * `to` make edges, `citizen_impact` makes services, anything else assets.
 */
function parseCsv(text: string): Parsed {
  const { records, problems } = readCsv(text);
  const errors: ImportProblem[] = problems.map((p) => ({
    line: p.line,
    record: 'file',
    field: 'csv',
    value: null,
    reason: p.reason,
  }));
  const rows: Row[] = [];
  const ignored = new Set<string>();
  let section: 'asset' | 'service' | 'edge' | undefined;
  let header: { kind: 'asset' | 'service' | 'edge'; fields: (string | undefined)[] } | undefined;
  for (const r of records) {
    const cells = r.cells.map((c) => c.trim());
    if (cells.every((c) => c === '') || cells[0]!.startsWith('#')) continue;
    const marker = SECTION.exec(cells[0]!);
    if (marker && cells.slice(1).every((c) => c === '')) {
      section = SECTION_KIND[marker[1]!.toLowerCase() as keyof typeof SECTION_KIND];
      header = undefined;
      continue;
    }
    if (!header) {
      const names = cells.map(columnName);
      const kind =
        section ??
        (names.includes('from') && names.includes('to')
          ? 'edge'
          : names.includes('citizen_impact')
            ? 'service'
            : 'asset');
      const map = COLUMNS[kind] as Record<string, string>;
      const fields = names.map((n) => map[n]);
      fields.forEach((f, i) => {
        if (f === undefined && cells[i] !== '') ignored.add(cells[i]!);
      });
      header = { kind, fields };
      continue;
    }
    if (cells.length > header.fields.length) {
      errors.push({
        line: r.line,
        record: header.kind,
        field: 'csv',
        value: null,
        reason: `${cells.length} fields where the header names ${header.fields.length}; quote values that hold a comma`,
      });
      continue;
    }
    const input: Record<string, unknown> = {};
    header.fields.forEach((f, i) => {
      const v = cells[i];
      if (f !== undefined && v !== undefined && v !== '') input[f] = v;
    });
    rows.push({ line: r.line, record: header.kind, input });
  }
  return { rows, errors, ignoredColumns: [...ignored] };
}

// ---- JSON ----

/** The 1-based start line of every element of every array, by the array's path (`''`, `assets`). */
function elementLines(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  type Frame = { array: boolean; path: string; key: string | undefined; expectKey: boolean };
  const stack: Frame[] = [];
  let line = 1;
  const record = () => {
    const top = stack.at(-1);
    if (top?.array) {
      const list = out.get(top.path);
      if (list) list.push(line);
      else out.set(top.path, [line]);
    }
  };
  const childPath = () => {
    const top = stack.at(-1);
    if (!top) return '';
    return top.array
      ? `${top.path}[]`
      : top.path
        ? `${top.path}.${top.key ?? ''}`
        : (top.key ?? '');
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') j++;
        else s += text[j];
        j++;
      }
      const top = stack.at(-1);
      if (top && !top.array && top.expectKey) {
        top.key = s;
        top.expectKey = false;
      } else record();
      i = j;
    } else if (c === '{' || c === '[') {
      record();
      stack.push({ array: c === '[', path: childPath(), key: undefined, expectKey: c === '{' });
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack.at(-1);
      if (top && !top.array) top.expectKey = true;
    } else if (c !== ':' && c !== ' ' && c !== '\t' && c !== '\r') {
      record();
      while (i + 1 < text.length && !',]}\n \t\r'.includes(text[i + 1]!)) i++;
    }
  }
  return out;
}

/**
 * Where JSON text first goes wrong, as a 1-based line: Node's JSON.parse does not always say (it
 * quotes the text around the fault instead), so a small syntax walk finds it.
 */
export function jsonErrorLine(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new Error('not JSON');
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          value();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i++;
        else if (text.charCodeAt(i) < 0x20) fail();
        i++;
      }
      if (i >= text.length) fail();
      i++;
    } else {
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
        text.slice(i, i + 400),
      );
      if (!m) fail();
      i += m![0].length;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch {
    // i is where it went wrong
  }
  let line = 1;
  for (let j = 0; j < i && j < text.length; j++) if (text.charCodeAt(j) === 10) line++;
  return line;
}

/** An array of assets, or an object with `assets`, `services` and `edges` arrays. */
function parseJson(text: string): Parsed {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    return {
      rows: [],
      errors: [
        {
          line: jsonErrorLine(text),
          record: 'file',
          field: 'json',
          value: null,
          reason: `not valid JSON: ${message}`,
        },
      ],
      ignoredColumns: [],
    };
  }
  const lines = elementLines(text);
  const rows: Row[] = [];
  const errors: ImportProblem[] = [];
  const take = (items: unknown, path: string, record: Row['record']) => {
    if (items === undefined) return;
    if (!Array.isArray(items)) {
      errors.push({
        line: 1,
        record: 'file',
        field: path,
        value: null,
        reason: `${path} must be an array`,
      });
      return;
    }
    const at = lines.get(path) ?? [];
    items.forEach((item, i) => {
      const line = at[i] ?? 1;
      if (!item || typeof item !== 'object' || Array.isArray(item))
        errors.push({
          line,
          record,
          field: `${path || 'item'}[${i}]`,
          value: null,
          reason: `item ${i} is not an object`,
        });
      else rows.push({ line, record, input: item as Record<string, unknown> });
    });
  };
  if (Array.isArray(doc)) take(doc, '', 'asset');
  else if (doc && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    const unknown = Object.keys(o).filter((k) => !['assets', 'services', 'edges'].includes(k));
    if (unknown.length > 0)
      errors.push({
        line: 1,
        record: 'file',
        field: unknown[0]!,
        value: null,
        reason: `'${unknown.join("', '")}' is not read: give an array of assets, or an object with assets, services and edges arrays`,
      });
    take(o.assets, 'assets', 'asset');
    take(o.services, 'services', 'service');
    take(o.edges, 'edges', 'edge');
  } else
    errors.push({
      line: 1,
      record: 'file',
      field: 'json',
      value: null,
      reason: 'give an array of assets, or an object with assets, services and edges arrays',
    });
  return { rows, errors, ignoredColumns: [] };
}

// ---- planning ----

interface Meta {
  by: string;
  at: string;
}

function emptyResult(request: AssetImportRequest): AssetImportResult {
  return {
    format: request.format,
    dryRun: request.dryRun === true,
    imported: false,
    rows: 0,
    assets: { added: 0, updated: 0 },
    services: { added: 0, updated: 0 },
    edges: { added: 0, updated: 0 },
    hostsDown: 0,
    errors: [],
    errorCount: 0,
    ignoredColumns: [],
    warnings: [],
  };
}

/**
 * Plans an import: the result (counts, errors, warnings) and the batch to write. `audit` is
 * what the audit row records of it (names of what was added and changed, with the changes).
 */
export async function importAssets(
  store: AssetStore,
  users: UserIndex,
  request: AssetImportRequest,
  meta: Meta,
): Promise<{ result: AssetImportResult; batch: AssetBatch; audit: Record<string, unknown> }> {
  const result = emptyResult(request);
  if (request.format === 'nmap') return planNmap(store, request, meta, result);
  if (request.format !== 'csv' && request.format !== 'json') {
    result.errors.push({
      line: 1,
      record: 'file',
      field: 'format',
      value: String(request.format),
      reason: `format '${String(request.format)}' is unknown; use csv, json or nmap`,
    });
    result.errorCount = 1;
    return { result, batch: {}, audit: {} };
  }
  const parsed = request.format === 'csv' ? parseCsv(request.text) : parseJson(request.text);
  result.rows = parsed.rows.length;
  result.ignoredColumns = parsed.ignoredColumns;
  const errors = [...parsed.errors];
  const csv = request.format === 'csv';
  const problem = (row: Row, p: Problem) =>
    errors.push({
      line: row.line,
      record: row.record,
      field: csv ? snake(p.field) : p.field,
      value: p.value,
      reason: p.reason,
    });

  const batch: Required<AssetBatch> = {
    insertAssets: [],
    updateAssets: [],
    insertServices: [],
    updateServices: [],
    insertEdges: [],
    updateEdges: [],
  };
  const audit = {
    assetsAdded: [] as string[],
    assetsUpdated: [] as { name: string; changes: unknown }[],
    servicesAdded: [] as string[],
    servicesUpdated: [] as string[],
  };

  // Assets
  const assetRows = parsed.rows.filter((r) => r.record === 'asset');
  const checked = assetRows.map((row) => {
    const { values, problems } = checkFields<AssetFields>(row.input, ASSET_SPECS, {
      skipReadOnly: !csv,
    });
    return { row, values, problems };
  });
  const names = checked.flatMap((c) => (c.values.name ? [c.values.name] : []));
  const existingByName = new Map((await store.assets.getByNames(names)).map((a) => [a.name, a]));
  const nameless = checked.filter((c) => !c.values.name).flatMap((c) => c.values.ips ?? []);
  const byIp = new Map<string, string>();
  for (const hit of await store.assets.findByAddresses('ip', nameless))
    if (hit.status !== 'retired') byIp.set(hit.value, hit.assetId);
  const ipMatched = new Map(
    (await store.assets.getMany([...new Set(byIp.values())])).map((a) => [a.id, a]),
  );
  const existingIds = [...existingByName.values(), ...ipMatched.values()].map((a) => a.id);
  const labels = await store.assets.addresses(existingIds);

  const planned = new Map<string, { line: number; write: AssetWrite; existing?: AssetRecord }>();
  const plannedById = new Map<string, AssetWrite>();
  for (const { row, values, problems } of checked) {
    let ownerId: string | null | undefined;
    if (values.owner === null) ownerId = null;
    else if (values.owner !== undefined) {
      const r = users.resolve(values.owner);
      if (r.ok) ownerId = r.user.id;
      else problems.push({ field: 'owner', value: values.owner, reason: r.reason });
    }
    for (const p of problems) problem(row, p);
    if (problems.length > 0) continue;
    let existing: AssetRecord | undefined;
    const fields = { ...values };
    if (values.name) existing = existingByName.get(values.name);
    else if (values.ips?.length) {
      const ids = [...new Set(values.ips.map((ip) => byIp.get(ip)).filter((x) => x !== undefined))];
      if (ids.length > 1) {
        problem(row, {
          field: 'ips',
          value: values.ips.join(' '),
          reason: `these addresses belong to ${ids.length} different assets; give the name of the one this row is`,
        });
        continue;
      }
      existing = ids[0] === undefined ? undefined : ipMatched.get(ids[0]);
      fields.name = existing?.name ?? values.hostnames?.[0] ?? values.ips[0]!;
    } else {
      problem(row, {
        field: 'name',
        value: null,
        reason: 'a name is required (or IP addresses, to update the asset that has them)',
      });
      continue;
    }
    const key = existing?.id ?? `name:${fields.name}`;
    const earlier = planned.get(key) ?? planned.get(`name:${fields.name}`);
    if (earlier) {
      problem(row, {
        field: 'name',
        value: fields.name ?? null,
        reason: `the asset '${fields.name}' is also on line ${earlier.line}`,
      });
      continue;
    }
    const { write, problems: merged } = mergeAsset(
      existing && { record: existing, addresses: labels.get(existing.id) ?? [] },
      fields,
      ownerId,
      { id: existing?.id ?? randomUUID(), by: meta.by, at: meta.at, source: 'import' },
    );
    // The register confirms what it lists: a discovered (or retired) asset it names is active.
    if (existing && existing.status !== 'active' && values.status === undefined)
      write.status = 'active';
    if (merged.length > 0) {
      for (const p of merged) problem(row, p);
      continue;
    }
    planned.set(existing?.id ?? `name:${write.name}`, {
      line: row.line,
      write,
      ...(existing && { existing }),
    });
    plannedById.set(write.id, write);
  }

  // Addresses: unique among assets that are not retired, in the file and in the register.
  const claimed = new Map<string, { name: string; line: number }>();
  const allAddresses: AssetAddress[] = [];
  for (const { line, write } of planned.values()) {
    if (write.status === 'retired') continue;
    for (const a of write.addresses) {
      const k = `${a.type}|${a.value}`;
      const other = claimed.get(k);
      if (other && other.name !== write.name)
        errors.push({
          line,
          record: 'asset',
          field: csv ? `${a.type}s` : `${a.type}s`,
          value: a.value,
          reason: `${a.value} is also given to '${other.name}' on line ${other.line}`,
        });
      else claimed.set(k, { name: write.name, line });
      allAddresses.push(a);
    }
  }
  for (const type of ['ip', 'mac', 'hostname'] as const) {
    const values = allAddresses.filter((a) => a.type === type).map((a) => a.value);
    for (const hit of await store.assets.findByAddresses(type, values)) {
      if (hit.status === 'retired') continue;
      const holder = claimed.get(`${type}|${hit.value}`);
      if (!holder) continue;
      const mine = planned.get(hit.assetId);
      if (mine && mine.write.name === holder.name) continue;
      // the asset that holds it gives it up in this same import
      if (mine && !mine.write.addresses.some((a) => a.type === type && a.value === hit.value))
        continue;
      errors.push({
        line: holder.line,
        record: 'asset',
        field: `${type}s`,
        value: hit.value,
        reason: `${hit.value} already belongs to asset '${hit.assetName}'`,
      });
    }
  }
  for (const { write, existing } of planned.values()) {
    if (existing) {
      const changes = assetChanges(existing, recordOf(write, users.name(write.ownerId)));
      if (Object.keys(changes).length === 0) continue;
      const { id: _id, createdAt: _c, createdBy: _cb, ...patch } = write;
      batch.updateAssets.push({ id: existing.id, patch });
      audit.assetsUpdated.push({ name: existing.name, changes });
      result.assets.updated++;
    } else {
      batch.insertAssets.push(write);
      audit.assetsAdded.push(write.name);
      result.assets.added++;
    }
  }

  // City services
  const serviceRows = parsed.rows.filter((r) => r.record === 'service');
  const serviceChecked = serviceRows.map((row) => ({
    row,
    ...checkFields<ServiceFields>(row.input, SERVICE_SPECS, { skipReadOnly: !csv }),
  }));
  const existingServices = new Map(
    (
      await store.cityServices.getByNames(
        serviceChecked.flatMap((c) => (c.values.name ? [c.values.name] : [])),
      )
    ).map((s) => [s.name, s]),
  );
  const plannedServices = new Map<string, { line: number; write: CityServiceWrite }>();
  for (const { row, values, problems } of serviceChecked) {
    for (const p of problems) problem(row, p);
    if (problems.length > 0) continue;
    if (!values.name) {
      problem(row, { field: 'name', value: null, reason: 'a name is required' });
      continue;
    }
    const earlier = plannedServices.get(values.name);
    if (earlier) {
      problem(row, {
        field: 'name',
        value: values.name,
        reason: `the city service '${values.name}' is also on line ${earlier.line}`,
      });
      continue;
    }
    const existing = existingServices.get(values.name);
    if (!existing && values.citizenImpact === undefined) {
      problem(row, {
        field: 'citizenImpact',
        value: null,
        reason: 'the citizen impact (1–5) is required for a new city service',
      });
      continue;
    }
    let ownerId: string | null | undefined;
    if (values.owner === null) ownerId = null;
    else if (values.owner !== undefined) {
      const r = users.resolve(values.owner);
      if (!r.ok) {
        problem(row, { field: 'owner', value: values.owner, reason: r.reason });
        continue;
      }
      ownerId = r.user.id;
    }
    const write = serviceWrite(existing, values, ownerId, {
      id: existing?.id ?? randomUUID(),
      by: meta.by,
      at: meta.at,
    });
    plannedServices.set(values.name, { line: row.line, write });
    if (existing) {
      const { id: _id, createdAt: _c, createdBy: _cb, ...patch } = write;
      const same = (Object.keys(patch) as (keyof typeof patch)[]).every(
        (k) => k === 'updatedAt' || k === 'updatedBy' || patch[k] === existing[k],
      );
      if (same) continue;
      batch.updateServices.push({ id: existing.id, patch });
      audit.servicesUpdated.push(existing.name);
      result.services.updated++;
    } else {
      batch.insertServices.push(write);
      audit.servicesAdded.push(write.name);
      result.services.added++;
    }
  }

  // Edges
  const edgeRows = parsed.rows.filter((r) => r.record === 'edge');
  const edgeChecked = edgeRows.map((row) => ({
    row,
    ...checkFields<EdgeFields>(row.input, EDGE_SPECS, { skipReadOnly: !csv }),
  }));
  const refs = edgeChecked
    .flatMap((c) => [c.values.from, c.values.to])
    .filter((x) => x !== undefined);
  const assetByRef = new Map<string, { id: string; name: string; retired: boolean }>();
  for (const a of [
    ...(await store.assets.getByNames(refs)),
    ...(await store.assets.getMany(refs)),
  ]) {
    const v = { id: a.id, name: a.name, retired: a.status === 'retired' };
    assetByRef.set(a.name, v);
    assetByRef.set(a.id, v);
  }
  for (const { write } of planned.values()) {
    const v = { id: write.id, name: write.name, retired: write.status === 'retired' };
    assetByRef.set(write.name, v);
    assetByRef.set(write.id, v);
  }
  const serviceByRef = new Map<string, { id: string; name: string }>();
  for (const s of [
    ...(await store.cityServices.getByNames(refs)),
    ...(await store.cityServices.getMany(refs)),
  ]) {
    serviceByRef.set(s.name, { id: s.id, name: s.name });
    serviceByRef.set(s.id, { id: s.id, name: s.name });
  }
  for (const { write } of plannedServices.values())
    serviceByRef.set(write.name, { id: write.id, name: write.name });

  const fromIds = new Set<string>();
  for (const { values } of edgeChecked) {
    const a = values.from !== undefined ? assetByRef.get(values.from) : undefined;
    if (a) fromIds.add(a.id);
  }
  const existingEdges = new Map<string, AssetEdgeRecord>();
  const touched = await store.assetEdges.touching([...fromIds]);
  for (const e of touched) existingEdges.set(`${e.fromId}|${e.toId}|${e.type}`, e);
  const plannedEdges = new Map<
    string,
    { line: number; edge: AssetEdgeRecord; dependentName: string }
  >();
  for (const { row, values, problems } of edgeChecked) {
    for (const field of ['from', 'to', 'type'] as const)
      if (values[field] === undefined && !problems.some((p) => p.field === field))
        problems.push({ field, value: null, reason: `${field} is required` });
    if (
      values.redundancy !== undefined &&
      (values.redundancyGroup !== undefined || values.redundancyK !== undefined)
    )
      problems.push({
        field: 'redundancy',
        value: null,
        reason: 'give redundancy as GROUP:K or as redundancy_group and redundancy_k, not both',
      });
    for (const p of problems) problem(row, p);
    if (problems.length > 0) continue;
    const type = values.type as EdgeType;
    const from = assetByRef.get(values.from!);
    const to = type === 'supports' ? serviceByRef.get(values.to!) : assetByRef.get(values.to!);
    const bad: Problem[] = [];
    if (!from)
      bad.push({
        field: 'from',
        value: values.from!,
        reason: `there is no asset '${values.from}' in the register or in this import`,
      });
    else if (from.retired)
      bad.push({
        field: 'from',
        value: values.from!,
        reason: `the asset '${from.name}' is retired`,
      });
    if (!to)
      bad.push({
        field: 'to',
        value: values.to!,
        reason:
          type === 'supports'
            ? `there is no city service '${values.to}' in the register or in this import (supports goes from an asset to a city service)`
            : `there is no asset '${values.to}' in the register or in this import`,
      });
    else if ('retired' in to && to.retired)
      bad.push({ field: 'to', value: values.to!, reason: `the asset '${to.name}' is retired` });
    if (from && to && from.id === to.id)
      bad.push({ field: 'to', value: values.to!, reason: 'an asset cannot depend on itself' });
    const group = values.redundancy?.group ?? values.redundancyGroup ?? null;
    let k = values.redundancy?.k ?? values.redundancyK ?? null;
    if (group === null && k !== null)
      bad.push({
        field: 'redundancyK',
        value: String(k),
        reason: 'k needs a redundancy group: the edges of one dependent that back each other up',
      });
    if (group !== null && k === null) k = 1;
    if (bad.length > 0) {
      for (const p of bad) problem(row, p);
      continue;
    }
    const key = `${from!.id}|${to!.id}|${type}`;
    const earlier = plannedEdges.get(key);
    if (earlier) {
      problem(row, {
        field: 'to',
        value: values.to!,
        reason: `'${from!.name}' ${type} '${to!.name}' is also on line ${earlier.line}`,
      });
      continue;
    }
    const existing = existingEdges.get(key);
    const edge: AssetEdgeRecord = {
      id: existing?.id ?? randomUUID(),
      fromId: from!.id,
      toId: to!.id,
      type,
      timeToImpactMinutes:
        values.timeToImpactMinutes !== undefined
          ? values.timeToImpactMinutes
          : (existing?.timeToImpactMinutes ?? null),
      redundancyGroup:
        values.redundancy !== undefined || values.redundancyGroup !== undefined
          ? group
          : (existing?.redundancyGroup ?? null),
      redundancyK:
        values.redundancy !== undefined ||
        values.redundancyGroup !== undefined ||
        values.redundancyK !== undefined
          ? k
          : (existing?.redundancyK ?? null),
      note: values.note !== undefined ? values.note : (existing?.note ?? null),
      createdBy: existing?.createdBy ?? meta.by,
      createdAt: existing?.createdAt ?? meta.at,
      updatedBy: meta.by,
      updatedAt: meta.at,
    };
    plannedEdges.set(key, {
      line: row.line,
      edge,
      dependentName: type === 'supports' ? to!.name : from!.name,
    });
    if (existing) {
      const same =
        existing.timeToImpactMinutes === edge.timeToImpactMinutes &&
        existing.redundancyGroup === edge.redundancyGroup &&
        existing.redundancyK === edge.redundancyK &&
        existing.note === edge.note;
      if (same) continue;
      batch.updateEdges.push({
        id: existing.id,
        patch: {
          timeToImpactMinutes: edge.timeToImpactMinutes,
          redundancyGroup: edge.redundancyGroup,
          redundancyK: edge.redundancyK,
          note: edge.note,
          updatedBy: meta.by,
          updatedAt: meta.at,
        },
      });
      result.edges.updated++;
    } else {
      batch.insertEdges.push(edge);
      result.edges.added++;
    }
  }

  // Redundancy groups as they will be, over the register's edges and this import's.
  const dependents = new Map<string, { name: string; group: string }>();
  for (const { edge, dependentName } of plannedEdges.values())
    if (edge.redundancyGroup !== null)
      dependents.set(
        `${edge.type === 'supports' ? edge.toId : edge.fromId}|${edge.redundancyGroup}`,
        {
          name: dependentName,
          group: edge.redundancyGroup,
        },
      );
  if (dependents.size > 0) {
    const ids = [...dependents.keys()].map((k) => k.split('|')[0]!);
    const all = new Map((await store.assetEdges.touching(ids)).map((e) => [e.id, e]));
    for (const { edge } of plannedEdges.values()) all.set(edge.id, edge);
    for (const [key, { name, group }] of dependents) {
      const dependent = key.split('|')[0]!;
      const members = [...all.values()].filter(
        (e) =>
          e.redundancyGroup === group && (e.type === 'supports' ? e.toId : e.fromId) === dependent,
      );
      result.warnings.push(...redundancyWarnings(name, group, members));
    }
  }

  errors.sort((a, b) => a.line - b.line);
  result.errorCount = errors.length;
  result.errors = errors.slice(0, MAX_LISTED);
  return {
    result,
    batch,
    audit: {
      assetsAdded: audit.assetsAdded.slice(0, 50),
      assetsUpdated: audit.assetsUpdated.slice(0, 50),
      servicesAdded: audit.servicesAdded.slice(0, 50),
      servicesUpdated: audit.servicesUpdated.slice(0, 50),
      edgesAdded: result.edges.added,
      edgesUpdated: result.edges.updated,
    },
  };
}

// ---- nmap ----

/** Open ports replace what the asset knew of the same ports; closed ones are dropped. */
export function mergeServices(
  known: readonly OpenService[],
  host: NmapHost,
  seenAt: string,
): OpenService[] {
  const key = (protocol: string, port: number) => `${protocol}/${port}`;
  const merged = new Map(known.map((s) => [key(s.protocol, s.port), s]));
  for (const p of host.ports) {
    const k = key(p.protocol, p.port);
    if (p.state.startsWith('open'))
      merged.set(k, {
        protocol: p.protocol,
        port: p.port,
        state: p.state,
        service: p.service,
        product: p.product,
        version: p.version,
        extraInfo: p.extraInfo,
        cpe: p.cpe,
        seenAt,
      });
    else merged.delete(k);
  }
  return [...merged.values()].sort(
    (a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol),
  );
}

async function planNmap(
  store: AssetStore,
  request: AssetImportRequest,
  meta: Meta,
  result: AssetImportResult,
): Promise<{ result: AssetImportResult; batch: AssetBatch; audit: Record<string, unknown> }> {
  let hosts: NmapHost[];
  try {
    hosts = parseNmapXml(request.text).hosts;
  } catch (err) {
    if (!(err instanceof NmapFormatError)) throw err;
    result.errors = [
      { line: err.line, record: 'file', field: 'xml', value: null, reason: err.message },
    ];
    result.errorCount = 1;
    return { result, batch: {}, audit: {} };
  }
  result.rows = hosts.length;
  const errors: ImportProblem[] = [];
  const up: { host: NmapHost; ip: string | null; mac: string | null; hostnames: string[] }[] = [];
  for (const host of hosts) {
    if (host.state !== 'up') {
      result.hostsDown++;
      continue;
    }
    const ip = canonicalIp(host.ipv4 ?? host.ipv6 ?? '') ?? null;
    const macChecked = host.mac ? checkMac(host.mac) : undefined;
    const mac = macChecked?.ok ? macChecked.value : null;
    if (ip === null && mac === null) {
      errors.push({
        line: host.line,
        record: 'host',
        field: 'address',
        value: host.ipv4 ?? host.ipv6 ?? host.mac,
        reason: 'the host has no IP or MAC address nmap could name',
      });
      continue;
    }
    const hostnames: string[] = [];
    for (const h of host.hostnames) {
      const c = checkHostname(h);
      if (c.ok) hostnames.push(c.value);
      else result.warnings.push(`line ${host.line}: hostname skipped: ${c.reason}`);
    }
    up.push({ host, ip, mac, hostnames });
  }
  const holders = new Map<string, { assetId: string; assetName: string }>();
  for (const type of ['ip', 'mac', 'hostname'] as const) {
    const values = up.flatMap((h) =>
      type === 'ip' ? (h.ip ? [h.ip] : []) : type === 'mac' ? (h.mac ? [h.mac] : []) : h.hostnames,
    );
    for (const hit of await store.assets.findByAddresses(type, values))
      if (hit.status !== 'retired') holders.set(`${type}|${hit.value}`, hit);
  }
  const matchedIds = up.flatMap((h) => {
    const id =
      (h.ip && holders.get(`ip|${h.ip}`)?.assetId) ||
      (h.mac && holders.get(`mac|${h.mac}`)?.assetId);
    return id ? [id] : [];
  });
  const existing = new Map((await store.assets.getMany(matchedIds)).map((a) => [a.id, a]));
  const labels = await store.assets.addresses(matchedIds);
  const writes = new Map<string, { write: AssetWrite; existing?: AssetRecord }>();
  const takenNames = new Set<string>();
  const newNames = up
    .filter((h) => !((h.ip && holders.has(`ip|${h.ip}`)) || (h.mac && holders.has(`mac|${h.mac}`))))
    .flatMap((h) => [h.hostnames[0] ?? h.ip ?? h.mac!, ...(h.ip ? [h.ip] : [])]);
  for (const a of await store.assets.getByNames(newNames)) takenNames.add(a.name);

  for (const { host, ip, mac, hostnames } of up) {
    const seenAt = host.seenAt ?? meta.at;
    const matchId =
      (ip && holders.get(`ip|${ip}`)?.assetId) ||
      (mac && holders.get(`mac|${mac}`)?.assetId) ||
      undefined;
    const planned = matchId
      ? writes.get(matchId)
      : ip
        ? writes.get(`ip:${ip}`)
        : writes.get(`mac:${mac}`);
    const base = planned?.write;
    const prior = matchId ? existing.get(matchId) : undefined;
    const addresses: AssetAddress[] = base
      ? [...base.addresses]
      : prior
        ? [...(labels.get(prior.id) ?? [])]
        : [];
    const add = (type: AssetAddress['type'], value: string, label: string | null) => {
      const at = addresses.find((a) => a.type === type && a.value === value);
      if (at) {
        if (label !== null) at.label = label;
        return;
      }
      const holder = holders.get(`${type}|${value}`);
      const selfId = matchId ?? base?.id;
      if (holder && holder.assetId !== selfId) {
        result.warnings.push(
          `line ${host.line}: ${type} ${value} belongs to asset '${holder.assetName}'; not added to ${ip ?? mac}`,
        );
        return;
      }
      addresses.push({ type, value, label });
    };
    if (ip) add('ip', ip, null);
    if (mac) add('mac', mac, host.macVendor);
    for (const h of hostnames) add('hostname', h, null);
    const from = base ?? (prior && { ...prior, addresses: [] });
    const openServices = mergeServices(from?.openServices ?? [], host, seenAt);
    if (from) {
      const write: AssetWrite = {
        ...(base ??
          (() => {
            const { ownerName: _o, ips: _i, macs: _m, hostnames: _h, ...rest } = prior!;
            return { ...rest, addresses: [] };
          })()),
        addresses,
        openServices,
        osGuess: host.osGuess ?? from.osGuess,
        vendor: from.vendor ?? host.macVendor,
        firstSeen: from.firstSeen ?? seenAt,
        lastSeen: from.lastSeen === null || from.lastSeen < seenAt ? seenAt : from.lastSeen,
        updatedBy: meta.by,
        updatedAt: meta.at,
      };
      writes.set(matchId ?? (ip ? `ip:${ip}` : `mac:${mac}`), {
        write,
        ...(prior && { existing: prior }),
      });
      continue;
    }
    let name = hostnames[0] ?? ip ?? mac!;
    if (takenNames.has(name) && ip && name !== ip) name = `${name} (${ip})`;
    for (let n = 2; takenNames.has(name); n++) name = `${hostnames[0] ?? ip ?? mac!} #${n}`;
    takenNames.add(name);
    const write: AssetWrite = {
      id: randomUUID(),
      name,
      kind: guessKind(host.ports, host.macVendor),
      zone: null,
      department: null,
      ownerId: null,
      criticality: null,
      description: null,
      vendor: host.macVendor,
      product: null,
      version: null,
      cpe: null,
      ward: null,
      site: null,
      latitude: null,
      longitude: null,
      tags: [],
      personalData: false,
      internetExposed: false,
      status: 'discovered',
      source: 'nmap',
      osGuess: host.osGuess,
      openServices,
      firstSeen: seenAt,
      lastSeen: seenAt,
      addresses,
      createdBy: meta.by,
      createdAt: meta.at,
      updatedBy: meta.by,
      updatedAt: meta.at,
    };
    writes.set(ip ? `ip:${ip}` : `mac:${mac}`, { write });
  }

  const batch: AssetBatch = { insertAssets: [], updateAssets: [] };
  const added: string[] = [];
  const updated: { name: string; changes: unknown }[] = [];
  for (const { write, existing: prior } of writes.values()) {
    if (prior) {
      const changes = assetChanges(prior, recordOf(write, prior.ownerName));
      const servicesChanged =
        JSON.stringify(prior.openServices) !== JSON.stringify(write.openServices);
      const { id: _id, createdAt: _c, createdBy: _cb, ...patch } = write;
      batch.updateAssets!.push({ id: prior.id, patch });
      updated.push({
        name: prior.name,
        changes: {
          ...changes,
          ...(servicesChanged && {
            openPorts: write.openServices.map((s) => `${s.port}/${s.protocol}`),
          }),
        },
      });
      result.assets.updated++;
    } else {
      batch.insertAssets!.push(write);
      added.push(write.name);
      result.assets.added++;
    }
  }
  result.errorCount = errors.length;
  result.errors = errors.slice(0, MAX_LISTED);
  return {
    result,
    batch,
    audit: { assetsAdded: added.slice(0, 50), assetsUpdated: updated.slice(0, 50) },
  };
}
