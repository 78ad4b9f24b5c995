// One asset at /assets/ID: what it is, who owns it, the services it supports, what it needs and
// what needs it, its recent alerts, and what its failure would take down. Staff edit, confirm
// and retire it; its owner changes its description and location.
import { useState, type ReactNode } from 'react';
import { api, errorMessage } from '../../api/client';
import {
  ASSET_KINDS,
  ASSET_ZONES,
  CRITICALITY_MEANING,
  type Alert,
  type Asset,
  type AssetDetail as Detail,
  type AssetEdge,
  type BlastRadius,
} from '../../api/types';
import {
  Badge,
  Dialog,
  Empty,
  ErrorBox,
  LevelBadge,
  Loading,
  Notice,
  Panel,
  Time,
  num,
} from '../../components/ui';
import { kindLabel } from '../../lib/assets';
import { formatMinutes } from '../../lib/assetGraph';
import { can } from '../../lib/roles';
import { Link } from '../../lib/router';
import { useResource } from '../../lib/useResource';
import { useMe } from '../../session';
import { CritBadge, ImpactSummary, ZoneTag, edgeTypeLabel, useServices } from './common';

/** What an owner may change on their own assets (the server's OWNER_EDITABLE_FIELDS). */
const OWNER_FIELDS = ['description', 'ward', 'site', 'latitude', 'longitude'] as const;

export function AssetDetail({ id }: { id: string }) {
  const me = useMe();
  const detail = useResource(`asset:${id}`, (signal) =>
    api.get<Detail>(`/assets/${encodeURIComponent(id)}`, undefined, signal),
  );
  const [dialog, setDialog] = useState<'edit' | 'retire' | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const d = detail.data;
  const a = d?.asset;
  const mayManage = can.manageAssets(me.role);
  const mayEdit = mayManage || me.role === 'owner';

  const confirm = () =>
    api.post<Detail>(`/assets/${encodeURIComponent(a!.id)}/confirm`).then(
      (updated) => {
        detail.setData(() => updated);
        setMessage({ tone: 'ok', text: 'Confirmed: it is an active asset of the register now.' });
      },
      (err: unknown) => setMessage({ tone: 'bad', text: errorMessage(err) }),
    );

  const bringBack = () =>
    api.patch<Detail>(`/assets/${encodeURIComponent(a!.id)}`, { status: 'active' }).then(
      (updated) => {
        detail.setData(() => updated);
        setMessage({ tone: 'ok', text: 'It is an active asset of the register again.' });
      },
      (err: unknown) => setMessage({ tone: 'bad', text: errorMessage(err) }),
    );

  return (
    <div className="page asset-page">
      <p className="crumbs">
        <Link to="/assets">← Assets</Link>
      </p>
      {detail.error ? (
        <ErrorBox error={detail.error} onRetry={detail.reload} />
      ) : !d || !a ? (
        <Loading what="Loading the asset" />
      ) : (
        <>
          <div className="page-head asset-head">
            <h1 className="page-title">{a.name}</h1>
            <div className="detail-badges">
              <Badge>{kindLabel(a.kind)}</Badge>
              <ZoneTag zone={a.zone} />{' '}
              {a.status !== 'active' && (
                <Badge tone={a.status === 'discovered' ? 'warn' : 'neutral'}>{a.status}</Badge>
              )}
              {a.internetExposed && <Badge tone="warn">internet-exposed</Badge>}
              {a.personalData && <Badge tone="warn">personal data (DPDP)</Badge>}
            </div>
            <div className="actions" role="group" aria-label="Change this asset">
              {mayEdit && a.status !== 'retired' && (
                <button type="button" className="btn" onClick={() => setDialog('edit')}>
                  Edit
                </button>
              )}
              {mayManage && a.status === 'discovered' && (
                <button type="button" className="btn btn-primary" onClick={() => void confirm()}>
                  Confirm
                </button>
              )}
              {mayManage && a.status !== 'retired' && (
                <button type="button" className="btn btn-bad" onClick={() => setDialog('retire')}>
                  Retire
                </button>
              )}
              {mayManage && a.status === 'retired' && (
                <button type="button" className="btn" onClick={() => void bringBack()}>
                  Bring back into service
                </button>
              )}
              {can.impact(me.role) && a.status !== 'retired' && (
                <Link className="btn" to={`/assets?tab=graph&asset=${encodeURIComponent(a.id)}`}>
                  Show in the graph
                </Link>
              )}
            </div>
          </div>
          {message && <Notice tone={message.tone}>{message.text}</Notice>}
          {a.status === 'discovered' && (
            <Notice tone="warn">
              Prahari discovered this asset ({a.source === 'nmap' ? 'in a scan' : 'in events'}
              {a.firstSeen ? (
                <>
                  , first seen <Time iso={a.firstSeen} />
                </>
              ) : (
                ''
              )}
              ). Confirm it to make it part of the register, or retire it.
            </Notice>
          )}
          <div className="asset-grid">
            <Panel title="About" className="asset-facts">
              <Facts asset={a} />
            </Panel>
            <Panel title="Addresses">
              <Addresses detail={d} />
            </Panel>
            <Panel title="City services it supports">
              {d.services.length === 0 ? (
                <p className="muted">None: no city service needs it directly.</p>
              ) : (
                <ul className="plain-list">
                  {d.services.map((s) => (
                    <li key={s.id}>
                      <Link to={`/assets?tab=services&open=${encodeURIComponent(s.id)}`}>
                        {s.name}
                      </Link>{' '}
                      <span className="muted small">
                        citizen impact {s.citizenImpact}
                        {s.mtdMinutes !== null &&
                          `, maximum tolerable downtime ${formatMinutes(s.mtdMinutes)}`}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Panel>
            <Panel title="It needs">
              <Edges
                edges={d.edgesOut.filter((e) => e.type !== 'supports')}
                end="to"
                empty="Nothing recorded: it depends on no other asset."
              />
            </Panel>
            <Panel title="What needs it">
              <Edges
                edges={d.edgesIn}
                end="from"
                empty="Nothing recorded: no asset depends on it."
              />
            </Panel>
            <RecentAlerts assetId={a.id} />
            {can.impact(me.role) && a.status !== 'retired' && <IfItFails asset={a} />}
          </div>
          {dialog === 'edit' && (
            <EditDialog
              asset={a}
              fields={mayManage ? 'all' : 'owner'}
              onCancel={() => setDialog(null)}
              onDone={(updated) => {
                setDialog(null);
                detail.setData(() => updated);
                setMessage({ tone: 'ok', text: 'Saved. The change is in the audit trail.' });
              }}
            />
          )}
          {dialog === 'retire' && (
            <RetireDialog
              asset={a}
              onCancel={() => setDialog(null)}
              onDone={(updated) => {
                setDialog(null);
                detail.setData(() => updated);
                setMessage({
                  tone: 'ok',
                  text: 'Retired: kept for history, its addresses are free and events no longer match it.',
                });
              }}
            />
          )}
        </>
      )}
    </div>
  );
}

function Fact({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'wide' : undefined}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Facts({ asset: a }: { asset: Asset }) {
  const product = [a.vendor, a.product, a.version].filter(Boolean).join(' ');
  const where = [a.ward, a.site].filter(Boolean).join(', ');
  return (
    <dl className="facts">
      <Fact label="Criticality">
        <CritBadge value={a.criticality} />{' '}
        {a.criticality !== null && (
          <span className="muted small">{CRITICALITY_MEANING[a.criticality]}</span>
        )}
      </Fact>
      <Fact label="Department">{a.department ?? '—'}</Fact>
      <Fact label="Owner">{a.ownerName ?? <span className="muted">nobody assigned</span>}</Fact>
      <Fact label="Product">{product || '—'}</Fact>
      {a.cpe && (
        <Fact label="CPE" wide>
          <span className="mono">{a.cpe}</span>
        </Fact>
      )}
      {a.osGuess && <Fact label="Operating system (nmap’s guess)">{a.osGuess}</Fact>}
      <Fact label="Where">
        {where || '—'}
        {a.latitude !== null && a.longitude !== null && (
          <span className="muted small">
            {' '}
            ({a.latitude}, {a.longitude})
          </span>
        )}
      </Fact>
      <Fact label="In the register since">
        <Time iso={a.createdAt} /> <span className="muted small">({a.source})</span>
      </Fact>
      <Fact label="Last seen">
        <Time iso={a.lastSeen} ago />
      </Fact>
      {a.tags.length > 0 && (
        <Fact label="Tags" wide>
          <span className="tags">
            {a.tags.map((t) => (
              <Badge key={t}>{t}</Badge>
            ))}
          </span>
        </Fact>
      )}
      {a.description && (
        <Fact label="Description" wide>
          <span className="description">{a.description}</span>
        </Fact>
      )}
    </dl>
  );
}

function Addresses({ detail }: { detail: Detail }) {
  const ports = detail.asset.openServices;
  if (detail.addresses.length === 0 && ports.length === 0)
    return <p className="muted">No IP address, MAC or hostname recorded.</p>;
  return (
    <>
      {detail.addresses.length > 0 && (
        <table className="simple">
          <tbody>
            {detail.addresses.map((x) => (
              <tr key={`${x.type}:${x.value}`}>
                <th scope="row">{x.type}</th>
                <td className="mono">{x.value}</td>
                <td className="muted">{x.label ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {ports.length > 0 && (
        <>
          <h3>Open ports (nmap)</h3>
          <table className="simple">
            <tbody>
              {ports.map((p) => (
                <tr key={`${p.protocol}/${p.port}`}>
                  <td className="mono">
                    {p.port}/{p.protocol}
                  </td>
                  <td>{p.service ?? ''}</td>
                  <td className="muted">{[p.product, p.version].filter(Boolean).join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

function Edges({
  edges,
  end,
  empty,
}: {
  edges: AssetEdge[];
  /** which end is the other asset */
  end: 'from' | 'to';
  empty: string;
}) {
  if (edges.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="simple edges">
      <tbody>
        {edges.map((e) => {
          const otherId = end === 'to' ? e.toId : e.fromId;
          const otherName = end === 'to' ? e.toName : e.fromName;
          return (
            <tr key={e.id}>
              <td className="muted">{edgeTypeLabel(e.type)}</td>
              <td>
                <Link to={`/assets/${encodeURIComponent(otherId)}`}>{otherName}</Link>
              </td>
              <td className="small">
                {e.timeToImpactMinutes
                  ? `works ${formatMinutes(e.timeToImpactMinutes)} without it`
                  : ''}
                {e.redundancyGroup && (
                  <span className="muted">
                    {' '}
                    redundancy “{e.redundancyGroup}”, {e.redundancyK ?? 1} needed
                  </span>
                )}
                {e.note && <span className="note">{e.note}</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function RecentAlerts({ assetId }: { assetId: string }) {
  const alerts = useResource(`asset-alerts:${assetId}`, (signal) =>
    api.get<Alert[]>(
      '/alerts',
      { asset: assetId, status: 'new,acknowledged,closed', limit: 20 },
      signal,
    ),
  );
  return (
    <Panel title="Recent alerts on it" className="asset-alerts">
      {alerts.error ? (
        <ErrorBox error={alerts.error} onRetry={alerts.reload} />
      ) : !alerts.data ? (
        <Loading what="Loading alerts" />
      ) : alerts.data.length === 0 ? (
        <Empty>No alert has concerned this asset.</Empty>
      ) : (
        <table className="simple">
          <tbody>
            {alerts.data.map((al) => (
              <tr key={al.id}>
                <td>
                  <Time iso={al.lastSeen} ago />
                </td>
                <td>
                  <LevelBadge level={al.level} />
                </td>
                <td>
                  <Link to={`/alerts?status=all&open=${encodeURIComponent(al.id)}`}>
                    {al.ruleTitle}
                  </Link>
                  {al.count > 1 && <span className="muted small"> ×{num(al.count)}</span>}
                </td>
                <td className="muted">{al.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

function IfItFails({ asset }: { asset: Asset }) {
  const services = useServices();
  const blast = useResource(`asset-blast:${asset.id}`, (signal) =>
    api.get<BlastRadius>('/impact/blast-radius', { asset: asset.id, paths: false }, signal),
  );
  return (
    <Panel title="If it fails or is compromised" className="asset-impact">
      {blast.error ? (
        <ErrorBox error={blast.error} onRetry={blast.reload} />
      ) : !blast.data ? (
        <Loading what="Working out the cascade" />
      ) : (
        <ImpactSummary blast={blast.data} services={services.byId} />
      )}
    </Panel>
  );
}

type Draft = Record<string, string | boolean>;

function draftOf(a: Asset): Draft {
  const text = (v: string | number | null) => (v === null ? '' : String(v));
  return {
    name: a.name,
    kind: a.kind,
    zone: a.zone ?? '',
    criticality: text(a.criticality),
    department: text(a.department),
    owner: text(a.ownerName),
    description: text(a.description),
    vendor: text(a.vendor),
    product: text(a.product),
    version: text(a.version),
    ward: text(a.ward),
    site: text(a.site),
    latitude: text(a.latitude),
    longitude: text(a.longitude),
    tags: a.tags.join(' '),
    ips: a.ips.join(' '),
    hostnames: a.hostnames.join(' '),
    personalData: a.personalData,
    internetExposed: a.internetExposed,
  };
}

const NUMBER_FIELDS = new Set(['criticality', 'latitude', 'longitude']);

/** Only the fields that changed, as PATCH /assets/ID takes them (null clears one). */
function patchOf(before: Draft, after: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) {
    if (v === before[k]) continue;
    if (typeof v === 'boolean') out[k] = v;
    else if (v.trim() === '') out[k] = ['tags', 'ips', 'hostnames'].includes(k) ? [] : null;
    else out[k] = NUMBER_FIELDS.has(k) ? Number(v) : v.trim();
  }
  return out;
}

function EditDialog({
  asset,
  fields,
  onCancel,
  onDone,
}: {
  asset: Asset;
  fields: 'all' | 'owner';
  onCancel: () => void;
  onDone: (detail: Detail) => void;
}) {
  const [before] = useState(() => draftOf(asset));
  const [draft, setDraft] = useState(before);
  const [error, setError] = useState<string | null>(null);
  const set = (k: string, v: string | boolean) => setDraft((d) => ({ ...d, [k]: v }));
  const shown = (k: string) => fields === 'all' || (OWNER_FIELDS as readonly string[]).includes(k);
  const text = (k: string, label: string, props: Record<string, unknown> = {}) =>
    shown(k) && (
      <label>
        {label}
        <input value={draft[k] as string} onChange={(e) => set(k, e.target.value)} {...props} />
      </label>
    );
  const submit = async () => {
    const patch = patchOf(before, draft);
    if (Object.keys(patch).length === 0) return onCancel();
    try {
      onDone(await api.patch<Detail>(`/assets/${encodeURIComponent(asset.id)}`, patch));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Dialog title={`Edit ${asset.name}`} onClose={onCancel} wide>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {fields === 'owner' && (
          <p className="muted">
            As its owner you may change the description and where it is; ask an analyst to change
            anything else.
          </p>
        )}
        {error && <Notice tone="bad">{error}</Notice>}
        {fields === 'all' && (
          <div className="form-row">
            {text('name', 'Name', { required: true, maxLength: 200 })}
            <label>
              Kind
              <select value={draft.kind as string} onChange={(e) => set('kind', e.target.value)}>
                {ASSET_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {kindLabel(k)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Zone
              <select value={draft.zone as string} onChange={(e) => set('zone', e.target.value)}>
                <option value="">none</option>
                {ASSET_ZONES.map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Criticality
              <select
                value={draft.criticality as string}
                onChange={(e) => set('criticality', e.target.value)}
              >
                <option value="">not rated</option>
                {[5, 4, 3, 2, 1].map((c) => (
                  <option key={c} value={c}>
                    {c}: {CRITICALITY_MEANING[c]}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
        {fields === 'all' && (
          <div className="form-row">
            {text('department', 'Department')}
            {text('owner', 'Owner (username)')}
            {text('vendor', 'Vendor')}
            {text('product', 'Product')}
            {text('version', 'Version')}
          </div>
        )}
        {shown('description') && (
          <label>
            Description
            <textarea
              rows={3}
              maxLength={2000}
              value={draft.description as string}
              onChange={(e) => set('description', e.target.value)}
            />
          </label>
        )}
        <div className="form-row">
          {text('ward', 'Ward')}
          {text('site', 'Site')}
          {text('latitude', 'Latitude', { inputMode: 'decimal' })}
          {text('longitude', 'Longitude', { inputMode: 'decimal' })}
        </div>
        {fields === 'all' && (
          <>
            <div className="form-row">
              {text('ips', 'IP addresses (separated by spaces)')}
              {text('hostnames', 'Hostnames')}
              {text('tags', 'Tags')}
            </div>
            <div className="form-row">
              <label className="inline">
                <input
                  type="checkbox"
                  checked={draft.personalData as boolean}
                  onChange={(e) => set('personalData', e.target.checked)}
                />
                Holds citizens’ personal data (DPDP Act)
              </label>
              <label className="inline">
                <input
                  type="checkbox"
                  checked={draft.internetExposed as boolean}
                  onChange={(e) => set('internetExposed', e.target.checked)}
                />
                Reachable from the internet
              </label>
            </div>
          </>
        )}
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RetireDialog({
  asset,
  onCancel,
  onDone,
}: {
  asset: Asset;
  onCancel: () => void;
  onDone: (detail: Detail) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title="Retire the asset" onClose={onCancel}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          api
            .post<Detail>(`/assets/${encodeURIComponent(asset.id)}/retire`, {
              ...(reason.trim() && { reason: reason.trim() }),
            })
            .then(onDone, (err: unknown) => setError(errorMessage(err)));
        }}
      >
        <p>
          Retire <strong>{asset.name}</strong>? It stays in the register for history, its addresses
          become free, events no longer match it and it leaves the dependency graph.
        </p>
        {error && <Notice tone="bad">{error}</Notice>}
        <label>
          Reason
          <input
            autoFocus
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. replaced by scada-water-02"
          />
        </label>
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-bad">
            Retire
          </button>
        </div>
      </form>
    </Dialog>
  );
}
