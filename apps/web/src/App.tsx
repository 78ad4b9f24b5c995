import { useEffect, type ReactNode } from 'react';
import type { Role } from './api/types';
import { Loading } from './components/ui';
import { can } from './lib/roles';
import { Link, navigate, useLocation } from './lib/router';
import { SessionProvider, useMe, useSession } from './session';
import { AlertStreamProvider, useAlertStream } from './stream';
import { AccountView } from './views/Account';
import { AlertsView } from './views/alerts/AlertsView';
import { AssetsView } from './views/assets/AssetsView';
import { AuditView } from './views/Audit';
import { EventsView } from './views/events/EventsView';
import { IncidentsView } from './views/incidents/IncidentsView';
import { IndicatorsView } from './views/Indicators';
import { Login } from './views/Login';
import { Overview } from './views/Overview';
import { ResponseView } from './views/response/ResponseView';
import { RulesView } from './views/rules/RulesView';
import { SettingsView } from './views/settings/SettingsView';

interface NavItem {
  path: string;
  label: string;
  allowed: (role: Role) => boolean;
  view: () => ReactNode;
}

const NAV: NavItem[] = [
  { path: '/overview', label: 'Overview', allowed: can.read, view: () => <Overview /> },
  { path: '/alerts', label: 'Alerts', allowed: can.read, view: () => <AlertsView /> },
  { path: '/incidents', label: 'Incidents', allowed: can.incidents, view: () => <IncidentsView /> },
  { path: '/response', label: 'Response', allowed: can.read, view: () => <ResponseView /> },
  { path: '/events', label: 'Events', allowed: can.read, view: () => <EventsView /> },
  { path: '/assets', label: 'Assets', allowed: can.assets, view: () => <AssetsView /> },
  { path: '/rules', label: 'Rules', allowed: can.read, view: () => <RulesView /> },
  { path: '/indicators', label: 'Indicators', allowed: can.read, view: () => <IndicatorsView /> },
  { path: '/settings', label: 'Settings', allowed: can.settings, view: () => <SettingsView /> },
  { path: '/audit', label: 'Audit trail', allowed: can.audit, view: () => <AuditView /> },
  { path: '/account', label: 'My account', allowed: () => true, view: () => <AccountView /> },
];

export function App() {
  return (
    <SessionProvider>
      <Root />
    </SessionProvider>
  );
}

function Root() {
  const { state } = useSession();
  if (state.status === 'checking') return <Loading what="Starting Prahari" />;
  if (state.status === 'anonymous') return <Login />;
  return (
    <AlertStreamProvider enabled={can.read(state.me.role)}>
      <Shell />
    </AlertStreamProvider>
  );
}

function Shell() {
  const me = useMe();
  const { logout } = useSession();
  const { path } = useLocation();
  const items = NAV.filter((n) => n.allowed(me.role));
  const home = items[0]!.path;
  const current = items.find((n) => path === n.path || path.startsWith(`${n.path}/`));

  useEffect(() => {
    if (path === '/' || path === '/index.html') navigate(home, { replace: true });
  }, [path, home]);

  useEffect(() => {
    document.title = current ? `${current.label} · Prahari` : 'Prahari';
  }, [current]);

  return (
    <div className="shell">
      <header className="topbar">
        <Link to={home} className="brand" aria-label="Prahari home">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Prahari</span>
        </Link>
        <StreamIndicator />
        <div className="topbar-user">
          <span className="who">
            <strong>{me.name}</strong> <span className="role-tag">{me.role}</span>
          </span>
          <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {items.map((n) => (
            <li key={n.path}>
              <Link
                to={n.path}
                className={current === n ? 'active' : undefined}
                aria-current={current === n ? 'page' : undefined}
              >
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" id="main">
        {current ? (
          current.view()
        ) : path === '/' ? null : (
          <div className="page">
            <h1>No page here</h1>
            <p>
              There is nothing at <code>{path}</code>
              {NAV.some((n) => path.startsWith(n.path)) ? ' for your role' : ''}.{' '}
              <Link to={home}>Go to {items[0]!.label}</Link>.
            </p>
          </div>
        )}
      </main>
    </div>
  );
}

function StreamIndicator() {
  const { status } = useAlertStream();
  if (status === 'off') return <span className="stream-dot" />;
  const text =
    status === 'live'
      ? 'Live'
      : status === 'connecting'
        ? 'Connecting…'
        : 'Reconnecting to the live alert stream…';
  return (
    <span className={`stream-dot stream-${status}`} role="status" title="Live alert stream">
      <span className="dot" aria-hidden="true" /> {text}
    </span>
  );
}
