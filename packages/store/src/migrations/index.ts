import type { Kysely, Migration } from 'kysely';
import type { DialectHelper } from '../dialect.js';
import { identityAndAudit } from './0001-identity-and-audit.js';
import { events } from './0002-events.js';
import { detection } from './0004-detection.js';
import { assets } from './0005-assets.js';
import { alertAssets } from './0006-alert-assets.js';
import { incidents } from './0007-incidents.js';
import { response } from './0008-response.js';
import { settings } from './0009-settings.js';
import { incidentReportDetails } from './0010-incident-report-details.js';
import { ingestBatchesPerSender } from './0011-ingest-batches-per-sender.js';
import { sourceClockOffset } from './0012-source-clock-offset.js';

/** A migration gets the dialect helper so it can stay dialect-neutral. */
export interface VersionedMigration {
  name: string;
  up(db: Kysely<unknown>, dialect: DialectHelper): Promise<void>;
}

/** Ordered; names sort in order and are never renamed once released. */
export const MIGRATIONS: VersionedMigration[] = [
  identityAndAudit,
  events,
  detection,
  assets,
  alertAssets,
  incidents,
  response,
  settings,
  incidentReportDetails,
  ingestBatchesPerSender,
  sourceClockOffset,
];

export function migrationsFor(dialect: DialectHelper): Record<string, Migration> {
  return Object.fromEntries(
    MIGRATIONS.map((m) => [m.name, { up: (db: Kysely<unknown>) => m.up(db, dialect) }]),
  );
}
