import { randomBytes } from 'node:crypto';
import { importDocument, type DemoCity } from '@prahari/demo-city';
import type { Store } from '@prahari/store';
import type { AssetService } from '../assets/service.js';
import type { Actor } from '../audit/service.js';
import type { AssetImportResult } from '../assets/import.js';
import type { UserService } from '../users/service.js';

export interface DemoLoadResult {
  /** owners created for the city's departments (they sign in only after an admin sets a password) */
  ownersCreated: string[];
  /** false when the register already held the whole city, so nothing was imported */
  imported: boolean;
  import: AssetImportResult | null;
}

/**
 * Puts the Demo City into the register: its department owners as users (role owner, with a
 * random password nobody knows until an admin sets one), then its assets, services and edges in
 * one all-or-nothing import. Loading again changes nothing: owners that exist are kept, and the
 * import is skipped when every asset of the city is already there (so a city the team has
 * since edited is not put back).
 */
export async function loadDemoCity(
  deps: { users: UserService; assets: AssetService; store: Pick<Store, 'assets'> },
  actor: Actor,
  city: DemoCity,
): Promise<DemoLoadResult> {
  const existing = new Set((await deps.users.list()).map((u) => u.username));
  const missing = city.owners.filter((o) => !existing.has(o.username));
  // Password hashing is the slow part and runs off the event loop: hash them side by side.
  await Promise.all(
    missing.map((owner) =>
      deps.users.create(actor, {
        username: owner.username,
        displayName: owner.displayName,
        department: owner.department,
        role: 'owner',
        password: randomBytes(24).toString('base64url'),
      }),
    ),
  );
  const ownersCreated = missing.map((o) => o.username);
  const present = await deps.store.assets.getByNames(city.assets.map((a) => a.name));
  if (present.filter((a) => a.status !== 'retired').length === city.assets.length)
    return { ownersCreated, imported: false, import: null };
  const result = await deps.assets.import(actor, {
    format: 'json',
    text: JSON.stringify(importDocument(city)),
  });
  return { ownersCreated, imported: true, import: result };
}
