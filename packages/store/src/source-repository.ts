import type { Kysely, Selectable, Updateable } from 'kysely';
import type { SourceRepository, SourceRow } from './repositories.js';
import type { Database, SourcesTable } from './schema.js';

function toSource(r: Selectable<SourcesTable>): SourceRow {
  return {
    id: r.id,
    name: r.name,
    matchIp: r.match_ip,
    matchHostname: r.match_hostname,
    matchApiKeyId: r.match_api_key_id,
    defaultParser: r.default_parser,
    timezone: r.timezone,
    description: r.description,
    discovered: r.discovered === 1,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    eventCount: Number(r.event_count),
    clockOffsetMs: r.clock_offset_ms === null ? null : Number(r.clock_offset_ms),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class KyselySourceRepository implements SourceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<SourceRow[]> {
    return (await this.db.selectFrom('sources').selectAll().orderBy('name').execute()).map(
      toSource,
    );
  }

  async findById(id: string): Promise<SourceRow | undefined> {
    const r = await this.db
      .selectFrom('sources')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toSource(r);
  }

  async findByName(name: string): Promise<SourceRow | undefined> {
    const r = await this.db
      .selectFrom('sources')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return r && toSource(r);
  }

  async insert(s: SourceRow): Promise<void> {
    await this.db
      .insertInto('sources')
      .values({
        id: s.id,
        name: s.name,
        match_ip: s.matchIp,
        match_hostname: s.matchHostname,
        match_api_key_id: s.matchApiKeyId,
        default_parser: s.defaultParser,
        timezone: s.timezone,
        description: s.description,
        discovered: s.discovered ? 1 : 0,
        first_seen: s.firstSeen,
        last_seen: s.lastSeen,
        event_count: s.eventCount,
        clock_offset_ms: s.clockOffsetMs,
        created_at: s.createdAt,
        updated_at: s.updatedAt,
      })
      .execute();
  }

  async update(id: string, p: Partial<Omit<SourceRow, 'id' | 'createdAt'>>): Promise<void> {
    const v: Updateable<SourcesTable> = {};
    if (p.name !== undefined) v.name = p.name;
    if (p.matchIp !== undefined) v.match_ip = p.matchIp;
    if (p.matchHostname !== undefined) v.match_hostname = p.matchHostname;
    if (p.matchApiKeyId !== undefined) v.match_api_key_id = p.matchApiKeyId;
    if (p.defaultParser !== undefined) v.default_parser = p.defaultParser;
    if (p.timezone !== undefined) v.timezone = p.timezone;
    if (p.description !== undefined) v.description = p.description;
    if (p.discovered !== undefined) v.discovered = p.discovered ? 1 : 0;
    if (p.updatedAt !== undefined) v.updated_at = p.updatedAt;
    if (Object.keys(v).length === 0) return;
    await this.db.updateTable('sources').set(v).where('id', '=', id).execute();
  }
}
