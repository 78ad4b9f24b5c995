// The first page: what is open, how alerts have gone, whether every source still sends, and
// whether detection keeps up. Everything here comes from the API; nothing is sample data.
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import {
  LEVELS,
  type Alert,
  type AlertSummary,
  type IngestStats,
  type RiskEntry,
  type Rule,
  type Source,
  type TopValues,
} from '../api/types';
import { DataTable } from '../components/DataTable';
import { LazyChart } from '../components/LazyChart';
import type { ChartOption } from '../components/Chart';
import { categoryAxis, countAxis } from '../components/chartTheme';
import { Badge, Empty, ErrorBox, Loading, Notice, Panel, num } from '../components/ui';
import { alertTrend } from '../lib/alerts';
import { servicesAtRisk } from '../lib/assets';
import { Link, navigate } from '../lib/router';
import { formatAgo } from '../lib/time';
import { useResource, type Resource } from '../lib/useResource';
import { useAlertUpdates } from '../stream';
import type { IncidentList } from '../api/incidents';
import { byUrgency } from '../lib/incidents';
import { useServices } from './assets/common';
import { Clocks } from './incidents/Clocks';
import './incidents/incidents.css';
import type { ColumnDef } from '@tanstack/react-table';

export const LEVEL_COLOURS: Record<string, string> = {
  critical: '#ff4d6d',
  high: '#ff8c42',
  medium: '#f5c542',
  low: '#4cc9f0',
  informational: '#8d99ae',
};

export function Overview() {
  const summary = useSummary();
  return (
    <div className="page overview">
      <h1 className="page-title">Overview</h1>
      <div className="overview-grid">
        <OpenIncidents />
        <OpenAlerts summary={summary} />
        <DetectionStatus summary={summary} />
        <AlertTrend />
        <Riskiest />
        <IngestHealth />
        <Coverage />
      </div>
    </div>
  );
}

/** Assets ranked by GET /impact/risk, and whom the riskiest assets' loss would hurt. */
const RISKIEST_SHOWN = 6;

/**
 * The riskiest assets (criticality, exposure, personal data, open alerts, what they take down)
 * and the city services the loss of one of them alone would take down, most citizens first.
 */
function Riskiest() {
  const risk = useResource('overview-risk', (signal) =>
    api.get<RiskEntry[]>('/impact/risk', { limit: 50 }, signal),
  );
  const services = useServices();
  useRefresh(risk.reload, 60_000, true);
  const atRisk = useMemo(
    () => servicesAtRisk(risk.data ?? [], services.byId),
    [risk.data, services.byId],
  );
  const error = risk.error ?? services.error;
  return (
    <Panel
      title="Riskiest assets and the services they hold up"
      className="riskiest"
      actions={<Link to="/assets">Assets →</Link>}
    >
      {error ? (
        <ErrorBox
          error={error}
          onRetry={() => {
            risk.reload();
            services.reload();
          }}
        />
      ) : !risk.data || !services.data ? (
        <Loading />
      ) : risk.data.length === 0 ? (
        <Empty>No assets registered yet: import the city's register under Assets.</Empty>
      ) : (
        <div className="riskiest-columns">
          <table className="simple" aria-label="Riskiest assets">
            <thead>
              <tr>
                <th>Asset</th>
                <th>Risk</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {risk.data.slice(0, RISKIEST_SHOWN).map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/assets/${encodeURIComponent(e.id)}`}>{e.name}</Link>
                  </td>
                  <td className="num">{Math.round(e.score)}</td>
                  <td className="small muted">
                    {Object.values(e.components)
                      .filter((c) => c.points > 0)
                      .sort((a, b) => b.points - a.points)
                      .slice(0, 2)
                      .map((c) => c.detail)
                      .join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {atRisk.length === 0 ? (
            <Empty>No single asset among the riskiest takes a city service down.</Empty>
          ) : (
            <table className="simple" aria-label="Services at risk">
              <thead>
                <tr>
                  <th>City service</th>
                  <th>Citizen impact</th>
                  <th>Down if one of these is lost</th>
                </tr>
              </thead>
              <tbody>
                {atRisk.slice(0, RISKIEST_SHOWN).map((s) => (
                  <tr key={s.service.id}>
                    <td>{s.service.name}</td>
                    <td className="num">{s.service.citizenImpact}</td>
                    <td className="small">
                      {s.assets
                        .slice(0, 3)
                        .map((a) => a.name)
                        .join(', ')}
                      {s.assets.length > 3 && ` and ${s.assets.length - 3} more`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </Panel>
  );
}

/** Reloads every `ms`, and sooner (after a short pause) when live alerts arrive. */
function useRefresh(reload: () => void, ms: number, onAlerts = false) {
  useEffect(() => {
    const timer = setInterval(reload, ms);
    return () => clearInterval(timer);
  }, [reload, ms]);
  const [pending, setPending] = useState(false);
  useAlertUpdates(() => {
    if (onAlerts) setPending(true);
  });
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => {
      setPending(false);
      reload();
    }, 1500);
    return () => clearTimeout(t);
  }, [pending, reload]);
}

function useSummary() {
  const summary = useResource('summary', (signal) =>
    api.get<AlertSummary>('/alerts/summary', undefined, signal),
  );
  useRefresh(summary.reload, 30_000, true);
  return summary;
}

/** Open incidents, the nearest legal deadline first, their clocks counting down. */
function OpenIncidents() {
  const incidents = useResource('overview-incidents', (signal) =>
    api.get<IncidentList>('/incidents', { state: 'open', limit: 500 }, signal),
  );
  useRefresh(incidents.reload, 20_000, true);
  const sorted = useMemo(
    () => [...(incidents.data?.incidents ?? [])].sort(byUrgency),
    [incidents.data],
  );
  return (
    <Panel
      title={`Open incidents${incidents.data ? ` (${sorted.length})` : ''}`}
      className="overview-incidents"
      actions={<Link to="/incidents">Board →</Link>}
    >
      {incidents.error ? (
        <ErrorBox error={incidents.error} onRetry={incidents.reload} />
      ) : !incidents.data ? (
        <Loading />
      ) : sorted.length === 0 ? (
        <Empty>No open incidents.</Empty>
      ) : (
        sorted.slice(0, 8).map((i) => (
          <div key={i.id} className="incident-row">
            <Link to={`/incidents/${encodeURIComponent(i.number)}`} className="mono">
              {i.number}
            </Link>
            <span>
              <span className={`badge level level-${i.severity}`}>{i.severity}</span> {i.title}
              <span className="muted small"> · {i.status}</span>
            </span>
            <Clocks clocks={i.clocks} />
          </div>
        ))
      )}
      {sorted.length > 8 && (
        <p className="muted small">
          <Link to="/incidents">{sorted.length - 8} more on the board</Link>
        </p>
      )}
    </Panel>
  );
}

function OpenAlerts({ summary }: { summary: Resource<AlertSummary> }) {
  const { data, error, reload } = summary;
  return (
    <Panel
      title="Open alerts"
      className="open-alerts"
      actions={<Link to="/alerts">All alerts →</Link>}
    >
      {error ? (
        <ErrorBox error={error} onRetry={reload} />
      ) : !data ? (
        <Loading />
      ) : (
        <>
          <div className="tiles">
            {LEVELS.map((level) => (
              <button
                type="button"
                key={level}
                className={`tile tile-${level} ${(data.byLevel[level] ?? 0) > 0 ? 'hot' : ''}`}
                onClick={() => navigate(`/alerts?level=${level}`)}
                aria-label={`${data.byLevel[level] ?? 0} open ${level} alerts`}
              >
                <span className="tile-number">{num(data.byLevel[level] ?? 0)}</span>
                <span className="tile-label">{level}</span>
              </button>
            ))}
          </div>
          <p className="muted">
            {num(data.byStatus.new ?? 0)} new, {num(data.byStatus.acknowledged ?? 0)} acknowledged,{' '}
            {num(data.byStatus.closed ?? 0)} closed.
          </p>
        </>
      )}
    </Panel>
  );
}

function DetectionStatus({ summary }: { summary: Resource<AlertSummary> }) {
  const { data, error, reload } = summary;
  const d = data?.detection;
  return (
    <Panel title="Detection" className="detection-status">
      {error ? (
        <ErrorBox error={error} onRetry={reload} />
      ) : !d ? (
        <Loading />
      ) : (
        <>
          {!d.running ? (
            <Notice tone="bad">Detection is not running: new events are not being checked.</Notice>
          ) : d.lagEvents > 1000 ? (
            <Notice tone="warn">
              Detection is {num(d.lagEvents)} events behind ingest; it catches up without skipping.
            </Notice>
          ) : (
            <Notice tone="ok">Detection is running and keeping up.</Notice>
          )}
          <dl className="figures">
            <div>
              <dt>Rules in use</dt>
              <dd>{num(d.rules)}</dd>
            </div>
            <div>
              <dt>Lag</dt>
              <dd className={d.lagEvents > 1000 ? 'warn' : ''}>{num(d.lagEvents)} events</dd>
            </div>
            <div>
              <dt>Events checked</dt>
              <dd>{num(d.evaluated)}</dd>
            </div>
            <div>
              <dt>Alerts opened</dt>
              <dd>{num(d.alertsOpened)}</dd>
            </div>
          </dl>
          <p className="muted small">Counts since the server started.</p>
        </>
      )}
    </Panel>
  );
}

type TrendSpan = '24h' | '7d';
const SPANS: Record<TrendSpan, { ms: number; bucketMs: number; label: string }> = {
  '24h': { ms: 86_400_000, bucketMs: 3_600_000, label: 'per hour' },
  '7d': { ms: 7 * 86_400_000, bucketMs: 6 * 3_600_000, label: 'per 6 hours' },
};
const TREND_PAGES = 20;

async function loadWindow(from: string, signal: AbortSignal) {
  const alerts: Alert[] = [];
  let before: number | undefined;
  for (let page = 0; page < TREND_PAGES; page++) {
    const batch = await api.get<Alert[]>('/alerts', { from, limit: 1000, before }, signal);
    alerts.push(...batch);
    if (batch.length < 1000) return { alerts, complete: true };
    before = batch[batch.length - 1]!.seq;
  }
  return { alerts, complete: false };
}

function AlertTrend() {
  const [span, setSpan] = useState<TrendSpan>('24h');
  const [now, setNow] = useState(() => Date.now());
  const from = useMemo(() => new Date(now - SPANS[span].ms).toISOString(), [now, span]);
  const res = useResource(`trend:${span}:${from}`, (signal) => loadWindow(from, signal));
  const [live, setLive] = useState<Map<string, Alert>>(new Map());
  useEffect(() => setLive(new Map()), [res.data]);
  useAlertUpdates((alerts) =>
    setLive((m) => {
      const next = new Map(m);
      for (const a of alerts) next.set(a.id, a);
      return next;
    }),
  );
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5 * 60_000);
    return () => clearInterval(t);
  }, []);

  const trend = useMemo(() => {
    if (!res.data) return null;
    const byId = new Map(res.data.alerts.map((a) => [a.id, a]));
    for (const [id, a] of live) byId.set(id, a);
    return alertTrend([...byId.values()], now - SPANS[span].ms, Date.now(), SPANS[span].bucketMs);
  }, [res.data, live, now, span]);

  const option = useMemo<ChartOption | null>(() => {
    if (!trend) return null;
    const label = (t: number) => {
      const d = new Date(t);
      const hm = `${String(d.getHours()).padStart(2, '0')}:00`;
      return span === '24h' ? hm : `${d.getDate()}/${d.getMonth() + 1} ${hm}`;
    };
    return {
      grid: { left: 48, right: 16, top: 36, bottom: 28, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, data: trend.series.map((x) => x.level) },
      xAxis: categoryAxis(trend.buckets.map(label)),
      yAxis: countAxis(),
      series: trend.series.map((s) => ({
        name: s.level,
        type: 'bar',
        stack: 'alerts',
        data: s.counts,
        itemStyle: { color: LEVEL_COLOURS[s.level] ?? '#a0a0a0' },
        emphasis: { focus: 'series' },
      })),
    };
  }, [trend, span]);

  const total = trend?.series.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0) ?? 0;

  return (
    <Panel
      title="Alert trend"
      className="alert-trend"
      actions={
        <div className="segmented" role="group" aria-label="Trend span">
          {(Object.keys(SPANS) as TrendSpan[]).map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={span === s}
              className={span === s ? 'active' : ''}
              onClick={() => {
                setSpan(s);
                setNow(Date.now());
              }}
            >
              {s === '24h' ? '24 h' : '7 d'}
            </button>
          ))}
        </div>
      }
    >
      {res.error ? (
        <ErrorBox error={res.error} onRetry={res.reload} />
      ) : !trend || !option ? (
        <Loading what="Counting alerts" />
      ) : total === 0 ? (
        <Empty>No alerts in the last {span === '24h' ? '24 hours' : '7 days'}.</Empty>
      ) : (
        <>
          <LazyChart
            option={option}
            label={`Alerts ${SPANS[span].label} by level`}
            className="trend-chart"
          />
          <p className="muted small">
            {num(total)} alerts by level, {SPANS[span].label}; each alert is counted once, at its
            latest hit.
            {res.data &&
              !res.data.complete &&
              ` Only the newest ${num(res.data.alerts.length)} alerts are counted.`}
          </p>
        </>
      )}
    </Panel>
  );
}

const SILENCE_OPTIONS = [
  { ms: 5 * 60_000, label: '5 min' },
  { ms: 15 * 60_000, label: '15 min' },
  { ms: 60 * 60_000, label: '1 hour' },
  { ms: 6 * 60 * 60_000, label: '6 hours' },
  { ms: 24 * 60 * 60_000, label: '24 hours' },
];
const SILENCE_KEY = 'prahari.silenceMs';

function IngestHealth() {
  const sources = useResource('sources', (signal) =>
    api.get<Source[]>('/sources', undefined, signal),
  );
  const stats = useResource('ingest-stats', (signal) =>
    api.get<IngestStats>('/ingest/stats', undefined, signal),
  );
  useRefresh(sources.reload, 30_000);
  useRefresh(stats.reload, 30_000);
  const [silenceMs, setSilenceMs] = useState(
    () => Number(localStorage.getItem(SILENCE_KEY)) || 15 * 60_000,
  );
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);

  const rows = useMemo(
    () =>
      (sources.data ?? []).map((s) => {
        const last = s.lastSeen ? new Date(s.lastSeen).getTime() : null;
        return { ...s, silent: last === null || now - last > silenceMs };
      }),
    [sources.data, silenceMs, now],
  );
  const silent = rows.filter((r) => r.silent).length;

  const columns = useMemo<ColumnDef<(typeof rows)[number]>[]>(
    () => [
      {
        id: 'state',
        header: 'State',
        accessorFn: (r) => (r.silent ? 0 : 1),
        meta: { width: '8rem' },
        cell: ({ row }) =>
          row.original.silent ? <Badge tone="bad">silent</Badge> : <Badge tone="ok">sending</Badge>,
      },
      {
        accessorKey: 'name',
        header: 'Source',
        meta: { width: 'minmax(10rem, 2fr)' },
        cell: ({ row }) => (
          <span>
            {row.original.name}
            {row.original.discovered && (
              <span
                className="muted small"
                title="Found from its traffic; name it in Settings → Sources"
              >
                {' '}
                (discovered)
              </span>
            )}
          </span>
        ),
      },
      {
        id: 'lastSeen',
        header: 'Last event',
        accessorFn: (r) => r.lastSeen ?? '',
        meta: { width: 'minmax(8rem, 1fr)' },
        cell: ({ row }) => (
          <span title={row.original.lastSeen ?? 'never'}>
            {formatAgo(row.original.lastSeen, now)}
          </span>
        ),
      },
      {
        accessorKey: 'eventCount',
        header: 'Events',
        meta: { width: '8rem', align: 'right' },
        cell: ({ getValue }) => num(getValue<number>()),
      },
    ],
    [now],
  );

  return (
    <Panel
      title="Ingest health"
      className="ingest-health"
      actions={
        <label className="inline">
          Silent after{' '}
          <select
            value={silenceMs}
            onChange={(e) => {
              setSilenceMs(Number(e.target.value));
              localStorage.setItem(SILENCE_KEY, e.target.value);
            }}
          >
            {SILENCE_OPTIONS.map((o) => (
              <option key={o.ms} value={o.ms}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      }
    >
      {stats.data && (
        <dl className="figures figures-row">
          <div>
            <dt>Received</dt>
            <dd>{num(stats.data.received)}</dd>
          </div>
          <div>
            <dt>Stored</dt>
            <dd>{num(stats.data.stored)}</dd>
          </div>
          <div>
            <dt>Dead letters waiting</dt>
            <dd className={(stats.data.deadLetters.pending ?? 0) > 0 ? 'warn' : ''}>
              <Link to="/events?tab=deadletters">{num(stats.data.deadLetters.pending ?? 0)}</Link>
            </dd>
          </div>
          <div>
            <dt>UDP dropped</dt>
            <dd className={stats.data.udpDropped > 0 ? 'bad' : ''}>{num(stats.data.udpDropped)}</dd>
          </div>
          <div>
            <dt>Queue</dt>
            <dd>{num(stats.data.queueDepth)}</dd>
          </div>
        </dl>
      )}
      {sources.error ? (
        <ErrorBox error={sources.error} onRetry={sources.reload} />
      ) : !sources.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty>
          No source has sent anything yet. Point a device’s syslog at this server (port 5514) or
          send over HTTP; see the README, “Sending logs to Prahari”.
        </Empty>
      ) : (
        <>
          {silent > 0 ? (
            <Notice tone="bad">
              {silent} of {rows.length} sources silent for more than{' '}
              {SILENCE_OPTIONS.find((o) => o.ms === silenceMs)?.label ??
                `${silenceMs / 60_000} min`}
              : a device that stops logging is itself a signal.
            </Notice>
          ) : (
            <Notice tone="ok">All {rows.length} sources sent within the threshold.</Notice>
          )}
          <DataTable
            label="Sources"
            className="compact"
            data={rows}
            columns={columns}
            getRowId={(r) => r.id}
            initialSorting={[{ id: 'state', desc: false }]}
          />
          <p className="muted small">
            Times are the server’s receive times (stats since the server started).{' '}
            <Link to="/settings?tab=sources">Name sources</Link>
          </p>
        </>
      )}
    </Panel>
  );
}

/** Which kinds of log have rules and which have data: a product with data but no rule is blind. */
function Coverage() {
  const res = useResource('coverage', async (signal) => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const [rules, top] = await Promise.all([
      api.get<{ rules: Rule[] }>('/rules', { enabled: true, limit: 5000 }, signal),
      api.get<TopValues>('/events/top', { q: '', field: 'product', from, limit: 100 }, signal),
    ]);
    return { rules: rules.rules, top };
  });
  const rows = useMemo(() => {
    if (!res.data) return [];
    const rules = new Map<string, number>();
    for (const r of res.data.rules) {
      if (r.kind === 'filter') continue;
      const p = r.logsource.product ?? '(any)';
      rules.set(p, (rules.get(p) ?? 0) + 1);
    }
    const events = new Map(res.data.top.values.map((v) => [v.value, v.count]));
    const products = [...new Set([...rules.keys(), ...events.keys()])];
    return products
      .map((product) => ({
        product,
        rules: rules.get(product) ?? 0,
        events: events.get(product) ?? 0,
      }))
      .sort(
        (a, b) => b.events - a.events || b.rules - a.rules || a.product.localeCompare(b.product),
      );
  }, [res.data]);

  return (
    <Panel title="Detection coverage" className="coverage">
      {res.error ? (
        <ErrorBox error={res.error} onRetry={res.reload} />
      ) : !res.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty>No rules in use and no events in the last 24 hours.</Empty>
      ) : (
        <>
          <table className="simple">
            <thead>
              <tr>
                <th>Product (log source)</th>
                <th className="right">Rules in use</th>
                <th className="right">Events, 24 h</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.product}>
                  <td>{r.product}</td>
                  <td className="right">{num(r.rules)}</td>
                  <td className="right">{num(r.events)}</td>
                  <td>
                    {r.events > 0 && r.rules === 0 ? (
                      <Badge tone="warn">data, no rules</Badge>
                    ) : r.events === 0 && r.rules > 0 ? (
                      <Badge tone="neutral">rules, no data</Badge>
                    ) : r.events > 0 ? (
                      <Badge tone="ok">covered</Badge>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            Enabled rules by their log source product, beside events received in the last 24 hours
            {res.data.top.total > 0 && ` (${num(res.data.top.total)} events)`}. Rules marked “(any)”
            name no product.
          </p>
        </>
      )}
    </Panel>
  );
}
