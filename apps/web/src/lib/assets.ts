// The asset table's filter lives in the page's address (?q=…&kind=camera&zone=ot&status=discovered),
// so a filtered register can be bookmarked; the server does the filtering (GET /api/v1/assets).
import type { Query } from '../api/client';
import type { Asset, CityService, RiskEntry } from '../api/types';

export type StatusChoice = 'current' | 'discovered' | 'active' | 'retired' | 'all';

export interface AssetFilter {
  /** part of the name, description, vendor or product, or the start of an address */
  q: string;
  kind: string;
  zone: string;
  department: string;
  /** username */
  owner: string;
  /** '' or '1'…'5' */
  minCriticality: string;
  status: StatusChoice;
}

export const DEFAULT_ASSET_FILTER: AssetFilter = {
  q: '',
  kind: '',
  zone: '',
  department: '',
  owner: '',
  minCriticality: '',
  status: 'current',
};

export const STATUS_CHOICES: { value: StatusChoice; label: string }[] = [
  { value: 'current', label: 'active and discovered' },
  { value: 'discovered', label: 'discovered, awaiting confirmation' },
  { value: 'active', label: 'active' },
  { value: 'retired', label: 'retired' },
  { value: 'all', label: 'all, retired too' },
];

const STATUS_VALUES = STATUS_CHOICES.map((s) => s.value) as string[];

export function assetFilterFromParams(params: URLSearchParams): AssetFilter {
  const status = params.get('status') ?? '';
  const min = params.get('minCriticality') ?? '';
  return {
    q: params.get('q') ?? '',
    kind: params.get('kind') ?? '',
    zone: params.get('zone') ?? '',
    department: params.get('department') ?? '',
    owner: params.get('owner') ?? '',
    minCriticality: /^[1-5]$/.test(min) ? min : '',
    status: STATUS_VALUES.includes(status) ? (status as StatusChoice) : 'current',
  };
}

/** The parameter values for a filter; what is at its default is left out of the address. */
export function assetFilterToParams(filter: AssetFilter): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(DEFAULT_ASSET_FILTER) as (keyof AssetFilter)[]) {
    const value = filter[key].trim();
    out[key] = value === DEFAULT_ASSET_FILTER[key] ? undefined : value;
  }
  return out;
}

/** GET /api/v1/assets parameters for a filter (without limit and cursor). */
export function assetListQuery(filter: AssetFilter): Query {
  const statuses: Record<StatusChoice, string[] | undefined> = {
    current: undefined,
    discovered: ['discovered'],
    active: ['active'],
    retired: ['retired'],
    all: ['active', 'discovered', 'retired'],
  };
  return {
    q: filter.q.trim(),
    kind: filter.kind ? [filter.kind] : undefined,
    zone: filter.zone ? [filter.zone] : undefined,
    department: filter.department.trim(),
    owner: filter.owner.trim(),
    minCriticality: filter.minCriticality,
    status: statuses[filter.status],
  };
}

export function isFiltered(filter: AssetFilter): boolean {
  return Object.values(assetFilterToParams(filter)).some((v) => v !== undefined);
}

/**
 * What the table shows of an asset. The register can hold 50,000 assets; keeping only these
 * fields (not the open ports, addresses' labels …) keeps the page's memory small.
 */
export interface AssetRow {
  id: string;
  name: string;
  kind: string;
  zone: string | null;
  department: string | null;
  ownerName: string | null;
  criticality: number | null;
  status: Asset['status'];
  /** the first IP, else the first hostname */
  address: string;
  /** ward and site */
  place: string;
  lastSeen: string | null;
  internetExposed: boolean;
  personalData: boolean;
}

export function assetRow(a: Asset): AssetRow {
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    zone: a.zone,
    department: a.department,
    ownerName: a.ownerName,
    criticality: a.criticality,
    status: a.status,
    address: a.ips[0] ?? a.hostnames[0] ?? '',
    place: [a.ward, a.site].filter(Boolean).join(', '),
    lastSeen: a.lastSeen,
    internetExposed: a.internetExposed,
    personalData: a.personalData,
  };
}

/** Risk by asset id, from GET /api/v1/impact/risk. */
export interface RiskOf {
  score: number;
  rank: number;
  openAlerts: number;
  maxLevel: string | null;
}

export function riskIndex(entries: readonly RiskEntry[]): Map<string, RiskOf> {
  return new Map(
    entries.map((e) => [
      e.id,
      {
        score: e.score,
        rank: e.rank,
        openAlerts: e.openAlerts?.count ?? 0,
        maxLevel: e.openAlerts?.maxLevel ?? null,
      },
    ]),
  );
}

/** A city service the riskiest assets would take down, with those assets (riskiest first). */
export interface ServiceAtRisk {
  service: CityService;
  assets: { id: string; name: string; score: number }[];
}

/**
 * The city services that the loss of one of the riskiest assets alone would take down, most
 * citizens affected first (then the riskiest asset behind them): what a CISO protects first.
 */
export function servicesAtRisk(
  entries: readonly RiskEntry[],
  services: ReadonlyMap<string, CityService>,
): ServiceAtRisk[] {
  const byService = new Map<string, ServiceAtRisk>();
  for (const e of entries)
    for (const id of e.servicesDown) {
      const service = services.get(id);
      if (!service) continue;
      const at = byService.get(id) ?? { service, assets: [] };
      at.assets.push({ id: e.id, name: e.name, score: e.score });
      byService.set(id, at);
    }
  const top = (s: ServiceAtRisk) => Math.max(...s.assets.map((a) => a.score));
  for (const s of byService.values()) s.assets.sort((a, b) => b.score - a.score);
  return [...byService.values()].sort(
    (a, b) => b.service.citizenImpact - a.service.citizenImpact || top(b) - top(a),
  );
}

/** `network_device` → `network device` */
export function kindLabel(kind: string | null | undefined): string {
  return kind ? kind.replaceAll('_', ' ') : '—';
}

/** `ot` → `OT` */
export function zoneLabel(zone: string | null | undefined): string {
  if (!zone) return '—';
  return zone === 'cloud' ? 'cloud' : zone.toUpperCase();
}
