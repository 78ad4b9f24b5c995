import {
  NotFoundError,
  blastRadius,
  buildGraph,
  graphView,
  riskRanking,
  singlePointsOfFailure,
  whatIf,
  type AlertLevel,
  type BlastRadius,
  type Clock,
  type ImpactAsset,
  type ImpactEdge,
  type ImpactGraph,
  type GraphView,
  type ImpactService as ImpactServiceNode,
  type OpenAlerts,
  type RiskEntry,
  type SinglePointOfFailure,
  type WhatIfResult,
} from '@prahari/core';
import type { AssetRecord, Store } from '@prahari/store';

const LEVEL_ORDER: AlertLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];
/** A graph older than this is rebuilt from the register (changes show within seconds). */
const GRAPH_TTL_MS = 5_000;
const PAGE = 5_000;

export interface FailedInput {
  /** asset or service id, or its exact name */
  ref: string;
  /** minutes after the start of the drill */
  at?: number;
  reason?: string;
}

/**
 * Cascading impact over the asset register: loads assets (not retired), services and
 * dependencies into the pure engine of @prahari/core and answers blast radius, what-if, single
 * points of failure and risk questions by asset name or id.
 */
export class ImpactService {
  #cached: { at: number; graph: ImpactGraph; names: Map<string, string> } | undefined;
  #building: Promise<{ graph: ImpactGraph; names: Map<string, string> }> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async #allAssets(): Promise<AssetRecord[]> {
    const out: AssetRecord[] = [];
    let afterName: string | undefined;
    for (;;) {
      const page = await this.store.assets.list({
        status: ['active', 'discovered'],
        limit: PAGE,
        ...(afterName !== undefined && { afterName }),
      });
      out.push(...page);
      if (page.length < PAGE) return out;
      afterName = page[page.length - 1]!.name;
    }
  }

  async #build(): Promise<{ graph: ImpactGraph; names: Map<string, string> }> {
    const [assets, services, edges, open] = await Promise.all([
      this.#allAssets(),
      this.store.cityServices.list({ limit: 1_000_000 }),
      this.store.assetEdges.all(),
      this.store.alerts.openByAsset(),
    ]);
    const known = new Set([...assets.map((a) => a.id), ...services.map((s) => s.id)]);
    const nodes: ImpactAsset[] = assets.map((a) => {
      const alerts = open.get(a.id);
      const openAlerts: OpenAlerts | null = alerts
        ? {
            count: alerts.count,
            maxLevel:
              LEVEL_ORDER[
                Math.max(...alerts.severities.map((s) => LEVEL_ORDER.indexOf(s as AlertLevel)), 0)
              ]!,
          }
        : null;
      return {
        id: a.id,
        name: a.name,
        kind: a.kind,
        criticality: a.criticality,
        zone: a.zone,
        internetExposed: a.internetExposed,
        personalData: a.personalData,
        openAlerts,
      };
    });
    const serviceNodes: ImpactServiceNode[] = services.map((s) => ({
      id: s.id,
      name: s.name,
      citizenImpact: s.citizenImpact,
      populationServed: s.populationServed,
      maxTolerableDowntimeMinutes: s.mtdMinutes,
    }));
    // Edges to retired assets no longer carry failures.
    const edgeNodes: ImpactEdge[] = edges
      .filter((e) => known.has(e.fromId) && known.has(e.toId))
      .map((e) => ({
        from: e.fromId,
        to: e.toId,
        type: e.type,
        timeToImpactMinutes: e.timeToImpactMinutes,
        redundancy: e.redundancyGroup ? { group: e.redundancyGroup, k: e.redundancyK } : null,
      }));
    const names = new Map<string, string>();
    for (const n of [...nodes, ...serviceNodes]) names.set(n.name.toLowerCase(), n.id);
    return { graph: buildGraph(nodes, serviceNodes, edgeNodes), names };
  }

  /** The register as a graph, rebuilt when older than a few seconds. */
  async graph(): Promise<{ graph: ImpactGraph; names: Map<string, string> }> {
    const now = this.clock.now().getTime();
    if (this.#cached && now - this.#cached.at < GRAPH_TTL_MS) return this.#cached;
    this.#building ??= this.#build().finally(() => (this.#building = undefined));
    const built = await this.#building;
    this.#cached = { at: now, ...built };
    return built;
  }

  #resolve(graph: ImpactGraph, names: Map<string, string>, refs: string[]): string[] {
    const unknown: string[] = [];
    const ids = refs.map((ref) => {
      if (graph.has(ref)) return ref;
      const id = names.get(ref.toLowerCase());
      if (id === undefined) unknown.push(ref);
      return id ?? ref;
    });
    if (unknown.length > 0)
      throw new NotFoundError(
        `No asset or service is called ${unknown.map((u) => `'${u}'`).join(', ')} (give a name or id from GET /api/v1/assets or /api/v1/services; retired assets are left out).`,
      );
    return ids;
  }

  /** `paths: false` leaves out each node's whole chain (its `cause` still explains it). */
  async blastRadius(
    failed: FailedInput[],
    horizonMinutes?: number,
    paths = true,
  ): Promise<BlastRadius> {
    const { graph, names } = await this.graph();
    const ids = this.#resolve(
      graph,
      names,
      failed.map((f) => f.ref),
    );
    return blastRadius(
      graph,
      failed.map((f, i) => ({
        id: ids[i]!,
        ...(f.at !== undefined && { at: f.at }),
        ...(f.reason && { reason: f.reason }),
      })),
      { paths, ...(horizonMinutes !== undefined && { horizonMinutes }) },
    );
  }

  async whatIf(failed: FailedInput[], horizonMinutes?: number): Promise<WhatIfResult> {
    const { graph, names } = await this.graph();
    const ids = this.#resolve(
      graph,
      names,
      failed.map((f) => f.ref),
    );
    return whatIf(
      graph,
      failed.map((f, i) => ({
        id: ids[i]!,
        ...(f.at !== undefined && { at: f.at }),
        ...(f.reason && { reason: f.reason }),
      })),
      { ...(horizonMinutes !== undefined && { horizonMinutes }) },
    );
  }

  async singlePointsOfFailure(limit: number): Promise<SinglePointOfFailure[]> {
    const { graph } = await this.graph();
    return singlePointsOfFailure(graph, { limit });
  }

  /** The riskiest assets, each with its open alerts (count and highest level) beside the score. */
  async risk(limit: number): Promise<(RiskEntry & { openAlerts: OpenAlerts | null })[]> {
    const { graph } = await this.graph();
    return riskRanking(graph, { limit }).map((entry) => ({
      ...entry,
      openAlerts: graph.assets[graph.indexOf(entry.id)]?.openAlerts ?? null,
    }));
  }

  /** The whole graph when small, or the neighbourhood of some assets or services (by name or id). */
  async view(around: string[], hops: number, limit: number): Promise<GraphView> {
    const { graph, names } = await this.graph();
    return graphView(graph, { around: this.#resolve(graph, names, around), hops, limit });
  }

  /** Problems the register's graph has that the analysis worked around (e.g. k above n). */
  async warnings(): Promise<{ path: string; message: string }[]> {
    return [...(await this.graph()).graph.warnings];
  }
}
