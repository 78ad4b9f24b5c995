import type { ImpactGraph } from './graph.js';
import { checkHorizon, readBlastRadius, resolveRoots } from './blast-radius.js';
import { CAUSE_ROOT, withPropagation } from './propagate.js';
import type {
  BlastRadiusOptions,
  FailedNode,
  ImpactEdgeType,
  ImpactStep,
  ServiceOutcome,
  TimelineEvent,
  TimelineEventKind,
  WhatIfResult,
} from './types.js';

/** "0", "45 min", "4 h", "4 h 30 min", "2 d 3 h" */
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

const RELATION: Record<ImpactEdgeType, string> = {
  depends_on: 'depends on',
  powered_by: 'is powered by',
  network_via: 'reaches the network via',
  data_from: 'takes data from',
  supports: 'is supported by',
};

const KIND_ORDER: Record<TimelineEventKind, number> = {
  root: 0,
  degraded: 1,
  down: 2,
  mtd_exceeded: 3,
};

const t = (minutes: number): string => `t=${formatMinutes(minutes)}`;

function downText(graph: ImpactGraph, name: string, isService: boolean, step: ImpactStep): string {
  const depName = graph.names[graph.edgeDependency[step.edgeIndex]!]!;
  const stops = isService ? 'is down' : 'stops';
  const delay = step.at - step.dependencyFailedAt;
  const buffer = delay > 0 ? ` (time-to-impact ${formatMinutes(delay)})` : '';
  if (step.redundancy) {
    const r = step.redundancy;
    return `${t(step.at)} ${name} ${stops}: lost ${r.lost.length} of ${r.n} in redundancy group '${r.group}' (needs ${r.k}), the last ${depName}, down since ${t(step.dependencyFailedAt)}${buffer}`;
  }
  return `${t(step.at)} ${name} ${stops}: it ${RELATION[step.edge.type]} ${depName}, down since ${t(step.dependencyFailedAt)}${buffer}`;
}

/**
 * A drill: fail `failed` and tell the story in time order — each root failing, each loss a
 * redundancy group absorbs (`degraded`), each asset and service going down with why, and each
 * service passing its maximum tolerable downtime (`mtd_exceeded`, at downAt + MTD; nothing is
 * restored in a drill). With `horizonMinutes`, only events up to then are told.
 */
export function whatIf(
  graph: ImpactGraph,
  failed: readonly (string | FailedNode)[],
  options: BlastRadiusOptions = {},
): WhatIfResult {
  const roots = resolveRoots(graph, failed);
  const horizon = checkHorizon(options.horizonMinutes);
  const reasons = new Map<number, string>();
  for (const r of roots.list) if (r.reason !== undefined) reasons.set(r.index, r.reason);

  return withPropagation(graph, roots.list, horizon, null, (p) => {
    const blast = readBlastRadius(graph, p, roots, horizon, options.paths === true);
    const events: TimelineEvent[] = [];
    const services: ServiceOutcome[] = [];

    for (let i = 0; i < blast.affected.length; i++) {
      const node = blast.affected[i]!;
      const v = p.order[i]!; // affected is in settling order
      if (p.cause[v] === CAUSE_ROOT) {
        const reason = reasons.get(v);
        events.push({
          at: node.at,
          kind: 'root',
          id: node.id,
          name: node.name,
          nodeKind: node.kind,
          text: `${t(node.at)} ${node.name} ${reason ?? 'fails'}`,
        });
      } else if (node.cause) {
        events.push({
          at: node.at,
          kind: 'down',
          id: node.id,
          name: node.name,
          nodeKind: node.kind,
          text: downText(graph, node.name, node.kind === 'service', node.cause),
          cause: node.cause,
        });
      }
      const s = graph.service(v);
      if (s) {
        const mtd = s.maxTolerableDowntimeMinutes ?? null;
        const mtdExceededAt = mtd === null ? null : node.at + mtd;
        services.push({
          id: node.id,
          name: node.name,
          citizenImpact: s.citizenImpact ?? 3,
          populationServed: s.populationServed ?? null,
          downAt: node.at,
          maxTolerableDowntimeMinutes: mtd,
          mtdExceededAt,
        });
        if (mtd !== null && mtdExceededAt! <= horizon) {
          events.push({
            at: mtdExceededAt!,
            kind: 'mtd_exceeded',
            id: node.id,
            name: node.name,
            nodeKind: 'service',
            text: `${t(mtdExceededAt!)} ${node.name} exceeds its maximum tolerable downtime (${formatMinutes(mtd)})`,
            maxTolerableDowntimeMinutes: mtd,
          });
        }
      }
    }

    // Losses a k-of-n group absorbed: when its dependencies fail while the dependent still
    // works (whether or not the group gives way later); losses at the same moment are one event.
    for (let i = 0; i < p.touchedGroupCount; i++) {
      const grp = p.touchedGroups[i]!;
      const w = graph.groupDependent[grp]!;
      const downAt = p.done[w] ? p.time[w]! : Infinity;
      const members = p
        .lostMembers(grp, Infinity)
        .map((x) => ({ dep: graph.edgeDependency[x.edge]!, edge: x.edge }))
        .map((x) => ({ ...x, lostAt: p.time[x.dep]! }))
        .filter((x) => x.lostAt < downAt)
        .sort((a, b) => a.lostAt - b.lostAt || a.edge - b.edge);
      const n = graph.groupSize[grp]!;
      const k = graph.groupK[grp]!;
      const group = graph.groupName[grp]!;
      for (let j = 0; j < members.length;) {
        const lostAt = members[j]!.lostAt;
        let end = j;
        while (end < members.length && members[end]!.lostAt === lostAt) end++;
        const batch = members.slice(j, end);
        j = end;
        const working = n - end;
        const names = batch.map((m) => graph.names[m.dep]!);
        const what =
          names.length === 1
            ? names[0]
            : `${names.length} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
        const holds = working >= k ? 'still working' : 'still running on its buffer';
        events.push({
          at: lostAt,
          kind: 'degraded',
          id: graph.ids[w]!,
          name: graph.names[w]!,
          nodeKind: graph.kindOf(w),
          text: `${t(lostAt)} ${graph.names[w]} loses ${what}: ${working} of ${n} in redundancy group '${group}' ${holds} (needs ${k})`,
          redundancy: { group, k, n, lost: batch.map((m) => graph.ids[m.dep]!), working },
        });
      }
    }

    const ordered = events
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.at - b.e.at || KIND_ORDER[a.e.kind] - KIND_ORDER[b.e.kind] || a.i - b.i)
      .map((x) => x.e);
    services.sort((a, b) => a.downAt - b.downAt);
    let firstMtdExceededAt: number | null = null;
    for (const s of services)
      if (
        s.mtdExceededAt !== null &&
        (firstMtdExceededAt === null || s.mtdExceededAt < firstMtdExceededAt)
      )
        firstMtdExceededAt = s.mtdExceededAt;

    return { blastRadius: blast, timeline: ordered, services, firstMtdExceededAt };
  });
}
