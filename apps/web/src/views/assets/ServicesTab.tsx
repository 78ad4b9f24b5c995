// City services (water supply, CCTV surveillance, property tax …): what citizens get, how bad
// its loss is, how long the city can do without it, and the assets that keep it running.
import type { ColumnDef } from '@tanstack/react-table';
import { api } from '../../api/client';
import { CITIZEN_IMPACT_MEANING, type CityService, type ServiceDetail } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { Empty, ErrorBox, Loading, num } from '../../components/ui';
import { formatMinutes } from '../../lib/assetGraph';
import { can } from '../../lib/roles';
import { Link, setParams, useLocation } from '../../lib/router';
import { useResource } from '../../lib/useResource';
import { useMe } from '../../session';
import { edgeTypeLabel, useServices } from './common';

const columns: ColumnDef<CityService>[] = [
  {
    accessorKey: 'name',
    header: 'Service',
    meta: { width: 'minmax(14rem, 3fr)' },
    cell: ({ getValue }) => <span className="cell-title">{getValue<string>()}</span>,
  },
  {
    accessorKey: 'citizenImpact',
    header: 'Citizen impact',
    meta: { width: '9rem' },
    cell: ({ getValue }) => (
      <span
        className={`crit crit-${getValue<number>()}`}
        title={CITIZEN_IMPACT_MEANING[getValue<number>()]}
      >
        {getValue<number>()}
      </span>
    ),
  },
  {
    id: 'population',
    header: 'People served',
    accessorFn: (s) => s.populationServed ?? -1,
    meta: { width: '9rem', align: 'right' },
    cell: ({ row }) => num(row.original.populationServed),
  },
  {
    id: 'mtd',
    header: 'Max. tolerable downtime',
    accessorFn: (s) => s.mtdMinutes ?? Infinity,
    meta: { width: '12rem' },
    cell: ({ row }) =>
      row.original.mtdMinutes === null ? (
        <span className="muted">not stated</span>
      ) : (
        formatMinutes(row.original.mtdMinutes)
      ),
  },
  {
    id: 'department',
    header: 'Department',
    accessorFn: (s) => s.department ?? '',
    meta: { width: 'minmax(8rem, 1fr)' },
  },
  {
    id: 'owner',
    header: 'Owner',
    accessorFn: (s) => s.ownerName ?? '',
    meta: { width: 'minmax(6rem, 1fr)' },
  },
];

export function ServicesTab() {
  const { params } = useLocation();
  const openId = params.get('open');
  const services = useServices();
  const list = services.data?.services ?? [];
  return services.error ? (
    <ErrorBox error={services.error} onRetry={services.reload} />
  ) : !services.data ? (
    <Loading what="Loading city services" />
  ) : (
    <>
      <p className="muted small">
        {num(list.length)} city service{list.length === 1 ? '' : 's'}
        {services.data.nextCursor ? ' (the first 1,000)' : ''}. Citizen impact: 5 is life and safety
        or the whole city, 1 negligible.
      </p>
      <div className={openId ? 'split with-detail' : 'split'}>
        <div className="split-main">
          <DataTable
            label="City services"
            className="services-table"
            data={list}
            columns={columns}
            getRowId={(s) => s.id}
            selectedId={openId}
            hidden={openId ? ['department', 'owner'] : undefined}
            onSelect={(s) => setParams({ open: s.id }, { replace: true })}
            empty={
              <Empty>
                No city services yet. Add them in the [services] table of an import, or with POST
                /api/v1/services.
              </Empty>
            }
          />
        </div>
        {openId && (
          <ServicePanel
            id={openId}
            onClose={() => setParams({ open: undefined }, { replace: true })}
          />
        )}
      </div>
    </>
  );
}

function ServicePanel({ id, onClose }: { id: string; onClose: () => void }) {
  const me = useMe();
  const detail = useResource(`service:${id}`, (signal) =>
    api.get<ServiceDetail>(`/services/${encodeURIComponent(id)}`, undefined, signal),
  );
  const d = detail.data;
  return (
    <aside className="split-side detail" aria-label="City service">
      <header className="detail-head">
        <h2>{d?.service.name ?? 'City service'}</h2>
        <button
          type="button"
          className="btn btn-ghost"
          aria-label="Close the service"
          onClick={onClose}
        >
          ×
        </button>
      </header>
      {detail.error ? (
        <ErrorBox error={detail.error} onRetry={detail.reload} />
      ) : !d ? (
        <Loading />
      ) : (
        <>
          <dl className="facts">
            <div className="wide">
              <dt>Citizen impact</dt>
              <dd>
                <span className={`crit crit-${d.service.citizenImpact}`}>
                  {d.service.citizenImpact}
                </span>{' '}
                {CITIZEN_IMPACT_MEANING[d.service.citizenImpact]}
              </dd>
            </div>
            <div>
              <dt>Maximum tolerable downtime</dt>
              <dd>
                {d.service.mtdMinutes === null ? 'not stated' : formatMinutes(d.service.mtdMinutes)}
              </dd>
            </div>
            <div>
              <dt>People served</dt>
              <dd>{num(d.service.populationServed)}</dd>
            </div>
            <div>
              <dt>Department</dt>
              <dd>{d.service.department ?? '—'}</dd>
            </div>
            <div>
              <dt>Owner</dt>
              <dd>{d.service.ownerName ?? '—'}</dd>
            </div>
          </dl>
          {d.service.description && <p className="description">{d.service.description}</p>}
          {can.impact(me.role) && (
            <p>
              <Link
                className="btn"
                to={`/assets?tab=graph&asset=${encodeURIComponent(d.service.id)}`}
              >
                Show in the graph
              </Link>
            </p>
          )}
          <h3>Assets that keep it running</h3>
          {d.supportedBy.length === 0 ? (
            <p className="muted">No asset is recorded as supporting it.</p>
          ) : (
            <table className="simple">
              <tbody>
                {d.supportedBy.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <Link to={`/assets/${encodeURIComponent(e.fromId)}`}>{e.fromName}</Link>
                    </td>
                    <td className="small muted">
                      {edgeTypeLabel(e.type)}
                      {e.timeToImpactMinutes
                        ? `; it runs ${formatMinutes(e.timeToImpactMinutes)} without it`
                        : ''}
                      {e.redundancyGroup &&
                        `; one of “${e.redundancyGroup}”, ${e.redundancyK ?? 1} needed`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </aside>
  );
}
