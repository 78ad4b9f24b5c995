// What each role may do in the dashboard, mirroring the API's access rules (README, "Who may do
// what"). The server enforces them; the dashboard only avoids offering what would be refused.
import type { Role } from '../api/types';

const is =
  (...roles: Role[]) =>
  (role: Role) =>
    roles.includes(role);

export const can = {
  /** alerts, events, rules, indicators, sources, detection status */
  read: is('admin', 'analyst', 'auditor'),
  /** work alerts, change rules, indicators and sources, retry dead letters */
  work: is('admin', 'analyst'),
  /** the audit trail and its chain check */
  audit: is('admin', 'auditor'),
  /** the asset register: an owner sees the assets assigned to them */
  assets: is('admin', 'analyst', 'auditor', 'owner'),
  /** add, confirm, retire and change assets (an owner changes a few fields of their own) */
  manageAssets: is('admin', 'analyst'),
  /** cascading impact: the dependency graph, blast radius, single points of failure, risk */
  impact: is('admin', 'analyst', 'auditor'),
  /** incidents: an owner sees those touching their assets or naming them */
  incidents: is('admin', 'analyst', 'auditor', 'owner'),
  /** the Settings view: people's own notification channels (everything else in it needs `read`) */
  settings: is('admin', 'analyst', 'auditor', 'owner'),
  /** the reporting organisation and point of contact */
  changeSettings: is('admin'),
  listUsers: is('admin', 'analyst', 'auditor'),
  manageUsers: is('admin'),
  listKeys: is('admin', 'auditor'),
  manageKeys: is('admin'),
};
