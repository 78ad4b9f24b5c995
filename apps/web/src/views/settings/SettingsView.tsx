import { Tabs } from '../../components/ui';
import { can } from '../../lib/roles';
import { setParams, useLocation } from '../../lib/router';
import { useMe } from '../../session';
import { ApiKeys } from './ApiKeys';
import { Notifications } from './Notifications';
import { Reporting } from './Reporting';
import { Sources } from './Sources';
import { Users } from './Users';
import './settings.css';

type Tab = 'sources' | 'notifications' | 'reporting' | 'users' | 'keys';

export function SettingsView() {
  const me = useMe();
  const { params } = useLocation();
  // A system owner has their own notification channels here and nothing else.
  const tabs: { key: Tab; label: string }[] = [
    ...(can.read(me.role) ? [{ key: 'sources' as const, label: 'Sources' }] : []),
    { key: 'notifications', label: 'Notifications' },
    ...(can.read(me.role) ? [{ key: 'reporting' as const, label: 'Point of contact' }] : []),
    ...(can.listUsers(me.role) ? [{ key: 'users' as const, label: 'Users' }] : []),
    ...(can.listKeys(me.role) ? [{ key: 'keys' as const, label: 'API keys' }] : []),
  ];
  const first = tabs[0]!.key;
  const requested = params.get('tab');
  const tab = tabs.find((t) => t.key === requested)?.key ?? first;
  return (
    <div className="page settings-page">
      <div className="page-head">
        <h1 className="page-title">Settings</h1>
        <Tabs
          label="Settings"
          active={tab}
          onChange={(t) => setParams({ tab: t === first ? undefined : t })}
          tabs={tabs}
        />
      </div>
      {tab === 'sources' && <Sources mayChange={can.work(me.role)} />}
      {tab === 'notifications' && <Notifications />}
      {tab === 'reporting' && <Reporting mayChange={can.changeSettings(me.role)} />}
      {tab === 'users' && <Users mayChange={can.manageUsers(me.role)} myName={me.name} />}
      {tab === 'keys' && <ApiKeys mayChange={can.manageKeys(me.role)} />}
    </div>
  );
}
