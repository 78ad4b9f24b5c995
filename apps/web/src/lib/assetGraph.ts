// The dependency graph as Cytoscape draws it, and the marks a blast radius or a drill puts on it.
// Pure functions over the API's answers (GET /impact/graph, /impact/blast-radius, /impact/spof),
// so the picture's logic is tested without a browser.
import type { ElementDefinition } from 'cytoscape';
import type {
  AffectedNode,
  BlastRadius,
  CityService,
  EdgeType,
  GraphView,
  GraphViewEdge,
} from '../api/types';
import { zoneLabel } from './assets';

/** "0", "45 min", "4 h", "4 h 30 min", "2 d 3 h": the words the server's timeline uses. */
export function formatMinutes(minutes: number): string {
  if (minutes === Infinity) return 'never';
  if (minutes === 0) return '0';
  const whole = Math.floor(minutes);
  const d = Math.floor(whole / 1440);
  const h = Math.floor((whole % 1440) / 60);
  const m = Math.round((minutes - d * 1440 - h * 60) * 10) / 10;
  const parts: string[] = [];
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  return parts.join(' ') || '0';
}

/** `t=1 h 30 min`: minutes after the failure. */
export const at = (minutes: number): string => `t=${formatMinutes(minutes)}`;

/** How soon a node stops after the failure: the colour it gets. */
export type ImpactBand = 'root' | 'within-15' | 'within-60' | 'within-240' | 'later';

export const IMPACT_BANDS: { band: ImpactBand; label: string; colour: string }[] = [
  { band: 'root', label: 'failed or compromised (t=0)', colour: '#ff1f4b' },
  { band: 'within-15', label: 'stops within 15 min', colour: '#ff6b3d' },
  { band: 'within-60', label: 'within 1 h', colour: '#ff9f1c' },
  { band: 'within-240', label: 'within 4 h', colour: '#ffd23f' },
  { band: 'later', label: 'after 4 h', colour: '#e6f2a2' },
];

export function bandColour(band: ImpactBand): string {
  return IMPACT_BANDS.find((b) => b.band === band)!.colour;
}

export function impactBand(node: Pick<AffectedNode, 'root' | 'at' | 'cause'>): ImpactBand {
  if (node.root && node.cause === null) return 'root';
  if (node.at <= 15) return 'within-15';
  if (node.at <= 60) return 'within-60';
  if (node.at <= 240) return 'within-240';
  return 'later';
}

/** Asset colours by network zone: cool colours, so the warm impact colours stand out. */
export const ZONE_COLOURS: Record<string, string> = {
  it: '#4cc9f0',
  ot: '#a78bfa',
  iot: '#3ddc97',
  dmz: '#5c8dff',
  cloud: '#9fb3c8',
  none: '#6c7a89',
};

export const EDGE_TYPE_STYLES: Record<EdgeType, { label: string; colour: string }> = {
  depends_on: { label: 'depends on', colour: '#8fa0b5' },
  powered_by: { label: 'powered by', colour: '#c9a227' },
  network_via: { label: 'network via', colour: '#4cc9f0' },
  data_from: { label: 'data from', colour: '#a78bfa' },
  supports: { label: 'supports (a service)', colour: '#3ddc97' },
};

/** One id per edge: the register allows one edge of a type between two nodes. */
export function edgeId(e: { from: string; to: string; type: string }): string {
  return `${e.from}>${e.to}:${e.type}`;
}

/**
 * The direction a failure travels, which the arrows show: from what is needed to what needs it
 * (A depends_on B is drawn B → A; an asset supporting a service is drawn asset → service).
 */
export function flow(e: Pick<GraphViewEdge, 'from' | 'to' | 'type'>): {
  source: string;
  target: string;
} {
  return e.type === 'supports'
    ? { source: e.from, target: e.to }
    : { source: e.to, target: e.from };
}

export interface GraphElementsOptions {
  /** put assets in one box per network zone, and services in their own */
  groupByZone: boolean;
  /** where each node goes (see layerPositions); the layout places them otherwise */
  positions?: ReadonlyMap<string, { x: number; y: number }>;
}

export const zoneGroupId = (zone: string) => `zone:${zone}`;

/** Cytoscape elements for a view of the register: nodes, zone boxes when asked, edges. */
export function graphElements(view: GraphView, options: GraphElementsOptions): ElementDefinition[] {
  const out: ElementDefinition[] = [];
  if (options.groupByZone) {
    const groups = new Set(
      view.nodes.map((n) => (n.kind === 'service' ? 'services' : (n.zone ?? 'none'))),
    );
    for (const g of [...groups].sort()) {
      out.push({
        group: 'nodes',
        data: {
          id: zoneGroupId(g),
          label: g === 'services' ? 'City services' : g === 'none' ? 'No zone' : zoneLabel(g),
        },
        classes: 'zone-box',
      });
    }
  }
  for (const n of view.nodes) {
    const zone = n.kind === 'service' ? 'services' : (n.zone ?? 'none');
    out.push({
      group: 'nodes',
      data: {
        id: n.id,
        label: n.name,
        kind: n.kind,
        ...(options.groupByZone && { parent: zoneGroupId(zone) }),
      },
      ...(options.positions?.has(n.id) && { position: { ...options.positions.get(n.id)! } }),
      classes: [
        n.kind,
        n.kind === 'asset' ? `zone-${n.zone ?? 'none'}` : '',
        n.kind === 'asset' && n.criticality === 5 ? 'vital' : '',
        n.hops === 0 ? 'centre' : '',
      ]
        .filter(Boolean)
        .join(' '),
    });
  }
  // n of each k-of-n group, to label its edges "1 of 2" (one of the two needed)
  const groupSize = new Map<string, number>();
  const groupKey = (e: GraphViewEdge) =>
    `${e.type === 'supports' ? e.to : e.from}\u0000${e.redundancy?.group ?? ''}`;
  for (const e of view.edges)
    if (e.redundancy) groupSize.set(groupKey(e), (groupSize.get(groupKey(e)) ?? 0) + 1);
  for (const e of view.edges) {
    const labels: string[] = [];
    if (e.timeToImpactMinutes) labels.push(formatMinutes(e.timeToImpactMinutes));
    if (e.redundancy) labels.push(`${e.redundancy.k} of ${groupSize.get(groupKey(e))}`);
    out.push({
      group: 'edges',
      data: { id: edgeId(e), ...flow(e), type: e.type, label: labels.join(' · ') },
      classes: [`edge-${e.type}`, e.redundancy ? 'redundant' : ''].filter(Boolean).join(' '),
    });
  }
  return out;
}

export interface ImpactMarks {
  /** affected nodes by id: their colour band and when they stop */
  nodes: Map<string, { band: ImpactBand; at: number }>;
  /** edges along which the failure travelled (each affected node's cause) */
  edges: Set<string>;
  /** nodes that lost a dependency but kept working thanks to redundancy */
  survived: Set<string>;
}

export function impactMarks(blast: BlastRadius): ImpactMarks {
  const marks: ImpactMarks = { nodes: new Map(), edges: new Set(), survived: new Set() };
  for (const node of blast.affected) {
    marks.nodes.set(node.id, { band: impactBand(node), at: node.at });
    if (node.cause) marks.edges.add(edgeId(node.cause.edge));
  }
  for (const held of blast.survived) if (!marks.nodes.has(held.id)) marks.survived.add(held.id);
  return marks;
}

/** A city service a failure takes down, with when it passes its maximum tolerable downtime. */
export interface ServiceImpact {
  id: string;
  name: string;
  downAt: number;
  mtdMinutes: number | null;
  /** null: the service states no maximum tolerable downtime */
  mtdExceededAt: number | null;
  /** the chain of names from the failed asset to the service */
  chain: string[];
}

/** The services in a blast radius, soonest down first, with their MTDs from the register. */
export function serviceImpacts(
  blast: BlastRadius,
  services: ReadonlyMap<string, Pick<CityService, 'mtdMinutes'>>,
): ServiceImpact[] {
  const byId = new Map(blast.affected.map((a) => [a.id, a]));
  return blast.affected
    .filter((a) => a.kind === 'service')
    .map((a) => {
      const mtd = services.get(a.id)?.mtdMinutes ?? null;
      return {
        id: a.id,
        name: a.name,
        downAt: a.at,
        mtdMinutes: mtd,
        mtdExceededAt: mtd === null ? null : a.at + mtd,
        chain: chainOf(a, byId),
      };
    })
    .sort((x, y) => x.downAt - y.downAt || x.name.localeCompare(y.name));
}

/**
 * Names along the explanation, the failed root first and the node itself last: each affected
 * node's cause names what it lost, which was affected in turn (whole paths are not needed).
 */
export function chainOf(node: AffectedNode, affected: ReadonlyMap<string, AffectedNode>): string[] {
  const names = [node.name];
  const seen = new Set([node.id]);
  let current = node;
  while (current.cause) {
    const before = affected.get(current.cause.dependency);
    if (!before || seen.has(before.id)) break;
    names.unshift(before.name);
    seen.add(before.id);
    current = before;
  }
  return names;
}

export interface ViewMarkOptions {
  /** a blast radius or a drill's: affected nodes coloured, the rest dimmed */
  impact?: BlastRadius | null;
  /** single points of failure to ring */
  spof?: ReadonlySet<string>;
  /** assets picked to fail in a drill */
  picks?: ReadonlySet<string>;
  selected?: string | null;
}

/** The classes each node and edge of a view gets, by element id. */
export function viewMarks(view: GraphView, options: ViewMarkOptions): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (id: string, cls: string) => {
    const list = out.get(id);
    if (list) list.push(cls);
    else out.set(id, [cls]);
  };
  if (options.impact) {
    const marks = impactMarks(options.impact);
    for (const n of view.nodes) {
      const hit = marks.nodes.get(n.id);
      if (hit) {
        add(n.id, 'impact');
        add(n.id, `band-${hit.band}`);
      } else add(n.id, marks.survived.has(n.id) ? 'survived' : 'dim');
    }
    for (const e of view.edges) {
      const id = edgeId(e);
      add(id, marks.edges.has(id) ? 'on-path' : 'dim');
    }
  }
  for (const n of view.nodes) {
    if (options.spof?.has(n.id)) add(n.id, 'spof');
    if (options.picks?.has(n.id)) add(n.id, 'pick');
    if (options.selected === n.id) add(n.id, 'selected');
  }
  return out;
}

/**
 * A layered picture of the graph, in grid units (x: column, y: row): what everything needs at
 * the top, the city services in the bottom row, each node one layer below the lowest of what it
 * needs (the longest chain from the top), so every arrow points down and a failure reads as
 * falling. Nodes in a cycle are placed once the cycle is broken at its least-blocked node. Within
 * a layer, nodes sit near the average column of their neighbours (a few sweeps down and up);
 * layers wider than `maxPerRow` wrap onto more rows.
 */
export function layerPositions(
  view: GraphView,
  maxPerRow = 30,
): Map<string, { x: number; y: number }> {
  const ids = view.nodes.map((n) => n.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const preds: number[][] = ids.map(() => []);
  const succs: number[][] = ids.map(() => []);
  for (const e of view.edges) {
    const { source, target } = flow(e);
    const s = index.get(source);
    const t = index.get(target);
    if (s === undefined || t === undefined || s === t) continue;
    succs[s]!.push(t);
    preds[t]!.push(s);
  }
  // Longest path from the sources (Kahn's order; a cycle is broken where fewest wait).
  const waiting = preds.map((p) => p.length);
  const layer = new Array<number>(ids.length).fill(0);
  const placed = new Array<boolean>(ids.length).fill(false);
  const ready = ids.map((_, i) => i).filter((i) => waiting[i] === 0);
  let count = 0;
  while (count < ids.length) {
    if (ready.length === 0) {
      let best = -1;
      for (let i = 0; i < ids.length; i++)
        if (!placed[i] && (best < 0 || waiting[i]! < waiting[best]!)) best = i;
      ready.push(best);
    }
    const v = ready.shift()!;
    if (placed[v]) continue;
    placed[v] = true;
    count++;
    for (const w of succs[v]!) {
      layer[w] = Math.max(layer[w]!, layer[v]! + 1);
      if (--waiting[w]! === 0 && !placed[w]) ready.push(w);
    }
  }
  // City services share the bottom row, below every asset.
  const assetBottom = Math.max(
    -1,
    ...view.nodes.map((n, i) => (n.kind === 'asset' ? layer[i]! : -1)),
  );
  view.nodes.forEach((n, i) => {
    if (n.kind === 'service') layer[i] = assetBottom + 1;
  });

  const layers: number[][] = [];
  ids.forEach((_, i) => (layers[layer[i]!] ??= []).push(i));
  const column = new Array<number>(ids.length).fill(0);
  const order = (list: number[]) => list.forEach((v, k) => (column[v] = k));
  for (const list of layers) {
    if (!list) continue;
    list.sort((a, b) => view.nodes[a]!.name.localeCompare(view.nodes[b]!.name));
    order(list);
  }
  const centre = (v: number, of: number[][]) => {
    const near = of[v]!;
    if (near.length === 0) return column[v]!;
    return near.reduce((sum, u) => sum + column[u]!, 0) / near.length;
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const sequence = down ? layers : [...layers].reverse();
    for (const list of sequence) {
      if (!list) continue;
      const key = new Map(list.map((v) => [v, centre(v, down ? preds : succs)]));
      list.sort((a, b) => key.get(a)! - key.get(b)! || column[a]! - column[b]!);
      order(list);
    }
  }

  const out = new Map<string, { x: number; y: number }>();
  let row = 0;
  for (const list of layers) {
    if (!list) continue;
    const rows = Math.ceil(list.length / maxPerRow);
    for (let r = 0; r < rows; r++) {
      const part = list.slice(r * maxPerRow, (r + 1) * maxPerRow);
      part.forEach((v, k) => out.set(ids[v]!, { x: k - (part.length - 1) / 2, y: row }));
      row++;
    }
  }
  return out;
}
