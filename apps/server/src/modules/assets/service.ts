import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type Clock,
} from '@prahari/core';
import type {
  AssetAddress,
  AssetEdgeRecord,
  AssetKind,
  AssetRecord,
  AssetStatus,
  AssetZone,
  CityServiceRecord,
  EdgeType,
  Store,
} from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';
import type { AssetDirectory } from './directory.js';
import {
  ASSET_SPECS,
  EDGE_SPECS,
  SERVICE_SPECS,
  checkFields,
  type AssetFields,
  type AssetInput,
  type EdgeFields,
  type EdgeInput,
  type Problem,
  type ServiceFields,
  type ServiceInput,
} from './fields.js';
import { importAssets, type AssetImportRequest, type AssetImportResult } from './import.js';
import {
  UserIndex,
  assetChanges,
  edgeChanges,
  mergeAsset,
  recordOf,
  redundancyWarnings,
  serviceChanges,
  serviceWrite,
} from './records.js';

/** The repositories the asset register uses. */
export type AssetStore = Pick<Store, 'assets' | 'cityServices' | 'assetEdges' | 'users'>;

/**
 * What a user with role `owner` may change on their own assets: the description and where the
 * asset is. Everything that decides how the city weighs it (criticality, zone, owner, kind,
 * status, addresses) and the dependency graph stay with admins and analysts.
 */
export const OWNER_EDITABLE_FIELDS = [
  'description',
  'ward',
  'site',
  'latitude',
  'longitude',
] as const;

export interface AssetListQuery {
  kind?: string[] | undefined;
  zone?: string[] | undefined;
  department?: string | undefined;
  /** username or user id */
  owner?: string | undefined;
  minCriticality?: number | undefined;
  /** default: active and discovered */
  status?: string[] | undefined;
  tag?: string | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface ServiceListQuery {
  department?: string | undefined;
  owner?: string | undefined;
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface EdgeListQuery {
  /** asset or service (id or name) at either end */
  node?: string | undefined;
  type?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** An edge with the names of its ends, so a person can read it. */
export interface EdgeView extends AssetEdgeRecord {
  fromName: string;
  toName: string;
  /** what `to` is: an asset, or a city service (`supports`) */
  toKind: 'asset' | 'service';
}

export interface AssetDetail {
  asset: AssetRecord;
  /** every address with what a scanner said of it (MAC vendor) */
  addresses: AssetAddress[];
  /** what this asset needs (and the services it supports) */
  edgesOut: EdgeView[];
  /** what needs this asset */
  edgesIn: EdgeView[];
  /** the city services this asset supports */
  services: CityServiceRecord[];
}

export interface ServiceDetail {
  service: CityServiceRecord;
  /** the assets that support it */
  supportedBy: EdgeView[];
}

export interface EdgeResult {
  edge: EdgeView;
  /** what looks wrong but is allowed (a redundancy group smaller than its k, for now) */
  warnings: string[];
}

/** The problems as one 400: every field named, nothing stored. */
function invalid(what: string, problems: Problem[]): ValidationError {
  const listed = problems.map((p) => `${p.field}: ${p.reason}`).join('; ');
  return new ValidationError(
    `${what}: ${listed}.`,
    problems.length === 1 ? { field: problems[0]!.field, errors: problems } : { errors: problems },
  );
}

/** The id of the user an `owner` principal acts for; undefined for everyone else (no scoping). */
export function ownerScope(actor: Actor): string | null | undefined {
  const p = actor.principal;
  if (!p || p.role !== 'owner') return undefined;
  return p.userId ?? (p.kind === 'user' ? p.id : null);
}

/**
 * The asset register: assets, the city services they support and the dependency edges between
 * them. Every change is validated (a 400 names each wrong field), audited with the before and
 * after of the fields it changed, and refreshes the in-memory directory enrichment uses.
 *
 * A user with role `owner` sees only the assets they own, the edges touching them and the
 * services those assets support (or that they own); of their assets they may change only
 * `OWNER_EDITABLE_FIELDS`.
 */
export class AssetService {
  constructor(
    private readonly store: AssetStore,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly directory?: AssetDirectory,
  ) {}

  async #changed(): Promise<void> {
    if (this.directory?.loaded) await this.directory.refresh({ force: true });
  }

  #by(actor: Actor): string {
    return actor.principal?.name ?? 'anonymous';
  }

  async users(): Promise<UserIndex> {
    return new UserIndex(await this.store.users.list());
  }

  /** An asset by id or by name. */
  async #find(ref: string): Promise<AssetRecord> {
    const found = (await this.store.assets.get(ref)) ?? (await this.store.assets.getByName(ref));
    if (!found) throw new NotFoundError(`There is no asset '${ref}'.`);
    return found;
  }

  async #findService(ref: string): Promise<CityServiceRecord> {
    const found =
      (await this.store.cityServices.get(ref)) ?? (await this.store.cityServices.getByName(ref));
    if (!found) throw new NotFoundError(`There is no city service '${ref}'.`);
    return found;
  }

  #mayRead(actor: Actor, asset: AssetRecord): void {
    const scope = ownerScope(actor);
    if (scope !== undefined && (scope === null || asset.ownerId !== scope))
      throw new ForbiddenError(
        `The asset '${asset.name}' is not yours: an owner sees only the assets assigned to them.`,
      );
  }

  /** The ids an owner may see: their assets, and the services those support or they own. */
  async #visible(userId: string | null): Promise<{ assets: Set<string>; services: Set<string> }> {
    if (userId === null) return { assets: new Set(), services: new Set() };
    const assets = new Set(await this.store.assets.idsOwnedBy(userId));
    const services = new Set(
      (await this.store.cityServices.list({ ownerId: userId, limit: 100_000 })).map((s) => s.id),
    );
    for (const e of await this.store.assetEdges.touching([...assets]))
      if (e.type === 'supports' && assets.has(e.fromId)) services.add(e.toId);
    return { assets, services };
  }

  // ---- assets ----

  async list(
    actor: Actor,
    query: AssetListQuery,
  ): Promise<{ assets: AssetRecord[]; nextCursor: string | null }> {
    const problems: Problem[] = [];
    const kinds = (query.kind ?? []).map((k) => ASSET_SPECS.kind.check(k));
    const zones = (query.zone ?? []).map((z) => ASSET_SPECS.zone.check(z));
    for (const c of [...kinds, ...zones])
      if (!c.ok)
        problems.push({
          field: kinds.includes(c) ? 'kind' : 'zone',
          value: null,
          reason: c.reason,
        });
    const statuses = query.status?.length ? query.status : ['active', 'discovered'];
    for (const s of statuses)
      if (!['active', 'discovered', 'retired'].includes(s))
        problems.push({
          field: 'status',
          value: s,
          reason: `'${s}' is not a status; use active, discovered or retired`,
        });
    let ownerId: string | undefined;
    const scope = ownerScope(actor);
    if (scope !== undefined) {
      if (scope === null) return { assets: [], nextCursor: null };
      ownerId = scope;
    } else if (query.owner) {
      const r = (await this.users()).resolve(query.owner);
      if (r.ok) ownerId = r.user.id;
      else problems.push({ field: 'owner', value: query.owner, reason: r.reason });
    }
    if (problems.length > 0) throw invalid('The asset query is wrong', problems);
    const assets = await this.store.assets.list({
      limit: query.limit,
      ...(kinds.length > 0 && { kind: kinds.map((k) => (k.ok ? k.value : '')) as AssetKind[] }),
      ...(zones.length > 0 && { zone: zones.map((z) => (z.ok ? z.value : '')) as AssetZone[] }),
      status: statuses as AssetStatus[],
      ...(query.department && { department: query.department }),
      ...(ownerId !== undefined && { ownerId }),
      ...(query.minCriticality !== undefined && { minCriticality: query.minCriticality }),
      ...(query.tag && { tag: query.tag.trim().toLowerCase() }),
      ...(query.q && { text: query.q }),
      ...(query.cursor && { afterName: query.cursor }),
    });
    const last = assets.at(-1);
    return { assets, nextCursor: assets.length === query.limit && last ? last.name : null };
  }

  /** Edges with the names of their ends. */
  async edgeViews(edges: readonly AssetEdgeRecord[]): Promise<EdgeView[]> {
    const assetIds = new Set<string>();
    const serviceIds = new Set<string>();
    for (const e of edges) {
      assetIds.add(e.fromId);
      (e.type === 'supports' ? serviceIds : assetIds).add(e.toId);
    }
    const names = new Map<string, string>();
    for (const a of await this.store.assets.getMany([...assetIds])) names.set(a.id, a.name);
    for (const s of await this.store.cityServices.getMany([...serviceIds])) names.set(s.id, s.name);
    return edges.map((e) => ({
      ...e,
      fromName: names.get(e.fromId) ?? e.fromId,
      toName: names.get(e.toId) ?? e.toId,
      toKind: e.type === 'supports' ? 'service' : 'asset',
    }));
  }

  async #detail(asset: AssetRecord): Promise<AssetDetail> {
    const edges = await this.edgeViews(await this.store.assetEdges.touching([asset.id]));
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const edgesOut = edges
      .filter((e) => e.fromId === asset.id)
      .sort((a, b) => order(a.type, b.type) || order(a.toName, b.toName));
    const edgesIn = edges
      .filter((e) => e.toId === asset.id && e.type !== 'supports')
      .sort((a, b) => order(a.type, b.type) || order(a.fromName, b.fromName));
    const services = await this.store.cityServices.getMany(
      edgesOut.filter((e) => e.type === 'supports').map((e) => e.toId),
    );
    const addresses = (await this.store.assets.addresses([asset.id])).get(asset.id) ?? [];
    return { asset, addresses, edgesOut, edgesIn, services };
  }

  /** One asset (by id or name) with its addresses, its edges both ways and the services it supports. */
  async get(actor: Actor, ref: string): Promise<AssetDetail> {
    const asset = await this.#find(ref);
    this.#mayRead(actor, asset);
    return this.#detail(asset);
  }

  /** Checked asset fields with the owner resolved; throws a 400 naming every wrong field. */
  async #checkAsset(
    input: AssetInput,
    what: string,
  ): Promise<{ fields: AssetFields; ownerId: string | null | undefined; users: UserIndex }> {
    const { values, problems } = checkFields<AssetFields>(
      input as Record<string, unknown>,
      ASSET_SPECS,
    );
    const users = await this.users();
    let ownerId: string | null | undefined;
    if (values.owner === null) ownerId = null;
    else if (values.owner !== undefined) {
      const r = users.resolve(values.owner);
      if (r.ok) ownerId = r.user.id;
      else problems.push({ field: 'owner', value: values.owner, reason: r.reason });
    }
    if (problems.length > 0) throw invalid(what, problems);
    return { fields: values, ownerId, users };
  }

  /** Addresses already held by another asset that is not retired. */
  async addressConflicts(
    selfId: string | null,
    addresses: readonly AssetAddress[],
  ): Promise<Problem[]> {
    const problems: Problem[] = [];
    for (const type of ['ip', 'mac', 'hostname'] as const) {
      const values = addresses.filter((a) => a.type === type).map((a) => a.value);
      if (values.length === 0) continue;
      for (const hit of await this.store.assets.findByAddresses(type, values)) {
        if (hit.assetId === selfId || hit.status === 'retired') continue;
        problems.push({
          field: `${type}s`,
          value: hit.value,
          reason: `${hit.value} already belongs to asset '${hit.assetName}'`,
        });
      }
    }
    return problems;
  }

  async #nameTaken(name: string, selfId: string | null): Promise<void> {
    const other = await this.store.assets.getByName(name);
    if (other && other.id !== selfId)
      throw new ConflictError(`An asset named '${name}' already exists.`, { field: 'name' });
  }

  /** Adds an asset. `name` and `kind` are required; `owner` is a username or user id. */
  async create(actor: Actor, input: AssetInput): Promise<AssetDetail> {
    const { fields, ownerId, users } = await this.#checkAsset(input, 'The asset is wrong');
    const at = this.clock.now().toISOString();
    const { write, problems } = mergeAsset(undefined, fields, ownerId ?? null, {
      id: randomUUID(),
      by: this.#by(actor),
      at,
      source: 'manual',
    });
    if (problems.length > 0) throw invalid('The asset is wrong', problems);
    if (write.status === 'discovered') write.firstSeen = at;
    await this.#nameTaken(write.name, null);
    const conflicts = await this.addressConflicts(null, write.addresses);
    if (conflicts.length > 0) throw new ConflictError(conflicts[0]!.reason, { errors: conflicts });
    await this.store.assets.write({ insertAssets: [write] });
    const record = recordOf(write, users.name(write.ownerId));
    await this.audit.record(actor, {
      action: 'asset.create',
      target: `asset:${write.name}`,
      details: { id: write.id, changes: assetChanges(undefined, record) },
    });
    await this.#changed();
    return this.get(actor, write.id);
  }

  /**
   * Changes the fields given; `null` clears one. An owner may change only the description and
   * location of their own assets.
   */
  async update(
    actor: Actor,
    ref: string,
    input: AssetInput,
    action = 'asset.update',
  ): Promise<AssetDetail> {
    const existing = await this.#find(ref);
    this.#mayRead(actor, existing);
    if (existing.status === 'retired' && action === 'asset.update' && input.status === undefined)
      throw new ConflictError(
        `The asset '${existing.name}' is retired; it cannot be changed (add a new asset instead).`,
      );
    if (ownerScope(actor) !== undefined) {
      const refused = Object.keys(input).filter(
        (k) =>
          (input as Record<string, unknown>)[k] !== undefined &&
          !(OWNER_EDITABLE_FIELDS as readonly string[]).includes(k),
      );
      if (refused.length > 0)
        throw new ForbiddenError(
          `An owner may change only ${OWNER_EDITABLE_FIELDS.join(', ')} of their assets; ask an analyst to change ${refused.join(', ')}.`,
          { fields: refused, allowed: OWNER_EDITABLE_FIELDS },
        );
    }
    const { fields, ownerId, users } = await this.#checkAsset(input, 'The change is wrong');
    const addresses = (await this.store.assets.addresses([existing.id])).get(existing.id) ?? [];
    const at = this.clock.now().toISOString();
    const { write, problems } = mergeAsset({ record: existing, addresses }, fields, ownerId, {
      id: existing.id,
      by: this.#by(actor),
      at,
      source: existing.source,
    });
    if (problems.length > 0) throw invalid('The change is wrong', problems);
    if (fields.name !== undefined) await this.#nameTaken(write.name, existing.id);
    if (fields.ips || fields.macs || fields.hostnames || existing.status === 'retired') {
      const conflicts = await this.addressConflicts(existing.id, write.addresses);
      if (conflicts.length > 0)
        throw new ConflictError(conflicts[0]!.reason, { errors: conflicts });
    }
    const after = recordOf(write, users.name(write.ownerId));
    const changes = assetChanges(existing, after);
    if (Object.keys(changes).length === 0 && action === 'asset.update')
      return this.#detail(existing);
    const { addresses: _a, id: _id, createdAt: _c, createdBy: _cb, ...patch } = write;
    await this.store.assets.write({
      updateAssets: [
        {
          id: existing.id,
          patch: {
            ...patch,
            ...((fields.ips || fields.macs || fields.hostnames) && { addresses: write.addresses }),
          },
        },
      ],
    });
    await this.audit.record(actor, {
      action,
      target: `asset:${existing.name}`,
      details: { id: existing.id, changes },
    });
    await this.#changed();
    return this.#detail((await this.store.assets.get(existing.id))!);
  }

  /**
   * Confirms a discovered asset: it becomes active, with any fields given set at the same time
   * (typically its name, kind, zone, owner and criticality).
   */
  async confirm(actor: Actor, ref: string, input: AssetInput = {}): Promise<AssetDetail> {
    const existing = await this.#find(ref);
    if (existing.status !== 'discovered')
      throw new ConflictError(
        `The asset '${existing.name}' is ${existing.status}, not discovered: there is nothing to confirm.`,
      );
    return this.update(actor, existing.id, { ...input, status: 'active' }, 'asset.confirm');
  }

  /**
   * Retires an asset: it stays in the register for history (and its edges for the record), its
   * addresses become free for a replacement, and enrichment no longer matches it.
   */
  async retire(actor: Actor, ref: string, reason?: string): Promise<AssetDetail> {
    const existing = await this.#find(ref);
    if (existing.status === 'retired')
      throw new ConflictError(`The asset '${existing.name}' is already retired.`);
    const why = reason?.trim() || null;
    if (why !== null && why.length > 1000)
      throw new ValidationError('The reason is longer than 1000 characters.', { field: 'reason' });
    const at = this.clock.now().toISOString();
    await this.store.assets.write({
      updateAssets: [
        {
          id: existing.id,
          patch: { status: 'retired', updatedAt: at, updatedBy: this.#by(actor) },
        },
      ],
    });
    await this.audit.record(actor, {
      action: 'asset.retire',
      target: `asset:${existing.name}`,
      details: {
        id: existing.id,
        reason: why,
        changes: { status: { before: existing.status, after: 'retired' } },
      },
    });
    await this.#changed();
    return this.#detail((await this.store.assets.get(existing.id))!);
  }

  /** Deletes an asset, its addresses and every edge to or from it (retire keeps history). */
  async delete(actor: Actor, ref: string): Promise<AssetRecord> {
    const existing = await this.#find(ref);
    const edges = await this.store.assetEdges.touching([existing.id]);
    await this.store.assets.delete(existing.id);
    await this.audit.record(actor, {
      action: 'asset.delete',
      target: `asset:${existing.name}`,
      details: {
        id: existing.id,
        changes: assetChanges(existing, undefined),
        edgesRemoved: edges.length,
      },
    });
    await this.#changed();
    return existing;
  }

  // ---- city services ----

  async listServices(
    actor: Actor,
    query: ServiceListQuery,
  ): Promise<{ services: CityServiceRecord[]; nextCursor: string | null }> {
    const scope = ownerScope(actor);
    let ownerId: string | undefined;
    let ids: string[] | undefined;
    if (scope !== undefined) ids = [...(await this.#visible(scope)).services];
    else if (query.owner) {
      const r = (await this.users()).resolve(query.owner);
      if (!r.ok) throw new ValidationError(`owner: ${r.reason}.`, { field: 'owner' });
      ownerId = r.user.id;
    }
    const services = await this.store.cityServices.list({
      limit: query.limit,
      ...(ids !== undefined && { ids }),
      ...(ownerId !== undefined && { ownerId }),
      ...(query.department && { department: query.department }),
      ...(query.q && { text: query.q }),
      ...(query.cursor && { afterName: query.cursor }),
    });
    const last = services.at(-1);
    return { services, nextCursor: services.length === query.limit && last ? last.name : null };
  }

  async getService(actor: Actor, ref: string): Promise<ServiceDetail> {
    const service = await this.#findService(ref);
    const scope = ownerScope(actor);
    if (scope !== undefined && !(await this.#visible(scope)).services.has(service.id))
      throw new ForbiddenError(
        `The city service '${service.name}' is not yours: an owner sees the services their assets support.`,
      );
    const supportedBy = await this.edgeViews(
      await this.store.assetEdges.list({ toId: service.id, type: 'supports', limit: 100_000 }),
    );
    return { service, supportedBy };
  }

  async #checkService(
    input: ServiceInput,
    what: string,
  ): Promise<{ fields: ServiceFields; ownerId: string | null | undefined; users: UserIndex }> {
    const { values, problems } = checkFields<ServiceFields>(
      input as Record<string, unknown>,
      SERVICE_SPECS,
    );
    const users = await this.users();
    let ownerId: string | null | undefined;
    if (values.owner === null) ownerId = null;
    else if (values.owner !== undefined) {
      const r = users.resolve(values.owner);
      if (r.ok) ownerId = r.user.id;
      else problems.push({ field: 'owner', value: values.owner, reason: r.reason });
    }
    if (problems.length > 0) throw invalid(what, problems);
    return { fields: values, ownerId, users };
  }

  /** Adds a city service; `name` and `citizenImpact` (1–5) are required. */
  async createService(actor: Actor, input: ServiceInput): Promise<ServiceDetail> {
    const { fields, ownerId, users } = await this.#checkService(input, 'The city service is wrong');
    const problems: Problem[] = [];
    if (fields.name === undefined)
      problems.push({ field: 'name', value: null, reason: 'a name is required' });
    if (fields.citizenImpact === undefined)
      problems.push({
        field: 'citizenImpact',
        value: null,
        reason: 'the citizen impact (1–5) is required',
      });
    if (problems.length > 0) throw invalid('The city service is wrong', problems);
    if (await this.store.cityServices.getByName(fields.name!))
      throw new ConflictError(`A city service named '${fields.name}' already exists.`, {
        field: 'name',
      });
    const at = this.clock.now().toISOString();
    const row = serviceWrite(undefined, fields, ownerId ?? null, {
      id: randomUUID(),
      by: this.#by(actor),
      at,
    });
    await this.store.cityServices.insert(row);
    const record = { ...row, ownerName: users.name(row.ownerId) };
    await this.audit.record(actor, {
      action: 'service.create',
      target: `service:${row.name}`,
      details: { id: row.id, changes: serviceChanges(undefined, record) },
    });
    return this.getService(actor, row.id);
  }

  async updateService(actor: Actor, ref: string, input: ServiceInput): Promise<ServiceDetail> {
    const existing = await this.#findService(ref);
    const { fields, ownerId, users } = await this.#checkService(input, 'The change is wrong');
    if (fields.name !== undefined) {
      const other = await this.store.cityServices.getByName(fields.name);
      if (other && other.id !== existing.id)
        throw new ConflictError(`A city service named '${fields.name}' already exists.`, {
          field: 'name',
        });
    }
    const at = this.clock.now().toISOString();
    const row = serviceWrite(existing, fields, ownerId, {
      id: existing.id,
      by: this.#by(actor),
      at,
    });
    const changes = serviceChanges(existing, { ...row, ownerName: users.name(row.ownerId) });
    if (Object.keys(changes).length > 0) {
      const { id: _id, createdAt: _c, createdBy: _cb, ...patch } = row;
      await this.store.cityServices.update(existing.id, patch);
      await this.audit.record(actor, {
        action: 'service.update',
        target: `service:${existing.name}`,
        details: { id: existing.id, changes },
      });
    }
    return this.getService(actor, existing.id);
  }

  /** Deletes a city service and the `supports` edges into it. */
  async deleteService(actor: Actor, ref: string): Promise<CityServiceRecord> {
    const existing = await this.#findService(ref);
    const edges = await this.store.assetEdges.list({ toId: existing.id, limit: 100_000 });
    await this.store.cityServices.delete(existing.id);
    await this.audit.record(actor, {
      action: 'service.delete',
      target: `service:${existing.name}`,
      details: {
        id: existing.id,
        changes: serviceChanges(existing, undefined),
        edgesRemoved: edges.length,
      },
    });
    return existing;
  }

  // ---- edges ----

  async listEdges(
    actor: Actor,
    query: EdgeListQuery,
  ): Promise<{ edges: EdgeView[]; nextCursor: string | null }> {
    let nodeId: string | undefined;
    if (query.node) {
      const asset =
        (await this.store.assets.get(query.node)) ??
        (await this.store.assets.getByName(query.node));
      const service = asset
        ? undefined
        : ((await this.store.cityServices.get(query.node)) ??
          (await this.store.cityServices.getByName(query.node)));
      nodeId = asset?.id ?? service?.id;
      if (nodeId === undefined)
        throw new NotFoundError(`There is no asset or city service '${query.node}'.`);
    }
    let type: EdgeType | undefined;
    if (query.type) {
      const t = EDGE_SPECS.type.check(query.type);
      if (!t.ok) throw new ValidationError(`type: ${t.reason}.`, { field: 'type' });
      type = t.value as EdgeType;
    }
    const scope = ownerScope(actor);
    let touching: string[] | undefined;
    if (scope !== undefined) {
      const v = await this.#visible(scope);
      touching = [...v.assets, ...v.services];
    }
    const edges = await this.store.assetEdges.list({
      limit: query.limit,
      ...(nodeId !== undefined && { nodeId }),
      ...(type !== undefined && { type }),
      ...(touching !== undefined && { touching }),
      ...(query.cursor && { afterId: query.cursor }),
    });
    const last = edges.at(-1);
    return {
      edges: await this.edgeViews(edges),
      nextCursor: edges.length === query.limit && last ? last.id : null,
    };
  }

  async #findEdge(actor: Actor, id: string): Promise<AssetEdgeRecord> {
    const edge = await this.store.assetEdges.get(id);
    if (!edge) throw new NotFoundError(`There is no edge '${id}'.`);
    const scope = ownerScope(actor);
    if (scope !== undefined) {
      const v = await this.#visible(scope);
      if (!v.assets.has(edge.fromId) && !v.assets.has(edge.toId) && !v.services.has(edge.toId))
        throw new ForbiddenError(
          'This edge touches none of your assets: an owner sees only the edges of their own.',
        );
    }
    return edge;
  }

  async getEdge(actor: Actor, id: string): Promise<EdgeView> {
    return (await this.edgeViews([await this.#findEdge(actor, id)]))[0]!;
  }

  /** Redundancy settings from either spelling (GROUP:K, or group and k), checked together. */
  #redundancy(
    f: EdgeFields,
    existing: AssetEdgeRecord | undefined,
  ): { group: string | null; k: number | null; problems: Problem[] } {
    const problems: Problem[] = [];
    let group =
      f.redundancyGroup !== undefined ? f.redundancyGroup : (existing?.redundancyGroup ?? null);
    let k = f.redundancyK !== undefined ? f.redundancyK : (existing?.redundancyK ?? null);
    if (f.redundancy !== undefined) {
      if (f.redundancyGroup !== undefined || f.redundancyK !== undefined)
        problems.push({
          field: 'redundancy',
          value: null,
          reason: 'give redundancy as GROUP:K or as redundancyGroup and redundancyK, not both',
        });
      group = f.redundancy?.group ?? null;
      k = f.redundancy?.k ?? null;
    }
    if (group === null && k !== null) {
      if (f.redundancyGroup === null) k = null;
      else
        problems.push({
          field: 'redundancyK',
          value: String(k),
          reason: 'k needs a redundancy group: the edges of one dependent that back each other up',
        });
    }
    if (group !== null && k === null) k = 1;
    return { group, k, problems };
  }

  /** Warnings about the redundancy group an edge is in, over the edges as they will be. */
  async groupWarnings(edge: AssetEdgeRecord, dependentName: string): Promise<string[]> {
    if (edge.redundancyGroup === null) return [];
    const dependent = edge.type === 'supports' ? edge.toId : edge.fromId;
    const all = await this.store.assetEdges.touching([dependent]);
    const group = [
      ...all.filter(
        (e) =>
          e.id !== edge.id &&
          e.redundancyGroup === edge.redundancyGroup &&
          (e.type === 'supports' ? e.toId : e.fromId) === dependent,
      ),
      edge,
    ];
    return redundancyWarnings(dependentName, edge.redundancyGroup, group);
  }

  /**
   * Adds an edge. Both ends must exist (`to` is a city service for `supports`, an asset
   * otherwise; each by id or name); the same edge twice is a 409.
   */
  async createEdge(actor: Actor, input: EdgeInput): Promise<EdgeResult> {
    const { values: f, problems } = checkFields<EdgeFields>(
      input as Record<string, unknown>,
      EDGE_SPECS,
    );
    for (const field of ['from', 'to', 'type'] as const)
      if (f[field] === undefined && !problems.some((p) => p.field === field))
        problems.push({ field, value: null, reason: `${field} is required` });
    const { group, k, problems: rp } = this.#redundancy(f, undefined);
    problems.push(...rp);
    if (problems.length > 0) throw invalid('The edge is wrong', problems);
    const type = f.type!;
    const from =
      (await this.store.assets.get(f.from!)) ?? (await this.store.assets.getByName(f.from!));
    const to =
      type === 'supports'
        ? ((await this.store.cityServices.get(f.to!)) ??
          (await this.store.cityServices.getByName(f.to!)))
        : ((await this.store.assets.get(f.to!)) ?? (await this.store.assets.getByName(f.to!)));
    if (!from)
      problems.push({ field: 'from', value: f.from!, reason: `there is no asset '${f.from}'` });
    else if (from.status === 'retired')
      problems.push({
        field: 'from',
        value: f.from!,
        reason: `the asset '${from.name}' is retired`,
      });
    if (!to)
      problems.push({
        field: 'to',
        value: f.to!,
        reason:
          type === 'supports'
            ? `there is no city service '${f.to}' (supports goes from an asset to a city service)`
            : `there is no asset '${f.to}'`,
      });
    else if ('status' in to && to.status === 'retired')
      problems.push({ field: 'to', value: f.to!, reason: `the asset '${to.name}' is retired` });
    if (from && to && from.id === to.id)
      problems.push({ field: 'to', value: f.to!, reason: 'an asset cannot depend on itself' });
    if (problems.length > 0) throw invalid('The edge is wrong', problems);
    if (await this.store.assetEdges.find(from!.id, to!.id, type))
      throw new ConflictError(
        `'${from!.name}' ${type} '${to!.name}' exists already; change it instead (PATCH /api/v1/asset-edges/ID).`,
      );
    const at = this.clock.now().toISOString();
    const edge: AssetEdgeRecord = {
      id: randomUUID(),
      fromId: from!.id,
      toId: to!.id,
      type,
      timeToImpactMinutes: f.timeToImpactMinutes ?? null,
      redundancyGroup: group,
      redundancyK: k,
      note: f.note ?? null,
      createdBy: this.#by(actor),
      createdAt: at,
      updatedBy: this.#by(actor),
      updatedAt: at,
    };
    const warnings = await this.groupWarnings(edge, type === 'supports' ? to!.name : from!.name);
    await this.store.assetEdges.insert(edge);
    const [view] = await this.edgeViews([edge]);
    await this.audit.record(actor, {
      action: 'asset_edge.create',
      target: `edge:${view!.fromName}>${type}>${view!.toName}`,
      details: { id: edge.id, changes: edgeChanges(undefined, edge), warnings },
    });
    return { edge: view!, warnings };
  }

  /** Changes an edge's time to impact, redundancy or note (its ends and type are fixed). */
  async updateEdge(actor: Actor, id: string, input: EdgeInput): Promise<EdgeResult> {
    const existing = await this.#findEdge(actor, id);
    const { values: f, problems } = checkFields<EdgeFields>(
      input as Record<string, unknown>,
      EDGE_SPECS,
    );
    for (const field of ['from', 'to', 'type'] as const)
      if (f[field] !== undefined)
        problems.push({
          field,
          value: String(f[field]),
          reason: `an edge's ${field} cannot change; delete the edge and add another`,
        });
    const { group, k, problems: rp } = this.#redundancy(f, existing);
    problems.push(...rp);
    if (problems.length > 0) throw invalid('The change is wrong', problems);
    const at = this.clock.now().toISOString();
    const next: AssetEdgeRecord = {
      ...existing,
      timeToImpactMinutes:
        f.timeToImpactMinutes !== undefined ? f.timeToImpactMinutes : existing.timeToImpactMinutes,
      redundancyGroup: group,
      redundancyK: k,
      note: f.note !== undefined ? f.note : existing.note,
      updatedBy: this.#by(actor),
      updatedAt: at,
    };
    const [view] = await this.edgeViews([next]);
    const warnings = await this.groupWarnings(
      next,
      next.type === 'supports' ? view!.toName : view!.fromName,
    );
    const changes = edgeChanges(existing, next);
    if (Object.keys(changes).length > 0) {
      await this.store.assetEdges.update(existing.id, {
        timeToImpactMinutes: next.timeToImpactMinutes,
        redundancyGroup: next.redundancyGroup,
        redundancyK: next.redundancyK,
        note: next.note,
        updatedBy: next.updatedBy,
        updatedAt: next.updatedAt,
      });
      await this.audit.record(actor, {
        action: 'asset_edge.update',
        target: `edge:${view!.fromName}>${next.type}>${view!.toName}`,
        details: { id: existing.id, changes, warnings },
      });
    }
    return { edge: view!, warnings };
  }

  async deleteEdge(actor: Actor, id: string): Promise<EdgeView> {
    const existing = await this.#findEdge(actor, id);
    const [view] = await this.edgeViews([existing]);
    await this.store.assetEdges.delete(existing.id);
    await this.audit.record(actor, {
      action: 'asset_edge.delete',
      target: `edge:${view!.fromName}>${existing.type}>${view!.toName}`,
      details: { id: existing.id, changes: edgeChanges(existing, undefined) },
    });
    return view!;
  }

  // ---- import ----

  /**
   * Imports assets, city services and edges from CSV or JSON, or hosts from nmap XML. All or
   * nothing, in one transaction: if any row is bad nothing is imported and the 400 lists every
   * bad row by line and field; a dry run makes the same checks and changes nothing.
   */
  async import(actor: Actor, request: AssetImportRequest): Promise<AssetImportResult> {
    const users = await this.users();
    const { result, batch, audit } = await importAssets(this.store, users, request, {
      by: this.#by(actor),
      at: this.clock.now().toISOString(),
    });
    if (request.dryRun) return result;
    if (result.errorCount > 0) {
      const listed = result.errors
        .slice(0, 20)
        .map((e) => `line ${e.line}: ${e.field}: ${e.reason}`)
        .join('; ');
      const more = result.errorCount > 20 ? `; and ${result.errorCount - 20} more` : '';
      throw new ValidationError(
        `${result.errorCount} problem(s) in ${result.rows} row(s), so nothing was imported (an import is all or nothing): ${listed}${more}.`,
        result,
      );
    }
    if (result.rows === 0)
      throw new ValidationError('There is nothing to import: no rows or hosts.', { field: 'text' });
    await this.store.assets.write(batch);
    result.imported = true;
    await this.audit.record(actor, {
      action: 'asset.import',
      target: `assets:${request.format}`,
      details: {
        format: request.format,
        rows: result.rows,
        assets: result.assets,
        services: result.services,
        edges: result.edges,
        ...audit,
      },
    });
    await this.#changed();
    return result;
  }
}
