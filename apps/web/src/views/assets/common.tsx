// Pieces the asset pages share: the city services by id, how a blast radius is told in words,
// and small badges for criticality and zone.
import { useMemo } from 'react';
import { api } from '../../api/client';
import {
  CRITICALITY_MEANING,
  type BlastRadius,
  type CityService,
  type EdgeType,
} from '../../api/types';
import { num } from '../../components/ui';
import {
  EDGE_TYPE_STYLES,
  IMPACT_BANDS,
  at,
  bandColour,
  formatMinutes,
  impactBand,
  serviceImpacts,
  type ImpactBand,
} from '../../lib/assetGraph';
import { zoneLabel } from '../../lib/assets';
import { Link } from '../../lib/router';
import { useResource } from '../../lib/useResource';

/** Every city service by id (a city has tens or hundreds: one request of up to 1,000). */
export function useServices() {
  const res = useResource('services:all', (signal) =>
    api.get<{ services: CityService[]; nextCursor: string | null }>(
      '/services',
      { limit: 1000 },
      signal,
    ),
  );
  const byId = useMemo(() => new Map((res.data?.services ?? []).map((s) => [s.id, s])), [res.data]);
  return { ...res, byId };
}

export function CritBadge({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">not rated</span>;
  return (
    <span className={`crit crit-${value}`} title={CRITICALITY_MEANING[value]}>
      {value}
    </span>
  );
}

export function ZoneTag({ zone }: { zone: string | null }) {
  return <span className={`zone-tag zone-${zone ?? 'none'}`}>{zoneLabel(zone)}</span>;
}

export function edgeTypeLabel(type: EdgeType): string {
  return EDGE_TYPE_STYLES[type]?.label ?? type;
}

const ASSETS_LISTED = 40;

/**
 * A blast radius in words: how much stops, each city service with when it goes down and when it
 * passes its maximum tolerable downtime (and the chain that explains it), the assets soonest
 * first, and what redundancy kept working.
 */
export function ImpactSummary({
  blast,
  services,
  onPick,
}: {
  blast: BlastRadius;
  services: ReadonlyMap<string, CityService>;
  /** a click on an asset's name (the graph selects it); a link to its page otherwise */
  onPick?: (id: string) => void;
}) {
  const impacts = useMemo(() => serviceImpacts(blast, services), [blast, services]);
  const assets = blast.affected.filter((a) => a.kind === 'asset');
  const last = blast.affected.reduce((m, a) => Math.max(m, a.at), 0);
  const nameOf = (id: string, name: string) =>
    onPick ? (
      <button type="button" className="btn-link" onClick={() => onPick(id)}>
        {name}
      </button>
    ) : (
      <Link to={`/assets/${encodeURIComponent(id)}`}>{name}</Link>
    );
  return (
    <div className="impact-summary">
      <p className="impact-headline">
        <strong>{num(blast.assetsAffected)}</strong> asset{blast.assetsAffected === 1 ? '' : 's'}{' '}
        and <strong>{num(blast.servicesAffected)}</strong> city service
        {blast.servicesAffected === 1 ? '' : 's'} stop
        {last > 0 ? `, the last at ${at(last)}` : ''}.
      </p>
      <h3>City services</h3>
      {impacts.length === 0 ? (
        <p className="muted">No city service goes down.</p>
      ) : (
        <ul className="impact-services" aria-label="City services affected">
          {impacts.map((s) => (
            <li key={s.id} className={s.mtdExceededAt !== null ? 'mtd' : ''}>
              <div>
                <strong>{s.name}</strong> is down at <strong>{at(s.downAt)}</strong>
                {s.mtdMinutes !== null && s.mtdExceededAt !== null ? (
                  <>
                    {' '}
                    and passes its maximum tolerable downtime ({formatMinutes(s.mtdMinutes)}) at{' '}
                    <strong className="bad">{at(s.mtdExceededAt)}</strong>
                  </>
                ) : (
                  <span className="muted"> (it states no maximum tolerable downtime)</span>
                )}
                .
              </div>
              {s.chain.length > 1 && (
                <div className="chain small muted">because: {s.chain.join(' → ')}</div>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3>Assets, soonest first</h3>
      <ul className="impact-assets" aria-label="Assets affected">
        {assets.slice(0, ASSETS_LISTED).map((a) => (
          <li key={a.id}>
            <BandDot band={impactBand(a)} />
            <span className="impact-at">
              {a.root && a.cause === null ? 'fails' : at(a.at)}
            </span>{' '}
            {nameOf(a.id, a.name)}
          </li>
        ))}
      </ul>
      {assets.length > ASSETS_LISTED && (
        <p className="muted small">and {num(assets.length - ASSETS_LISTED)} more.</p>
      )}
      {blast.survived.length > 0 && (
        <>
          <h3>Kept working by redundancy</h3>
          <ul className="impact-survived" aria-label="Kept working by redundancy">
            {blast.survived.map((h) => (
              <li key={`${h.id}:${h.group}`}>
                {nameOf(h.id, h.name)}: lost {h.lost.length} of {h.n} in “{h.group}”, {h.working}{' '}
                still working (needs {h.k})
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The colour scale of time to impact. */
export function ImpactScale() {
  return (
    <ul className="legend-list" aria-label="Time to impact">
      {IMPACT_BANDS.map((b) => (
        <li key={b.band}>
          <BandDot band={b.band} /> {b.label}
        </li>
      ))}
    </ul>
  );
}

export function BandDot({ band }: { band: ImpactBand }) {
  return <span className="band-dot" style={{ background: bandColour(band) }} aria-hidden="true" />;
}
