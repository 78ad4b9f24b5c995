// The dependency graph: select an asset to see its blast radius (what stops, coloured by how
// soon, and when each city service passes its maximum tolerable downtime), ring the single
// points of failure, or run a what-if drill on several assets. A small register is drawn whole;
// a large one (50,000 assets) shows the neighbourhood of the chosen asset.
import { useMemo, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type {
  Asset,
  BlastRadius,
  CityService,
  GraphView,
  SinglePointOfFailure,
  WhatIfResult,
} from '../../api/types';
import { ErrorBox, Loading, Notice, num } from '../../components/ui';
import {
  EDGE_TYPE_STYLES,
  ZONE_COLOURS,
  at,
  graphElements,
  layerPositions,
  viewMarks,
} from '../../lib/assetGraph';
import { kindLabel, zoneLabel } from '../../lib/assets';
import { Link, setParams, useLocation } from '../../lib/router';
import { useResource } from '../../lib/useResource';
import { ImpactScale, ImpactSummary, useServices } from './common';
import type { GraphLayout } from './CytoscapeGraph';
import { LazyGraph } from './LazyGraph';

/** Nodes drawn at most: a register up to this size is drawn whole. */
const NODE_LIMIT = 1500;
const HOPS = [1, 2, 3, 4];

interface Pick {
  id: string;
  name: string;
  /** minutes after the start when it fails, as typed */
  at: string;
}

export function GraphTab() {
  const { params } = useLocation();
  const selected = params.get('asset');
  const centre = params.get('centre') ?? selected;
  const hops = HOPS.includes(Number(params.get('hops'))) ? Number(params.get('hops')) : 2;
  const layout: GraphLayout = params.get('layout') === 'zones' ? 'zones' : 'layers';
  const spofOn = params.get('spof') === '1';
  const drill = params.get('mode') === 'drill';

  const whole = useResource('graph:whole', (signal) =>
    api.get<GraphView>('/impact/graph', { limit: NODE_LIMIT }, signal),
  );
  const large = whole.data !== undefined && !whole.data.complete;
  const near = useResource(large && centre ? `graph:${centre}:${hops}` : null, (signal) =>
    api.get<GraphView>('/impact/graph', { around: [centre!], hops, limit: NODE_LIMIT }, signal),
  );
  const view = large ? near.data : whole.data;
  const services = useServices();
  const blast = useResource(selected && !drill ? `blast:${selected}` : null, (signal) =>
    api.get<BlastRadius>('/impact/blast-radius', { asset: selected!, paths: false }, signal),
  );
  const spof = useResource(spofOn ? 'spof' : null, (signal) =>
    api.get<SinglePointOfFailure[]>('/impact/spof', { limit: 1000 }, signal),
  );
  const [picks, setPicks] = useState<Pick[]>([]);
  const [drillResult, setDrillResult] = useState<WhatIfResult | null>(null);

  const nodes = useMemo(() => new Map((view?.nodes ?? []).map((n) => [n.id, n])), [view]);
  // ?asset= may name the node rather than give its id (a typed or shared address).
  const selectedNode = useMemo(
    () =>
      selected
        ? (nodes.get(selected) ??
          [...nodes.values()].find((n) => n.name.toLowerCase() === selected.toLowerCase()))
        : undefined,
    [nodes, selected],
  );
  const selectedId = selectedNode?.id ?? selected;
  const centreName =
    (centre && (nodes.get(centre)?.name ?? (centre === selected ? selectedNode?.name : null))) ??
    centre;
  const elements = useMemo(() => {
    if (!view) return [];
    if (layout === 'zones') return graphElements(view, { groupByZone: true });
    // Grid units to pixels: room for a label across, and for an edge label between rows.
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const grid = layerPositions(view);
    const positions = new Map(
      [...grid].map(([id, p]) => [id, { x: p.x * rem * 9, y: p.y * rem * 6 }]),
    );
    return graphElements(view, { groupByZone: false, positions });
  }, [view, layout]);
  const spofIds = useMemo(() => new Set((spof.data ?? []).map((s) => s.id)), [spof.data]);
  const pickIds = useMemo(() => new Set(picks.map((p) => p.id)), [picks]);
  const marks = useMemo(
    () =>
      view
        ? viewMarks(view, {
            impact: drill ? drillResult?.blastRadius : blast.data,
            spof: spofIds,
            picks: drill ? pickIds : undefined,
            selected: drill ? null : selectedId,
          })
        : new Map<string, string[]>(),
    [view, drill, drillResult, blast.data, spofIds, pickIds, selectedId],
  );

  const togglePick = (id: string, name: string) => {
    setDrillResult(null);
    setPicks((list) =>
      list.some((p) => p.id === id)
        ? list.filter((p) => p.id !== id)
        : [...list, { id, name, at: '0' }],
    );
  };
  const select = (id: string | null, name?: string) => {
    if (drill) {
      if (id) togglePick(id, name ?? nodes.get(id)?.name ?? id);
      return;
    }
    setParams(
      { asset: id ?? undefined, ...(id && large && !nodes.has(id) && { centre: id }) },
      { replace: true },
    );
  };

  const described = view
    ? large
      ? `The ${num(view.nodes.length)} nodes within ${hops} step${hops === 1 ? '' : 's'} of ${centreName ?? 'the chosen node'}, of a register of ${num(view.total.assets)} assets and ${num(view.total.services)} services${view.complete ? '' : ` (cut at ${num(NODE_LIMIT)}, nearest first)`}.`
      : `All ${num(view.total.assets)} assets and ${num(view.total.services)} city services, with ${num(view.total.edges)} dependencies.`
    : '';

  return (
    <div className="graph-tab">
      <div className="filters graph-toolbar" role="group" aria-label="Graph controls">
        <NodePicker
          view={view}
          large={large}
          services={services.data?.services ?? []}
          action={drill ? 'Add to the drill' : 'Select'}
          onPick={select}
        />
        {large && (
          <label>
            Steps around it{' '}
            <select
              value={hops}
              onChange={(e) => setParams({ hops: e.target.value }, { replace: true })}
            >
              {HOPS.map((h) => (
                <option key={h} value={h}>
                  {h}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="segmented" role="group" aria-label="Layout">
          {(
            [
              ['layers', 'Layers'],
              ['zones', 'By zone'],
            ] as const
          ).map(([key, label]) => (
            <button
              key={key}
              type="button"
              className={layout === key ? 'active' : ''}
              aria-pressed={layout === key}
              onClick={() =>
                setParams({ layout: key === 'layers' ? undefined : key }, { replace: true })
              }
            >
              {label}
            </button>
          ))}
        </div>
        <button
          type="button"
          className={spofOn ? 'btn btn-on' : 'btn'}
          aria-pressed={spofOn}
          onClick={() => setParams({ spof: spofOn ? undefined : '1' }, { replace: true })}
        >
          Single points of failure
        </button>
        <button
          type="button"
          className={drill ? 'btn btn-on' : 'btn'}
          aria-pressed={drill}
          onClick={() => {
            setDrillResult(null);
            setParams({ mode: drill ? undefined : 'drill' }, { replace: true });
          }}
        >
          What-if drill
        </button>
      </div>
      {whole.error ? (
        <ErrorBox error={whole.error} onRetry={whole.reload} />
      ) : near.error ? (
        <ErrorBox error={near.error} onRetry={near.reload} />
      ) : !whole.data || (large && centre && !near.data) ? (
        <Loading what="Loading the dependency graph" />
      ) : large && !centre ? (
        <Notice>
          The register holds {num(whole.data.total.assets)} assets and{' '}
          {num(whole.data.total.services)} city services: too many to draw at once. Type the name of
          an asset or service above to see its neighbourhood.
        </Notice>
      ) : view && view.nodes.length === 0 ? (
        <Notice>
          The register is empty: import the city’s assets, services and dependencies first (
          <code>prahari assets import city.csv</code>).
        </Notice>
      ) : (
        view && (
          <>
            <p className="muted small graph-described">{described}</p>
            <div className="graph-layout">
              <div className="graph-main">
                <LazyGraph
                  elements={elements}
                  layout={layout}
                  marks={marks}
                  onSelect={(id) => select(id)}
                  focus={drill ? null : selectedId}
                  label={`Dependency graph. ${described} Arrows point from what is needed to what needs it. Select nodes with the name field above; the side panel lists what the selection affects.`}
                />
              </div>
              <aside className="graph-side" aria-label="Graph details">
                {drill ? (
                  <DrillPanel
                    picks={picks}
                    setPicks={(p) => {
                      setDrillResult(null);
                      setPicks(p);
                    }}
                    result={drillResult}
                    onResult={setDrillResult}
                    services={services.byId}
                    onPick={(id) => togglePick(id, nodes.get(id)?.name ?? id)}
                  />
                ) : selected ? (
                  <BlastPanel
                    id={selectedId!}
                    name={selectedNode?.name}
                    kind={selectedNode?.kind}
                    blast={blast.data}
                    error={blast.error}
                    retry={blast.reload}
                    services={services.byId}
                    onPick={(id) => select(id)}
                    recentre={
                      large && selected !== centre && selectedId !== centre
                        ? () => setParams({ centre: selected }, { replace: true })
                        : undefined
                    }
                  />
                ) : (
                  <p className="muted">
                    Select an asset (click it, or type its name above) to see what its failure or
                    compromise takes down, and when.
                  </p>
                )}
                {spofOn && (
                  <SpofPanel
                    spof={spof.data}
                    error={spof.error}
                    inView={nodes}
                    onPick={(id) => select(id)}
                  />
                )}
                <Legend />
              </aside>
            </div>
          </>
        )
      )}
    </div>
  );
}

/** Choose a node by name: those drawn, and in a large register what the server finds. */
function NodePicker({
  view,
  large,
  services,
  action,
  onPick,
}: {
  view: GraphView | undefined;
  large: boolean;
  services: CityService[];
  action: string;
  onPick: (id: string, name: string) => void;
}) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const typed = text.trim();
  const found = useResource(large && typed.length >= 2 ? `graph-pick:${typed}` : null, (signal) =>
    api.get<{ assets: Asset[] }>('/assets', { q: typed, limit: 20 }, signal),
  );
  const options = useMemo(() => {
    const out = new Map<string, { id: string; name: string; hint: string }>();
    for (const n of view?.nodes ?? [])
      out.set(n.name.toLowerCase(), {
        id: n.id,
        name: n.name,
        hint: n.kind === 'service' ? 'city service' : kindLabel(n.assetKind),
      });
    if (large) {
      for (const a of found.data?.assets ?? [])
        out.set(a.name.toLowerCase(), { id: a.id, name: a.name, hint: kindLabel(a.kind) });
      for (const s of services)
        out.set(s.name.toLowerCase(), { id: s.id, name: s.name, hint: 'city service' });
    }
    return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [view, large, found.data, services]);
  const choose = async () => {
    const same = (o: { name: string }) => o.name.toLowerCase() === typed.toLowerCase();
    let hit: { id: string; name: string } | undefined = options.find(same);
    // In a large register the name may not be among the suggestions yet: ask the server.
    if (!hit && large) {
      try {
        const answer = await api.get<{ assets: Asset[] }>('/assets', { q: typed, limit: 50 });
        hit = answer.assets.find(same);
      } catch (err) {
        setProblem(errorMessage(err));
        return;
      }
    }
    if (!hit) {
      setProblem(`No asset or service is called “${typed}”.`);
      return;
    }
    setProblem(null);
    setText('');
    onPick(hit.id, hit.name);
  };
  return (
    <form
      className="node-picker"
      onSubmit={(e) => {
        e.preventDefault();
        void choose();
      }}
    >
      <label>
        Asset or service{' '}
        <input
          list="graph-node-names"
          value={text}
          size={22}
          onChange={(e) => setText(e.target.value)}
          placeholder="name"
          aria-invalid={problem !== null}
        />
      </label>
      <datalist id="graph-node-names">
        {options.slice(0, 500).map((o) => (
          <option key={o.id} value={o.name}>
            {o.hint}
          </option>
        ))}
      </datalist>
      <button type="submit" className="btn" disabled={typed === ''}>
        {action}
      </button>
      {problem && (
        <span className="bad small" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}

function BlastPanel({
  id,
  name,
  kind,
  blast,
  error,
  retry,
  services,
  onPick,
  recentre,
}: {
  id: string;
  name: string | undefined;
  kind: 'asset' | 'service' | undefined;
  blast: BlastRadius | undefined;
  error: unknown;
  retry: () => void;
  services: ReadonlyMap<string, CityService>;
  onPick: (id: string) => void;
  recentre?: () => void;
}) {
  const root = blast?.roots[0]?.id;
  const title = name ?? blast?.affected.find((a) => a.id === root)?.name ?? 'it';
  const href =
    kind === 'service'
      ? `/assets?tab=services&open=${encodeURIComponent(id)}`
      : `/assets/${encodeURIComponent(id)}`;
  return (
    <section className="blast-panel" aria-label="Blast radius">
      <h2>If {title} fails or is compromised</h2>
      <p className="small">
        <Link to={href}>Open its page</Link>
        {recentre && (
          <>
            {' · '}
            <button type="button" className="btn-link" onClick={recentre}>
              Centre the graph here
            </button>
          </>
        )}
      </p>
      {error ? (
        <ErrorBox error={error} onRetry={retry} />
      ) : !blast ? (
        <Loading what="Working out the cascade" />
      ) : (
        <ImpactSummary blast={blast} services={services} onPick={onPick} />
      )}
    </section>
  );
}

function DrillPanel({
  picks,
  setPicks,
  result,
  onResult,
  services,
  onPick,
}: {
  picks: Pick[];
  setPicks: (picks: Pick[]) => void;
  result: WhatIfResult | null;
  onResult: (r: WhatIfResult | null) => void;
  services: ReadonlyMap<string, CityService>;
  onPick: (id: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      onResult(
        await api.post<WhatIfResult>('/impact/what-if', {
          failed: picks.map((p) => ({ asset: p.id, at: Math.max(0, Number(p.at) || 0) })),
          timelineLimit: 200,
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="drill-panel" aria-label="What-if drill">
      <h2>What-if drill</h2>
      <p className="muted small">
        Pick what fails: click assets in the graph, or add them by name above. Each fails at its own
        time, in minutes after the start.
      </p>
      {picks.length === 0 ? (
        <p className="muted">Nothing picked yet.</p>
      ) : (
        <ul className="drill-picks" aria-label="Failing in the drill">
          {picks.map((p, i) => (
            <li key={p.id}>
              <span className="drill-name">{p.name}</span>
              <label className="inline small">
                fails at t=
                <input
                  type="number"
                  min={0}
                  step={5}
                  value={p.at}
                  aria-label={`${p.name} fails at, minutes`}
                  onChange={(e) =>
                    setPicks(picks.map((x, j) => (j === i ? { ...x, at: e.target.value } : x)))
                  }
                />
                min
              </label>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                aria-label={`Remove ${p.name}`}
                onClick={() => setPicks(picks.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={picks.length === 0 || busy}
          onClick={() => void run()}
        >
          Run the drill
        </button>
        {picks.length > 0 && (
          <button type="button" className="btn btn-ghost" onClick={() => setPicks([])}>
            Clear
          </button>
        )}
      </div>
      {error && <Notice tone="bad">{error}</Notice>}
      {result && (
        <div className="drill-result" aria-label="Drill result">
          {result.firstMtdExceededAt !== null && (
            <Notice tone="bad">
              A city service passes its maximum tolerable downtime at{' '}
              {at(result.firstMtdExceededAt)}.
            </Notice>
          )}
          <ImpactSummary blast={result.blastRadius} services={services} onPick={onPick} />
          <h3>Timeline</h3>
          <ol className="timeline" aria-label="Drill timeline">
            {result.timeline.map((t, i) => (
              <li key={i} className={`timeline-${t.kind}`}>
                {t.text}
              </li>
            ))}
          </ol>
          {result.timelineTotal > result.timeline.length && (
            <p className="muted small">
              The first {num(result.timeline.length)} of {num(result.timelineTotal)} moments.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function SpofPanel({
  spof,
  error,
  inView,
  onPick,
}: {
  spof: SinglePointOfFailure[] | undefined;
  error: unknown;
  inView: ReadonlyMap<string, unknown>;
  onPick: (id: string) => void;
}) {
  const shown = (spof ?? []).slice(0, 15);
  const outside = (spof ?? []).filter((s) => !inView.has(s.id)).length;
  return (
    <section className="spof-panel" aria-label="Single points of failure">
      <h2>Single points of failure</h2>
      {error ? (
        <ErrorBox error={error} />
      ) : !spof ? (
        <Loading what="Finding single points of failure" />
      ) : spof.length === 0 ? (
        <p className="muted">None: no single asset’s loss takes a city service down.</p>
      ) : (
        <>
          <p className="muted small">
            {num(spof.length)} asset{spof.length === 1 ? '' : 's'} whose loss alone takes a city
            service down, worst first; ringed in magenta
            {outside > 0 ? ` (${num(outside)} outside this view)` : ''}.
          </p>
          <ol className="spof-list">
            {shown.map((s) => (
              <li key={s.id}>
                <button type="button" className="btn-link" onClick={() => onPick(s.id)}>
                  {s.name}
                </button>{' '}
                <span className="small muted">
                  takes down {s.services.map((x) => `${x.name} (${at(x.downAt)})`).join(', ')}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function Legend() {
  return (
    <section className="graph-legend" aria-label="Legend">
      <h2>Legend</h2>
      <div>
        <h3>Assets by zone</h3>
        <ul className="legend-list">
          {Object.entries(ZONE_COLOURS).map(([zone, colour]) => (
            <li key={zone}>
              <span className="swatch" style={{ background: colour }} aria-hidden="true" />{' '}
              {zone === 'none' ? 'no zone' : zoneLabel(zone)}
            </li>
          ))}
          <li>
            <span className="swatch swatch-vital" aria-hidden="true" /> criticality 5
          </li>
          <li>
            <span className="swatch swatch-service" aria-hidden="true" /> city service
          </li>
        </ul>
      </div>
      <div>
        <h3>Dependencies (arrow: from what is needed to what needs it)</h3>
        <ul className="legend-list">
          {Object.entries(EDGE_TYPE_STYLES).map(([type, s]) => (
            <li key={type}>
              <span className="line" style={{ borderColor: s.colour }} aria-hidden="true" />{' '}
              {s.label}
            </li>
          ))}
          <li>
            <span className="line line-dashed" aria-hidden="true" /> redundant (k of n needed)
          </li>
          <li>
            <span className="muted">labels:</span> how long the dependent runs without it; k of n
            for redundancy
          </li>
        </ul>
      </div>
      <div>
        <h3>When a failure reaches it</h3>
        <ImpactScale />
        <ul className="legend-list">
          <li>
            <span className="swatch swatch-survived" aria-hidden="true" /> kept working by
            redundancy
          </li>
          <li>
            <span className="swatch swatch-spof" aria-hidden="true" /> single point of failure
          </li>
          <li>
            <span className="swatch swatch-pick" aria-hidden="true" /> picked to fail in a drill
          </li>
        </ul>
      </div>
    </section>
  );
}
