import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type {
  AssetAddressesTable,
  AssetEdgesTable,
  AssetsTable,
  CityServicesTable,
  Database,
} from './schema.js';

/** What an asset is. A fixed list, so filters, icons and the impact analysis can rely on it. */
export const ASSET_KINDS = [
  'server',
  'workstation',
  'network_device',
  'firewall',
  'camera',
  'nvr_vms',
  'traffic_controller',
  'plc_rtu',
  'scada_server',
  'hmi',
  'sensor',
  'wifi_ap',
  'web_application',
  'database',
  'cloud_service',
  'payment_gateway',
  'power_feeder',
  'ups',
  'other',
] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** The network zone an asset sits in: office IT, operational technology, IoT, DMZ, cloud. */
export const ASSET_ZONES = ['it', 'ot', 'iot', 'dmz', 'cloud'] as const;
export type AssetZone = (typeof ASSET_ZONES)[number];

/**
 * active: in the register; discovered: seen on the network or in logs, awaiting a person's
 * confirmation; retired: no longer in service (kept for history, its addresses free for reuse).
 */
export const ASSET_STATUSES = ['active', 'discovered', 'retired'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/** How an asset entered the register. */
export type AssetSource = 'manual' | 'import' | 'nmap' | 'events';

export const ADDRESS_TYPES = ['ip', 'mac', 'hostname'] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];

/**
 * Dependency edges. For every type but `supports`, `from` is the dependent and `to` what it needs
 * (A depends_on B: A stops working without B). `supports` goes from an asset to a city service:
 * the service needs the asset.
 */
export const EDGE_TYPES = [
  'depends_on',
  'powered_by',
  'network_via',
  'data_from',
  'supports',
] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

export interface AssetAddress {
  type: AddressType;
  value: string;
  /** what a scanner said about it, e.g. the MAC vendor */
  label: string | null;
}

/** One open port as a scanner saw it. */
export interface OpenService {
  protocol: string;
  port: number;
  /** open, open|filtered … */
  state: string;
  /** nmap's service name: http, ssh, modbus … */
  service: string | null;
  product: string | null;
  version: string | null;
  extraInfo: string | null;
  /** CPE names the scanner gave (nmap writes CPE 2.2 URIs: cpe:/a:vendor:product:version) */
  cpe: string[];
  seenAt: string;
}

export interface AssetRecord {
  id: string;
  name: string;
  kind: AssetKind;
  zone: AssetZone | null;
  department: string | null;
  ownerId: string | null;
  /** the owner's username (read only, joined) */
  ownerName: string | null;
  /** 1 (test/lab) … 5 (life/safety or city-wide service); null: not rated yet */
  criticality: number | null;
  description: string | null;
  vendor: string | null;
  product: string | null;
  version: string | null;
  cpe: string | null;
  ward: string | null;
  site: string | null;
  latitude: number | null;
  longitude: number | null;
  tags: string[];
  personalData: boolean;
  internetExposed: boolean;
  status: AssetStatus;
  source: AssetSource;
  osGuess: string | null;
  openServices: OpenService[];
  firstSeen: string | null;
  lastSeen: string | null;
  ips: string[];
  macs: string[];
  hostnames: string[];
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** An asset to store: the record less what is derived, with its addresses. */
export type AssetWrite = Omit<AssetRecord, 'ownerName' | 'ips' | 'macs' | 'hostnames'> & {
  addresses: AssetAddress[];
};

/** Fields of an asset to change; `addresses`, when given, replaces every address. */
export type AssetPatch = Partial<Omit<AssetWrite, 'id' | 'createdAt' | 'createdBy'>>;

export interface AssetQuery {
  kind?: AssetKind[];
  zone?: AssetZone[];
  department?: string;
  ownerId?: string;
  minCriticality?: number;
  status?: AssetStatus[];
  tag?: string;
  /** part of the name, description, vendor or product, or an address (whole or its start) */
  text?: string;
  /** for pages: names after this one */
  afterName?: string;
  limit: number;
}

export interface CityServiceRecord {
  id: string;
  name: string;
  description: string | null;
  /** 1 (negligible) … 5 (life/safety or the whole city) */
  citizenImpact: number;
  populationServed: number | null;
  /** maximum tolerable downtime, minutes */
  mtdMinutes: number | null;
  department: string | null;
  ownerId: string | null;
  ownerName: string | null;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export type CityServiceWrite = Omit<CityServiceRecord, 'ownerName'>;
export type CityServicePatch = Partial<Omit<CityServiceWrite, 'id' | 'createdAt' | 'createdBy'>>;

export interface CityServiceQuery {
  ownerId?: string;
  department?: string;
  text?: string;
  /** only these (owner scoping) */
  ids?: string[];
  afterName?: string;
  limit: number;
}

export interface AssetEdgeRecord {
  id: string;
  fromId: string;
  toId: string;
  type: EdgeType;
  /** how long the dependent keeps working without `to` (null: at once / unknown) */
  timeToImpactMinutes: number | null;
  /**
   * Edges of one dependent with the same group are redundant: the dependent keeps working while
   * at least `redundancyK` of them are up.
   */
  redundancyGroup: string | null;
  redundancyK: number | null;
  note: string | null;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export type AssetEdgePatch = Partial<
  Pick<AssetEdgeRecord, 'timeToImpactMinutes' | 'redundancyGroup' | 'redundancyK' | 'note'> & {
    updatedBy: string;
    updatedAt: string;
  }
>;

export interface AssetEdgeQuery {
  /** edges with this asset or service at either end */
  nodeId?: string;
  fromId?: string;
  toId?: string;
  type?: EdgeType;
  /** edges touching any of these (owner scoping) */
  touching?: string[];
  afterId?: string;
  limit: number;
}

/** Everything an import or a single change writes, in one transaction. */
export interface AssetBatch {
  insertAssets?: AssetWrite[];
  updateAssets?: { id: string; patch: AssetPatch }[];
  insertServices?: CityServiceWrite[];
  updateServices?: { id: string; patch: CityServicePatch }[];
  insertEdges?: AssetEdgeRecord[];
  updateEdges?: { id: string; patch: AssetEdgePatch }[];
}

/** What the in-memory directory holds of an asset that is not retired. */
export interface AssetDirectoryRow {
  id: string;
  name: string;
  kind: AssetKind;
  zone: AssetZone | null;
  criticality: number | null;
  ownerId: string | null;
  ownerName: string | null;
  department: string | null;
  status: AssetStatus;
  lastSeen: string | null;
  addresses: { type: AddressType; value: string }[];
}

const like = (text: string) => `%${text.replace(/[%_\\]/g, '\\$&')}%`;
const bool = (b: boolean) => (b ? 1 : 0);

type AssetRow = Selectable<AssetsTable> & { owner_name: string | null };

function toAsset(r: AssetRow, addresses: readonly Selectable<AssetAddressesTable>[]): AssetRecord {
  const of = (t: AddressType) => addresses.filter((a) => a.type === t).map((a) => a.value);
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as AssetKind,
    zone: r.zone as AssetZone | null,
    department: r.department,
    ownerId: r.owner_user_id,
    ownerName: r.owner_name,
    criticality: r.criticality === null ? null : Number(r.criticality),
    description: r.description,
    vendor: r.vendor,
    product: r.product,
    version: r.version,
    cpe: r.cpe,
    ward: r.ward,
    site: r.site,
    latitude: r.latitude === null ? null : Number(r.latitude),
    longitude: r.longitude === null ? null : Number(r.longitude),
    tags: JSON.parse(r.tags) as string[],
    personalData: Number(r.personal_data) === 1,
    internetExposed: Number(r.internet_exposed) === 1,
    status: r.status as AssetStatus,
    source: r.source as AssetSource,
    osGuess: r.os_guess,
    openServices: JSON.parse(r.open_services) as OpenService[],
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    ips: of('ip'),
    macs: of('mac'),
    hostnames: of('hostname'),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

function assetColumns(a: AssetPatch): Updateable<AssetsTable> {
  const v: Updateable<AssetsTable> = {};
  if (a.name !== undefined) v.name = a.name;
  if (a.kind !== undefined) v.kind = a.kind;
  if (a.zone !== undefined) v.zone = a.zone;
  if (a.department !== undefined) v.department = a.department;
  if (a.ownerId !== undefined) v.owner_user_id = a.ownerId;
  if (a.criticality !== undefined) v.criticality = a.criticality;
  if (a.description !== undefined) v.description = a.description;
  if (a.vendor !== undefined) v.vendor = a.vendor;
  if (a.product !== undefined) v.product = a.product;
  if (a.version !== undefined) v.version = a.version;
  if (a.cpe !== undefined) v.cpe = a.cpe;
  if (a.ward !== undefined) v.ward = a.ward;
  if (a.site !== undefined) v.site = a.site;
  if (a.latitude !== undefined) v.latitude = a.latitude;
  if (a.longitude !== undefined) v.longitude = a.longitude;
  if (a.tags !== undefined) v.tags = JSON.stringify(a.tags);
  if (a.personalData !== undefined) v.personal_data = bool(a.personalData);
  if (a.internetExposed !== undefined) v.internet_exposed = bool(a.internetExposed);
  if (a.status !== undefined) v.status = a.status;
  if (a.source !== undefined) v.source = a.source;
  if (a.osGuess !== undefined) v.os_guess = a.osGuess;
  if (a.openServices !== undefined) v.open_services = JSON.stringify(a.openServices);
  if (a.firstSeen !== undefined) v.first_seen = a.firstSeen;
  if (a.lastSeen !== undefined) v.last_seen = a.lastSeen;
  if (a.updatedBy !== undefined) v.updated_by = a.updatedBy;
  if (a.updatedAt !== undefined) v.updated_at = a.updatedAt;
  return v;
}

function toService(
  r: Selectable<CityServicesTable> & { owner_name: string | null },
): CityServiceRecord {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    citizenImpact: Number(r.citizen_impact),
    populationServed: r.population_served === null ? null : Number(r.population_served),
    mtdMinutes: r.mtd_minutes === null ? null : Number(r.mtd_minutes),
    department: r.department,
    ownerId: r.owner_user_id,
    ownerName: r.owner_name,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

function serviceColumns(s: CityServicePatch): Updateable<CityServicesTable> {
  const v: Updateable<CityServicesTable> = {};
  if (s.name !== undefined) v.name = s.name;
  if (s.description !== undefined) v.description = s.description;
  if (s.citizenImpact !== undefined) v.citizen_impact = s.citizenImpact;
  if (s.populationServed !== undefined) v.population_served = s.populationServed;
  if (s.mtdMinutes !== undefined) v.mtd_minutes = s.mtdMinutes;
  if (s.department !== undefined) v.department = s.department;
  if (s.ownerId !== undefined) v.owner_user_id = s.ownerId;
  if (s.updatedBy !== undefined) v.updated_by = s.updatedBy;
  if (s.updatedAt !== undefined) v.updated_at = s.updatedAt;
  return v;
}

function toEdge(r: Selectable<AssetEdgesTable>): AssetEdgeRecord {
  return {
    id: r.id,
    fromId: r.from_id,
    toId: r.to_id,
    type: r.type as EdgeType,
    timeToImpactMinutes:
      r.time_to_impact_minutes === null ? null : Number(r.time_to_impact_minutes),
    redundancyGroup: r.redundancy_group,
    redundancyK: r.redundancy_k === null ? null : Number(r.redundancy_k),
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

function edgeColumns(e: AssetEdgePatch): Updateable<AssetEdgesTable> {
  const v: Updateable<AssetEdgesTable> = {};
  if (e.timeToImpactMinutes !== undefined) v.time_to_impact_minutes = e.timeToImpactMinutes;
  if (e.redundancyGroup !== undefined) v.redundancy_group = e.redundancyGroup;
  if (e.redundancyK !== undefined) v.redundancy_k = e.redundancyK;
  if (e.note !== undefined) v.note = e.note;
  if (e.updatedBy !== undefined) v.updated_by = e.updatedBy;
  if (e.updatedAt !== undefined) v.updated_at = e.updatedAt;
  return v;
}

const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function assetsWithOwner(db: Kysely<Database>) {
  return db
    .selectFrom('assets')
    .leftJoin('users', 'users.id', 'assets.owner_user_id')
    .selectAll('assets')
    .select('users.username as owner_name');
}

async function addressRows(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, Selectable<AssetAddressesTable>[]>> {
  const out = new Map<string, Selectable<AssetAddressesTable>[]>();
  for (const part of chunks(ids)) {
    if (part.length === 0) continue;
    const rows = await db
      .selectFrom('asset_addresses')
      .selectAll()
      .where('asset_id', 'in', part)
      .orderBy('asset_id')
      .orderBy('type')
      .orderBy('value')
      .execute();
    for (const r of rows) {
      const list = out.get(r.asset_id);
      if (list) list.push(r);
      else out.set(r.asset_id, [r]);
    }
  }
  return out;
}

async function writeBatch(trx: Transaction<Database>, batch: AssetBatch): Promise<void> {
  for (const a of batch.insertAssets ?? []) {
    await trx
      .insertInto('assets')
      .values({
        id: a.id,
        name: a.name,
        kind: a.kind,
        zone: a.zone,
        department: a.department,
        owner_user_id: a.ownerId,
        criticality: a.criticality,
        description: a.description,
        vendor: a.vendor,
        product: a.product,
        version: a.version,
        cpe: a.cpe,
        ward: a.ward,
        site: a.site,
        latitude: a.latitude,
        longitude: a.longitude,
        tags: JSON.stringify(a.tags),
        personal_data: bool(a.personalData),
        internet_exposed: bool(a.internetExposed),
        status: a.status,
        source: a.source,
        os_guess: a.osGuess,
        open_services: JSON.stringify(a.openServices),
        first_seen: a.firstSeen,
        last_seen: a.lastSeen,
        created_by: a.createdBy,
        created_at: a.createdAt,
        updated_by: a.updatedBy,
        updated_at: a.updatedAt,
      })
      .execute();
    if (a.addresses.length > 0)
      await trx
        .insertInto('asset_addresses')
        .values(a.addresses.map((x) => ({ asset_id: a.id, ...x })))
        .execute();
  }
  for (const { id, patch } of batch.updateAssets ?? []) {
    const columns = assetColumns(patch);
    if (Object.keys(columns).length > 0)
      await trx.updateTable('assets').set(columns).where('id', '=', id).execute();
    if (patch.addresses) {
      await trx.deleteFrom('asset_addresses').where('asset_id', '=', id).execute();
      if (patch.addresses.length > 0)
        await trx
          .insertInto('asset_addresses')
          .values(patch.addresses.map((x) => ({ asset_id: id, ...x })))
          .execute();
    }
  }
  for (const s of batch.insertServices ?? []) {
    await trx
      .insertInto('city_services')
      .values({
        id: s.id,
        name: s.name,
        description: s.description,
        citizen_impact: s.citizenImpact,
        population_served: s.populationServed,
        mtd_minutes: s.mtdMinutes,
        department: s.department,
        owner_user_id: s.ownerId,
        created_by: s.createdBy,
        created_at: s.createdAt,
        updated_by: s.updatedBy,
        updated_at: s.updatedAt,
      })
      .execute();
  }
  for (const { id, patch } of batch.updateServices ?? []) {
    const columns = serviceColumns(patch);
    if (Object.keys(columns).length > 0)
      await trx.updateTable('city_services').set(columns).where('id', '=', id).execute();
  }
  for (const e of batch.insertEdges ?? []) {
    await trx
      .insertInto('asset_edges')
      .values({
        id: e.id,
        from_id: e.fromId,
        to_id: e.toId,
        type: e.type,
        time_to_impact_minutes: e.timeToImpactMinutes,
        redundancy_group: e.redundancyGroup,
        redundancy_k: e.redundancyK,
        note: e.note,
        created_by: e.createdBy,
        created_at: e.createdAt,
        updated_by: e.updatedBy,
        updated_at: e.updatedAt,
      })
      .execute();
  }
  for (const { id, patch } of batch.updateEdges ?? []) {
    const columns = edgeColumns(patch);
    if (Object.keys(columns).length > 0)
      await trx.updateTable('asset_edges').set(columns).where('id', '=', id).execute();
  }
}

/** The asset register: assets and their addresses. */
export class AssetRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Writes assets, services and edges in one transaction: an import is all or nothing, and a
   * single change that touches several tables is too.
   */
  async write(batch: AssetBatch): Promise<void> {
    await this.db.transaction().execute((trx) => writeBatch(trx, batch));
  }

  async get(id: string): Promise<AssetRecord | undefined> {
    return (await this.getMany([id]))[0];
  }

  async getByName(name: string): Promise<AssetRecord | undefined> {
    const r = await assetsWithOwner(this.db).where('assets.name', '=', name).executeTakeFirst();
    if (!r) return undefined;
    return toAsset(r, (await addressRows(this.db, [r.id])).get(r.id) ?? []);
  }

  /** The assets with these ids (unknown ids left out), in name order. */
  async getMany(ids: readonly string[]): Promise<AssetRecord[]> {
    const rows: AssetRow[] = [];
    for (const part of chunks([...new Set(ids)])) {
      if (part.length === 0) continue;
      rows.push(...(await assetsWithOwner(this.db).where('assets.id', 'in', part).execute()));
    }
    rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const addresses = await addressRows(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toAsset(r, addresses.get(r.id) ?? []));
  }

  /** The assets with these names (unknown names left out). */
  async getByNames(names: readonly string[]): Promise<AssetRecord[]> {
    const ids: string[] = [];
    for (const part of chunks([...new Set(names)])) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom('assets')
        .select('id')
        .where('name', 'in', part)
        .execute();
      ids.push(...rows.map((r) => r.id));
    }
    return this.getMany(ids);
  }

  /** The addresses of these assets, with their labels (MAC vendors), by asset id. */
  async addresses(ids: readonly string[]): Promise<Map<string, AssetAddress[]>> {
    const rows = await addressRows(this.db, ids);
    return new Map(
      [...rows].map(([id, list]) => [
        id,
        list.map((a) => ({ type: a.type as AddressType, value: a.value, label: a.label })),
      ]),
    );
  }

  /** The ids of the assets one user owns (any status). */
  async idsOwnedBy(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('assets')
      .select('id')
      .where('owner_user_id', '=', userId)
      .execute();
    return rows.map((r) => r.id);
  }

  /** A page of assets in name order. */
  async list(q: AssetQuery): Promise<AssetRecord[]> {
    let query = assetsWithOwner(this.db);
    if (q.kind?.length) query = query.where('assets.kind', 'in', q.kind);
    if (q.zone?.length) query = query.where('assets.zone', 'in', q.zone);
    if (q.status?.length) query = query.where('assets.status', 'in', q.status);
    if (q.department) query = query.where('assets.department', '=', q.department);
    if (q.ownerId) query = query.where('assets.owner_user_id', '=', q.ownerId);
    if (q.minCriticality !== undefined)
      query = query.where('assets.criticality', '>=', q.minCriticality);
    if (q.tag) query = query.where('assets.tags', 'like', like(JSON.stringify(q.tag)));
    if (q.text) {
      const text = q.text;
      query = query.where((eb) =>
        eb.or([
          eb('assets.name', 'like', like(text)),
          eb('assets.description', 'like', like(text)),
          eb('assets.vendor', 'like', like(text)),
          eb('assets.product', 'like', like(text)),
          eb.exists(
            eb
              .selectFrom('asset_addresses')
              .select('asset_addresses.asset_id')
              .whereRef('asset_addresses.asset_id', '=', 'assets.id')
              .where(
                'asset_addresses.value',
                'like',
                `${text.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`,
              ),
          ),
        ]),
      );
    }
    if (q.afterName !== undefined) query = query.where('assets.name', '>', q.afterName);
    const rows = await query.orderBy('assets.name').limit(q.limit).execute();
    const addresses = await addressRows(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toAsset(r, addresses.get(r.id) ?? []));
  }

  /** The addresses of the assets that hold any of these values, with the asset's status. */
  async findByAddresses(
    type: AddressType,
    values: readonly string[],
  ): Promise<{ assetId: string; assetName: string; status: AssetStatus; value: string }[]> {
    const out: { assetId: string; assetName: string; status: AssetStatus; value: string }[] = [];
    for (const part of chunks([...new Set(values)])) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom('asset_addresses')
        .innerJoin('assets', 'assets.id', 'asset_addresses.asset_id')
        .select([
          'asset_addresses.asset_id as assetId',
          'assets.name as assetName',
          'assets.status as status',
          'asset_addresses.value as value',
        ])
        .where('asset_addresses.type', '=', type)
        .where('asset_addresses.value', 'in', part)
        .execute();
      for (const r of rows) out.push({ ...r, status: r.status as AssetStatus });
    }
    return out;
  }

  /** Every asset that is not retired, with its addresses: what the in-memory directory holds. */
  async directory(): Promise<AssetDirectoryRow[]> {
    const rows = await this.db
      .selectFrom('assets')
      .leftJoin('users', 'users.id', 'assets.owner_user_id')
      .select([
        'assets.id',
        'assets.name',
        'assets.kind',
        'assets.zone',
        'assets.criticality',
        'assets.owner_user_id',
        'users.username',
        'assets.department',
        'assets.status',
        'assets.last_seen',
      ])
      .where('assets.status', '!=', 'retired')
      .execute();
    const addresses = await this.db
      .selectFrom('asset_addresses')
      .innerJoin('assets', 'assets.id', 'asset_addresses.asset_id')
      .select(['asset_addresses.asset_id', 'asset_addresses.type', 'asset_addresses.value'])
      .where('assets.status', '!=', 'retired')
      .execute();
    const byAsset = new Map<string, { type: AddressType; value: string }[]>();
    for (const a of addresses) {
      const entry = { type: a.type as AddressType, value: a.value };
      const list = byAsset.get(a.asset_id);
      if (list) list.push(entry);
      else byAsset.set(a.asset_id, [entry]);
    }
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind as AssetKind,
      zone: r.zone as AssetZone | null,
      criticality: r.criticality === null ? null : Number(r.criticality),
      ownerId: r.owner_user_id,
      ownerName: r.username ?? null,
      department: r.department,
      status: r.status as AssetStatus,
      lastSeen: r.last_seen,
      addresses: byAsset.get(r.id) ?? [],
    }));
  }

  /**
   * How many assets there are and the latest change: it changes with every add, change, retire
   * or delete (not when discovery moves a last-seen time), so a cache can tell it is stale.
   */
  async stamp(): Promise<{ count: number; lastUpdatedAt: string | null }> {
    const r = await this.db
      .selectFrom('assets')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('updated_at').as('last')])
      .executeTakeFirst();
    return { count: Number(r?.count ?? 0), lastUpdatedAt: r?.last ?? null };
  }

  /** Moves last-seen times forward (never back); does not count as a change of the asset. */
  async touchSeen(seen: readonly { id: string; at: string }[]): Promise<void> {
    if (seen.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const s of seen) {
        await trx
          .updateTable('assets')
          .set({ last_seen: s.at })
          .where('id', '=', s.id)
          .where((eb) => eb.or([eb('last_seen', 'is', null), eb('last_seen', '<', s.at)]))
          .execute();
      }
    });
  }

  /** Deletes an asset with its addresses and every edge to or from it. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('asset_edges').where('to_id', '=', id).execute();
      const r = await trx.deleteFrom('assets').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('assets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}

/** The city services citizens get (water supply, traffic control …). */
export class CityServiceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  #select() {
    return this.db
      .selectFrom('city_services')
      .leftJoin('users', 'users.id', 'city_services.owner_user_id')
      .selectAll('city_services')
      .select('users.username as owner_name');
  }

  async get(id: string): Promise<CityServiceRecord | undefined> {
    const r = await this.#select().where('city_services.id', '=', id).executeTakeFirst();
    return r && toService(r);
  }

  async getByName(name: string): Promise<CityServiceRecord | undefined> {
    const r = await this.#select().where('city_services.name', '=', name).executeTakeFirst();
    return r && toService(r);
  }

  async getMany(ids: readonly string[]): Promise<CityServiceRecord[]> {
    const out: CityServiceRecord[] = [];
    for (const part of chunks([...new Set(ids)])) {
      if (part.length === 0) continue;
      const rows = await this.#select().where('city_services.id', 'in', part).execute();
      out.push(...rows.map(toService));
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async getByNames(names: readonly string[]): Promise<CityServiceRecord[]> {
    const out: CityServiceRecord[] = [];
    for (const part of chunks([...new Set(names)])) {
      if (part.length === 0) continue;
      const rows = await this.#select().where('city_services.name', 'in', part).execute();
      out.push(...rows.map(toService));
    }
    return out;
  }

  async list(q: CityServiceQuery): Promise<CityServiceRecord[]> {
    let query = this.#select();
    if (q.ownerId) query = query.where('city_services.owner_user_id', '=', q.ownerId);
    if (q.department) query = query.where('city_services.department', '=', q.department);
    if (q.ids) {
      if (q.ids.length === 0) return [];
      query = query.where('city_services.id', 'in', q.ids);
    }
    if (q.text) {
      const text = q.text;
      query = query.where((eb) =>
        eb.or([
          eb('city_services.name', 'like', like(text)),
          eb('city_services.description', 'like', like(text)),
        ]),
      );
    }
    if (q.afterName !== undefined) query = query.where('city_services.name', '>', q.afterName);
    return (await query.orderBy('city_services.name').limit(q.limit).execute()).map(toService);
  }

  async insert(s: CityServiceWrite): Promise<void> {
    await this.db.transaction().execute((trx) => writeBatch(trx, { insertServices: [s] }));
  }

  async update(id: string, patch: CityServicePatch): Promise<void> {
    await this.db
      .transaction()
      .execute((trx) => writeBatch(trx, { updateServices: [{ id, patch }] }));
  }

  /** Deletes a service and the `supports` edges into it. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('asset_edges').where('to_id', '=', id).execute();
      const r = await trx.deleteFrom('city_services').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
}

/** The dependency graph's edges. */
export class AssetEdgeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(id: string): Promise<AssetEdgeRecord | undefined> {
    const r = await this.db
      .selectFrom('asset_edges')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toEdge(r);
  }

  /** The edge of this type between these two ends, if there is one. */
  async find(fromId: string, toId: string, type: EdgeType): Promise<AssetEdgeRecord | undefined> {
    const r = await this.db
      .selectFrom('asset_edges')
      .selectAll()
      .where('from_id', '=', fromId)
      .where('to_id', '=', toId)
      .where('type', '=', type)
      .executeTakeFirst();
    return r && toEdge(r);
  }

  async list(q: AssetEdgeQuery): Promise<AssetEdgeRecord[]> {
    let query = this.db.selectFrom('asset_edges').selectAll();
    if (q.nodeId) {
      const id = q.nodeId;
      query = query.where((eb) => eb.or([eb('from_id', '=', id), eb('to_id', '=', id)]));
    }
    if (q.fromId) query = query.where('from_id', '=', q.fromId);
    if (q.toId) query = query.where('to_id', '=', q.toId);
    if (q.type) query = query.where('type', '=', q.type);
    if (q.touching) {
      const ids = q.touching;
      if (ids.length === 0) return [];
      query = query.where((eb) => eb.or([eb('from_id', 'in', ids), eb('to_id', 'in', ids)]));
    }
    if (q.afterId) query = query.where('id', '>', q.afterId);
    return (await query.orderBy('id').limit(q.limit).execute()).map(toEdge);
  }

  /** Every edge to or from any of these nodes. */
  async touching(ids: readonly string[]): Promise<AssetEdgeRecord[]> {
    const byId = new Map<string, AssetEdgeRecord>();
    for (const part of chunks([...new Set(ids)])) {
      if (part.length === 0) continue;
      const rows = await this.db
        .selectFrom('asset_edges')
        .selectAll()
        .where((eb) => eb.or([eb('from_id', 'in', part), eb('to_id', 'in', part)]))
        .execute();
      for (const r of rows) byId.set(r.id, toEdge(r));
    }
    return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** The whole graph's edges, for the impact analysis. */
  async all(): Promise<AssetEdgeRecord[]> {
    return (await this.db.selectFrom('asset_edges').selectAll().orderBy('id').execute()).map(
      toEdge,
    );
  }

  async insert(e: AssetEdgeRecord): Promise<void> {
    await this.db.transaction().execute((trx) => writeBatch(trx, { insertEdges: [e] }));
  }

  async update(id: string, patch: AssetEdgePatch): Promise<void> {
    await this.db.transaction().execute((trx) => writeBatch(trx, { updateEdges: [{ id, patch }] }));
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('asset_edges').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
