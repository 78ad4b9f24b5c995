/**
 * The fields of assets, city services and edges as people give them (API bodies, JSON and CSV
 * imports, CLI flags), each with its check. One table per record kind, so the API, the importer
 * and the CLI read a field the same way and name it the same way in errors.
 */
import type { AssetKind, AssetStatus, AssetZone, EdgeType } from '@prahari/store';
import {
  checkBoolean,
  checkCitizenImpact,
  checkCpe,
  checkCriticality,
  checkEdgeType,
  checkHostname,
  checkInteger,
  checkIp,
  checkKind,
  checkLatitude,
  checkList,
  checkLongitude,
  checkMac,
  checkRedundancy,
  checkTag,
  checkText,
  checkZone,
  type Checked,
} from './validate.js';

/** An asset as given: every field optional (a patch), `null` clears a field that may be empty. */
export interface AssetInput {
  name?: string | undefined;
  kind?: string | undefined;
  zone?: string | null | undefined;
  department?: string | null | undefined;
  /** username or user id */
  owner?: string | null | undefined;
  criticality?: number | string | null | undefined;
  description?: string | null | undefined;
  vendor?: string | null | undefined;
  product?: string | null | undefined;
  version?: string | null | undefined;
  cpe?: string | null | undefined;
  ward?: string | null | undefined;
  site?: string | null | undefined;
  latitude?: number | string | null | undefined;
  longitude?: number | string | null | undefined;
  tags?: string[] | string | undefined;
  ips?: string[] | string | undefined;
  macs?: string[] | string | undefined;
  hostnames?: string[] | string | undefined;
  personalData?: boolean | string | undefined;
  internetExposed?: boolean | string | undefined;
  status?: string | undefined;
}

/** An asset's fields once checked. */
export interface AssetFields {
  name?: string;
  kind?: AssetKind;
  zone?: AssetZone | null;
  department?: string | null;
  owner?: string | null;
  criticality?: number | null;
  description?: string | null;
  vendor?: string | null;
  product?: string | null;
  version?: string | null;
  cpe?: string | null;
  ward?: string | null;
  site?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  tags?: string[];
  ips?: string[];
  macs?: string[];
  hostnames?: string[];
  personalData?: boolean;
  internetExposed?: boolean;
  status?: Exclude<AssetStatus, 'retired'>;
}

export interface ServiceInput {
  name?: string | undefined;
  description?: string | null | undefined;
  citizenImpact?: number | string | undefined;
  populationServed?: number | string | null | undefined;
  mtdMinutes?: number | string | null | undefined;
  department?: string | null | undefined;
  owner?: string | null | undefined;
}

export interface ServiceFields {
  name?: string;
  description?: string | null;
  citizenImpact?: number;
  populationServed?: number | null;
  mtdMinutes?: number | null;
  department?: string | null;
  owner?: string | null;
}

export interface EdgeInput {
  /** asset id or name */
  from?: string | undefined;
  /** asset id or name; a city service's id or name for `supports` */
  to?: string | undefined;
  type?: string | undefined;
  timeToImpactMinutes?: number | string | null | undefined;
  redundancyGroup?: string | null | undefined;
  redundancyK?: number | string | null | undefined;
  /** GROUP:K, the same as redundancyGroup and redundancyK */
  redundancy?: string | null | undefined;
  note?: string | null | undefined;
}

export interface EdgeFields {
  from?: string;
  to?: string;
  type?: EdgeType;
  timeToImpactMinutes?: number | null;
  redundancyGroup?: string | null;
  redundancyK?: number | null;
  redundancy?: { group: string; k: number } | null;
  note?: string | null;
}

export interface Problem {
  field: string;
  value: string | null;
  reason: string;
}

interface Spec {
  check: (v: unknown) => Checked<unknown>;
  nullable: boolean;
}

const text = (max: number, what: string): Spec => ({
  check: (v) => checkText(v, max, what),
  nullable: true,
});
const required = (spec: Spec): Spec => ({ ...spec, nullable: false });

const MINUTES_IN_A_YEAR = 525_600;

export const ASSET_SPECS: Record<keyof AssetFields, Spec> = {
  name: required(text(200, 'the name')),
  kind: { check: checkKind, nullable: false },
  zone: { check: checkZone, nullable: true },
  department: text(100, 'the department'),
  owner: text(100, 'the owner'),
  criticality: { check: checkCriticality, nullable: true },
  description: text(2000, 'the description'),
  vendor: text(200, 'the vendor'),
  product: text(200, 'the product'),
  version: text(100, 'the version'),
  cpe: { check: checkCpe, nullable: true },
  ward: text(100, 'the ward'),
  site: text(200, 'the site'),
  latitude: { check: checkLatitude, nullable: true },
  longitude: { check: checkLongitude, nullable: true },
  tags: { check: (v) => checkList(v, checkTag, 50, 'tags'), nullable: false },
  ips: { check: (v) => checkList(v, checkIp, 64, 'IP addresses'), nullable: false },
  macs: { check: (v) => checkList(v, checkMac, 16, 'MAC addresses'), nullable: false },
  hostnames: { check: (v) => checkList(v, checkHostname, 16, 'hostnames'), nullable: false },
  personalData: { check: checkBoolean, nullable: false },
  internetExposed: { check: checkBoolean, nullable: false },
  status: {
    check: (v) =>
      v === 'active' || v === 'discovered'
        ? { ok: true, value: v }
        : {
            ok: false,
            reason: `'${String(v)}' is not a status you can set; use active or discovered (retire an asset with its own action)`,
          },
    nullable: false,
  },
};

export const SERVICE_SPECS: Record<keyof ServiceFields, Spec> = {
  name: required(text(200, 'the name')),
  description: text(2000, 'the description'),
  citizenImpact: { check: checkCitizenImpact, nullable: false },
  populationServed: {
    check: (v) => checkInteger(v, 0, 2_000_000_000, 'the population served'),
    nullable: true,
  },
  mtdMinutes: {
    check: (v) => checkInteger(v, 0, MINUTES_IN_A_YEAR, 'the maximum tolerable downtime (minutes)'),
    nullable: true,
  },
  department: text(100, 'the department'),
  owner: text(100, 'the owner'),
};

export const EDGE_SPECS: Record<keyof EdgeFields, Spec> = {
  from: required(text(200, 'from')),
  to: required(text(200, 'to')),
  type: { check: checkEdgeType, nullable: false },
  timeToImpactMinutes: {
    check: (v) => checkInteger(v, 0, MINUTES_IN_A_YEAR, 'the time to impact (minutes)'),
    nullable: true,
  },
  redundancyGroup: text(100, 'the redundancy group'),
  redundancyK: { check: (v) => checkInteger(v, 1, 1000, 'k'), nullable: true },
  redundancy: { check: checkRedundancy, nullable: true },
  note: text(1000, 'the note'),
};

/** Fields a record carries when read back (an export); an import passes over them. */
export const READ_ONLY_FIELDS = new Set([
  'id',
  'ownerId',
  'ownerName',
  'source',
  'osGuess',
  'openServices',
  'firstSeen',
  'lastSeen',
  'createdBy',
  'createdAt',
  'updatedBy',
  'updatedAt',
  'fromId',
  'toId',
  'fromName',
  'toName',
]);

function show(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/**
 * Checks every field given against its spec. Unknown fields are problems (a typo must not pass
 * silently); `null` and `''` clear a field that may be empty.
 */
export function checkFields<F extends object>(
  input: Record<string, unknown>,
  specs: Record<keyof F, Spec>,
  options: { skipReadOnly?: boolean } = {},
): { values: F; problems: Problem[] } {
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [field, raw] of Object.entries(input)) {
    if (raw === undefined) continue;
    const spec = (specs as Record<string, Spec>)[field];
    if (!spec) {
      if (options.skipReadOnly && READ_ONLY_FIELDS.has(field)) continue;
      problems.push({ field, value: show(raw), reason: `'${field}' is not a known field` });
      continue;
    }
    if (raw === null || (typeof raw === 'string' && raw.trim() === '' && spec.nullable)) {
      if (spec.nullable) values[field] = null;
      else problems.push({ field, value: null, reason: `${field} cannot be empty` });
      continue;
    }
    const c = spec.check(raw);
    if (c.ok) values[field] = c.value;
    else problems.push({ field, value: show(raw), reason: c.reason });
  }
  return { values: values as F, problems };
}

/** `personalData` → `personal_data`: how a CSV column names a field. */
export function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
