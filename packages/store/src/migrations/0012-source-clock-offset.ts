import type { VersionedMigration } from './index.js';

/**
 * How far a source's newest event time is from its arrival: a sender whose clock is off, or that
 * writes local time without a zone, shows here (IST read as UTC is 5½ hours ahead).
 */
export const sourceClockOffset: VersionedMigration = {
  name: '0012-source-clock-offset',
  async up(db) {
    await db.schema.alterTable('sources').addColumn('clock_offset_ms', 'integer').execute();
  },
};
