// Assets: the city's register (a table that stays smooth at 50,000 rows), each asset's page at
// /assets/ID, the city services, and the dependency graph with blast radius, single points of
// failure and what-if drills.
import { Tabs } from '../../components/ui';
import { can } from '../../lib/roles';
import { navigate, useLocation } from '../../lib/router';
import { useMe } from '../../session';
import { AssetDetail } from './AssetDetail';
import { AssetTable } from './AssetTable';
import { GraphTab } from './GraphTab';
import { ServicesTab } from './ServicesTab';

type Tab = 'assets' | 'services' | 'graph';

export function AssetsView() {
  const me = useMe();
  const { path, params } = useLocation();
  if (path.startsWith('/assets/') && path.length > '/assets/'.length)
    return <AssetDetail id={decodeURIComponent(path.slice('/assets/'.length))} />;

  const mayAnalyse = can.impact(me.role);
  const requested = params.get('tab');
  const tab: Tab =
    requested === 'services' || (requested === 'graph' && mayAnalyse) ? requested : 'assets';
  return (
    <div className={`page assets-page assets-tab-${tab}`}>
      <div className="page-head">
        <h1 className="page-title">Assets</h1>
        <Tabs
          label="Assets"
          active={tab}
          onChange={(t) => navigate(t === 'assets' ? '/assets' : `/assets?tab=${t}`)}
          tabs={[
            { key: 'assets', label: 'Register' },
            { key: 'services', label: 'City services' },
            ...(mayAnalyse ? [{ key: 'graph' as const, label: 'Dependency graph' }] : []),
          ]}
        />
      </div>
      {tab === 'assets' && <AssetTable />}
      {tab === 'services' && <ServicesTab />}
      {tab === 'graph' && <GraphTab />}
    </div>
  );
}
