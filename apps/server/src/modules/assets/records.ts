/** Records of the asset register as the service and the importer build, compare and audit them. */
import type {
  AssetAddress,
  AssetEdgeRecord,
  AssetKind,
  AssetRecord,
  AssetWrite,
  AssetZone,
  CityServiceRecord,
  CityServiceWrite,
  UserRow,
} from '@prahari/store';
import type { AssetFields, Problem, ServiceFields } from './fields.js';

/** The fields whose before/after every change records in the audit trail. */
const AUDITED_ASSET_FIELDS = [
  'name',
  'kind',
  'zone',
  'department',
  'ownerId',
  'criticality',
  'description',
  'vendor',
  'product',
  'version',
  'cpe',
  'ward',
  'site',
  'latitude',
  'longitude',
  'tags',
  'personalData',
  'internetExposed',
  'status',
  'ips',
  'macs',
  'hostnames',
  'osGuess',
] as const;

const AUDITED_SERVICE_FIELDS = [
  'name',
  'description',
  'citizenImpact',
  'populationServed',
  'mtdMinutes',
  'department',
  'ownerId',
] as const;

const AUDITED_EDGE_FIELDS = [
  'fromId',
  'toId',
  'type',
  'timeToImpactMinutes',
  'redundancyGroup',
  'redundancyK',
  'note',
] as const;

type Changes = Record<string, { before: unknown; after: unknown }>;

/** The fields that differ, with their values before and after (`before` null for a new record). */
export function changedFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  fields: readonly string[],
): Changes {
  const out: Changes = {};
  for (const f of fields) {
    const b = before?.[f] ?? null;
    const a = after?.[f] ?? null;
    const empty = (v: unknown) => v === null || (Array.isArray(v) && v.length === 0);
    if (before === undefined && empty(a)) continue;
    if (after === undefined && empty(b)) continue;
    if (JSON.stringify(b) !== JSON.stringify(a)) out[f] = { before: b, after: a };
  }
  return out;
}

export const assetChanges = (before?: AssetRecord, after?: AssetRecord) =>
  changedFields(
    before as unknown as Record<string, unknown>,
    after as unknown as Record<string, unknown>,
    AUDITED_ASSET_FIELDS,
  );

/** The record an asset write becomes, as a read would return it. */
export function recordOf(w: AssetWrite, ownerName: string | null): AssetRecord {
  const { addresses, ...rest } = w;
  const of = (t: string) =>
    addresses
      .filter((a) => a.type === t)
      .map((a) => a.value)
      .sort();
  return { ...rest, ownerName, ips: of('ip'), macs: of('mac'), hostnames: of('hostname') };
}

/** Users by id and by username, to read the `owner` people give. */
export class UserIndex {
  readonly #byId = new Map<string, UserRow>();
  readonly #byName = new Map<string, UserRow>();
  constructor(users: readonly UserRow[]) {
    for (const u of users) {
      this.#byId.set(u.id, u);
      this.#byName.set(u.username, u);
    }
  }

  /** The user a username or id names, or why not. */
  resolve(ref: string): { ok: true; user: UserRow } | { ok: false; reason: string } {
    const user = this.#byId.get(ref) ?? this.#byName.get(ref.trim().toLowerCase());
    if (!user)
      return { ok: false, reason: `there is no user '${ref}' (create it with prahari user add)` };
    return { ok: true, user };
  }

  name(id: string | null): string | null {
    return id === null ? null : (this.#byId.get(id)?.username ?? null);
  }
}

/**
 * Builds the asset a write would store from checked fields over the existing record (a patch)
 * or from nothing (a new asset). Names what is missing or inconsistent.
 */
export function mergeAsset(
  existing: { record: AssetRecord; addresses: AssetAddress[] } | undefined,
  f: AssetFields,
  ownerId: string | null | undefined,
  meta: { id: string; by: string; at: string; source: AssetWrite['source'] },
): { write: AssetWrite; problems: Problem[] } {
  const problems: Problem[] = [];
  const e = existing?.record;
  const pick = <K extends keyof AssetFields>(k: K, fallback: NonNullable<AssetFields[K]> | null) =>
    f[k] !== undefined ? f[k] : e && k in e ? (e as unknown as AssetFields)[k] : fallback;
  const name = pick('name', null) as string | null;
  const kind = pick('kind', null) as AssetKind | null;
  if (name === null) problems.push({ field: 'name', value: null, reason: 'a name is required' });
  if (kind === null)
    problems.push({
      field: 'kind',
      value: null,
      reason: 'the kind is required for a new asset (server, camera, plc_rtu …)',
    });
  const latitude = pick('latitude', null) as number | null;
  const longitude = pick('longitude', null) as number | null;
  if ((latitude === null) !== (longitude === null))
    problems.push({
      field: latitude === null ? 'latitude' : 'longitude',
      value: null,
      reason: 'give both latitude and longitude, or neither',
    });
  const labels = new Map((existing?.addresses ?? []).map((a) => [`${a.type}|${a.value}`, a.label]));
  const addresses: AssetAddress[] = [];
  for (const [type, list] of [
    ['ip', f.ips ?? e?.ips ?? []],
    ['mac', f.macs ?? e?.macs ?? []],
    ['hostname', f.hostnames ?? e?.hostnames ?? []],
  ] as const)
    for (const value of list)
      addresses.push({ type, value, label: labels.get(`${type}|${value}`) ?? null });
  const write: AssetWrite = {
    id: meta.id,
    name: name ?? '',
    kind: kind ?? 'other',
    zone: pick('zone', null) as AssetZone | null,
    department: pick('department', null) as string | null,
    ownerId: ownerId !== undefined ? ownerId : (e?.ownerId ?? null),
    criticality: pick('criticality', null) as number | null,
    description: pick('description', null) as string | null,
    vendor: pick('vendor', null) as string | null,
    product: pick('product', null) as string | null,
    version: pick('version', null) as string | null,
    cpe: pick('cpe', null) as string | null,
    ward: pick('ward', null) as string | null,
    site: pick('site', null) as string | null,
    latitude,
    longitude,
    tags: f.tags ?? e?.tags ?? [],
    personalData: f.personalData ?? e?.personalData ?? false,
    internetExposed: f.internetExposed ?? e?.internetExposed ?? false,
    status: f.status ?? e?.status ?? 'active',
    source: e?.source ?? meta.source,
    osGuess: e?.osGuess ?? null,
    openServices: e?.openServices ?? [],
    firstSeen: e?.firstSeen ?? null,
    lastSeen: e?.lastSeen ?? null,
    addresses,
    createdBy: e?.createdBy ?? meta.by,
    createdAt: e?.createdAt ?? meta.at,
    updatedBy: meta.by,
    updatedAt: meta.at,
  };
  return { write, problems };
}

/** Warnings for one redundancy group of one dependent (the edges as they will be). */
export function redundancyWarnings(
  dependentName: string,
  group: string,
  edges: readonly Pick<AssetEdgeRecord, 'redundancyK'>[],
): string[] {
  const warnings: string[] = [];
  const ks = [...new Set(edges.map((e) => e.redundancyK ?? 1))];
  const k = Math.max(...ks);
  if (ks.length > 1)
    warnings.push(
      `the edges of redundancy group '${group}' of '${dependentName}' disagree on k (${ks.join(', ')}); give them all the same k`,
    );
  if (k > edges.length)
    warnings.push(
      `redundancy group '${group}' of '${dependentName}' needs ${k} of its edges up but has ${edges.length} so far: add the other paths, or '${dependentName}' fails when any of these does`,
    );
  return warnings;
}

export function serviceWrite(
  existing: CityServiceRecord | undefined,
  f: ServiceFields,
  ownerId: string | null | undefined,
  meta: { id: string; by: string; at: string },
): CityServiceWrite {
  const pick = <K extends keyof ServiceFields>(k: K): ServiceFields[K] | null =>
    f[k] !== undefined ? f[k] : existing ? ((existing as ServiceFields)[k] ?? null) : null;
  return {
    id: meta.id,
    name: pick('name') as string,
    description: pick('description') as string | null,
    citizenImpact: pick('citizenImpact') as number,
    populationServed: pick('populationServed') as number | null,
    mtdMinutes: pick('mtdMinutes') as number | null,
    department: pick('department') as string | null,
    ownerId: ownerId !== undefined ? ownerId : (existing?.ownerId ?? null),
    createdBy: existing?.createdBy ?? meta.by,
    createdAt: existing?.createdAt ?? meta.at,
    updatedBy: meta.by,
    updatedAt: meta.at,
  };
}

export const serviceChanges = (before?: object, after?: object) =>
  changedFields(
    before as Record<string, unknown> | undefined,
    after as Record<string, unknown> | undefined,
    AUDITED_SERVICE_FIELDS,
  );

export const edgeChanges = (before?: object, after?: object) =>
  changedFields(
    before as Record<string, unknown> | undefined,
    after as Record<string, unknown> | undefined,
    AUDITED_EDGE_FIELDS,
  );
