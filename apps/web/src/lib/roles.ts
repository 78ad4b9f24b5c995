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
  listUsers: is('admin', 'analyst', 'auditor'),
  manageUsers: is('admin'),
  listKeys: is('admin', 'auditor'),
  manageKeys: is('admin'),
};
