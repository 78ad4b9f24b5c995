import { createGunzip } from 'node:zlib';
import { Type } from 'typebox';
import type {
  FastifyPluginCallbackTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import { PrahariError, ValidationError, parseQuery, type Clock } from '@prahari/core';
import { parserNames, type ParserName, type RawArchive } from '@prahari/ingest';
import type { Store } from '@prahari/store';
import { actorOf, requirePrincipal } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import { splitIngestBody } from './http-body.js';
import type { SourceService } from '../sources/service.js';
import { assetConcerned, type AssetDirectory } from '../assets/directory.js';
import type { DeadLetterService } from './deadletters.js';
import { OverloadedError, type IngestPipeline } from './pipeline.js';

const SENDERS = ['admin', 'analyst', 'ingest'] as const;
const READERS = ['admin', 'analyst', 'auditor'] as const;

const EventSchema = Type.Object({
  seq: Type.Integer(),
  receivedAt: Type.String(),
  eventTime: Type.String(),
  listener: Type.String(),
  parser: Type.String(),
  sourceIp: Type.Union([Type.String(), Type.Null()]),
  sourcePort: Type.Union([Type.Integer(), Type.Null()]),
  sourceName: Type.Union([Type.String(), Type.Null()]),
  logsource: Type.Object({
    product: Type.Optional(Type.String()),
    category: Type.Optional(Type.String()),
    service: Type.Optional(Type.String()),
  }),
  message: Type.String(),
  raw: Type.String(),
  fields: Type.Record(Type.String(), Type.Unknown()),
  flags: Type.Array(Type.String()),
  asset: Type.Union(
    [
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        kind: Type.String(),
        criticality: Type.Union([Type.Integer(), Type.Null()]),
        zone: Type.Union([Type.String(), Type.Null()]),
        ownerName: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ],
    {
      description:
        'the registered asset the event concerns (destination, else logging host, else sender), as the register is now',
    },
  ),
});

/** A histogram's bucket sizes, so bars fall on round times. */
const BUCKET_SECONDS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 10_800, 21_600, 43_200, 86_400];

const searchParams = {
  q: Type.String({
    default: '',
    maxLength: 10_000,
    description: 'query, e.g. user.name:root AND "Failed password"',
  }),
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'event time from (inclusive)' }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'event time to (exclusive)' })),
};

class ServiceUnavailable extends PrahariError {
  constructor(message: string) {
    super(503, 'unavailable', message);
  }
}

export interface IngestRouteDeps {
  pipeline: IngestPipeline;
  store: Store;
  clock: Clock;
  listeners: () => { udpPort: number | null; tcpPort: number | null; tlsPort: number | null };
  sources: SourceService;
  deadLetters: DeadLetterService;
  archive: RawArchive;
  /** the asset register, to show which asset an event concerns */
  assets: Pick<AssetDirectory, 'lookup'>;
}

export function ingestRoutes(deps: IngestRouteDeps): FastifyPluginCallbackTypebox {
  const withAsset = <E extends { fields: Record<string, unknown>; sourceIp: string | null }>(
    event: E,
  ) => {
    const a = assetConcerned(deps.assets, event);
    return {
      ...event,
      asset: a
        ? {
            id: a.id,
            name: a.name,
            kind: a.kind,
            criticality: a.criticality,
            zone: a.zone,
            ownerName: a.ownerName,
          }
        : null,
    };
  };
  return (app, _options, done) => {
    // Only POST /ingest reads its body raw (split by us so each message keeps its exact text
    // for the archive); the other routes here keep the JSON parser.
    app.register((scope, _opts, registered) => {
      const raw = scope.withTypeProvider<TypeBoxTypeProvider>();
      raw.removeContentTypeParser(['application/json', 'text/plain']);
      raw.addContentTypeParser(
        ['application/json', 'application/x-ndjson', 'text/plain'],
        { parseAs: 'buffer' },
        (_request, body, next) => next(null, body),
      );

      raw.post(
        '/ingest',
        {
          config: { access: SENDERS },
          schema: {
            tags: ['ingest'],
            summary:
              'Send events: NDJSON, a JSON array, one JSON object, or plain log lines (gzip allowed)',
            description:
              'Answers 200 only after every message is durably stored (or kept as a dead letter). Send an Idempotency-Key header to make a retry safe: a batch already stored under that key is not stored again. 503 with Retry-After when Prahari is overloaded.',
            querystring: Type.Object(
              {
                parser: Type.Optional(
                  Type.String({ description: `force a parser: ${parserNames.join(', ')}` }),
                ),
              },
              { additionalProperties: false },
            ),
            headers: Type.Object({
              'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            }),
            response: {
              200: Type.Object({
                accepted: Type.Integer(),
                deadLettered: Type.Integer(),
                duplicate: Type.Boolean(),
                parsers: Type.Record(Type.String(), Type.Integer()),
              }),
              ...errorResponses,
              503: errorResponses[400],
            },
          },
          preParsing: (request, _reply, payload, next) => {
            const encoding = request.headers['content-encoding'];
            if (encoding === 'gzip') {
              // The body limit then applies to the decompressed bytes, so a gzip bomb is refused.
              const gunzip = Object.assign(createGunzip(), { receivedEncodedLength: 0 });
              payload.on('data', (chunk: Buffer) => (gunzip.receivedEncodedLength += chunk.length));
              next(null, payload.pipe(gunzip));
            } else if (encoding && encoding !== 'identity') {
              next(
                new ValidationError(
                  `Content-Encoding '${encoding}' is not supported; send gzip or plain.`,
                ),
              );
            } else {
              next(null, payload);
            }
          },
        },
        async (request, reply) => {
          const principal = requirePrincipal(request);
          const hint = request.query.parser;
          if (hint !== undefined && !(parserNames as string[]).includes(hint)) {
            throw new ValidationError(
              `Parser '${hint}' does not exist; use one of ${parserNames.join(', ')}.`,
              { field: 'parser' },
            );
          }
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const { messages, error } = splitIngestBody(body);
          if (error) throw new ValidationError(error, { field: 'body' });
          const receivedAt = deps.clock.now();
          const key = request.headers['idempotency-key'];
          try {
            return await deps.pipeline.submit(
              messages.map((raw) => ({
                raw,
                receivedAt,
                listener: 'http',
                sourceIp: request.ip,
                sourcePort: request.socket.remotePort ?? null,
                ...(hint && { parserHint: hint as ParserName }),
                ...(principal.kind === 'apikey' && { apiKeyId: principal.id }),
              })),
              {
                rejectWhenFull: true,
                ...(key && {
                  idempotency: {
                    key,
                    principalId: principal.id,
                    receivedAt: receivedAt.toISOString(),
                  },
                }),
              },
            );
          } catch (err) {
            if (err instanceof OverloadedError) {
              void reply.header('retry-after', '2');
              throw new ServiceUnavailable(
                'Prahari is writing a backlog; retry this batch in a few seconds (it was not stored).',
              );
            }
            throw err;
          }
        },
      );
      registered();
    });

    app.get(
      '/ingest/stats',
      {
        config: { access: READERS },
        schema: {
          tags: ['ingest'],
          summary: 'Ingest figures: received, stored, dead-lettered, per parser, queue, UDP drops',
        },
      },
      async () => ({
        ...deps.pipeline.totals,
        byParser: deps.pipeline.byParser,
        queueDepth: deps.pipeline.queued,
        deadLetters: await deps.store.deadLetters.countByStatus(),
        listeners: deps.listeners(),
        archive: deps.archive.stats(),
      }),
    );

    app.get(
      '/events',
      {
        config: { access: READERS },
        schema: {
          tags: ['events'],
          summary: 'Search stored events, newest first; page with `cursor`',
          querystring: Type.Object(
            {
              ...searchParams,
              limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
              cursor: Type.Optional(Type.String({ maxLength: 500 })),
              order: Type.Union([Type.Literal('desc'), Type.Literal('asc')], { default: 'desc' }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              events: Type.Array(EventSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await deps.store.search.search({
          query: parseQuery(q.q),
          limit: q.limit,
          order: q.order,
          ...(q.cursor && { cursor: q.cursor }),
          ...(q.from && { from: new Date(q.from).toISOString() }),
          ...(q.to && { to: new Date(q.to).toISOString() }),
        });
        return { ...page, events: page.events.map(withAsset) };
      },
    );

    app.get(
      '/events/histogram',
      {
        config: { access: READERS },
        schema: {
          tags: ['events'],
          summary:
            'Matching events per time bucket between from and to (every bucket, zeros included), for the chart above search results',
          querystring: Type.Object(
            {
              ...searchParams,
              from: Type.String({ format: 'date-time' }),
              to: Type.String({ format: 'date-time' }),
              buckets: Type.Integer({
                minimum: 1,
                maximum: 1000,
                default: 60,
                description: 'about how many bars; the size is rounded to a whole unit of time',
              }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              bucketSeconds: Type.Integer(),
              buckets: Type.Array(Type.Object({ start: Type.String(), count: Type.Integer() })),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const from = new Date(q.from);
        const to = new Date(q.to);
        if (to <= from) throw new ValidationError('to must be after from.', { field: 'to' });
        // A range a few milliseconds over a round figure (two clocks read a moment apart) still
        // gets the round bucket it was meant for, one bar more rather than a size three times larger.
        const wanted = (to.getTime() - from.getTime()) / 1000 / q.buckets / 1.01;
        const bucketSeconds =
          BUCKET_SECONDS.find((b) => b >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
        const buckets = await deps.store.search.histogram(
          { query: parseQuery(q.q), from: from.toISOString(), to: to.toISOString() },
          bucketSeconds,
        );
        return { bucketSeconds, buckets };
      },
    );

    app.get(
      '/events/top',
      {
        config: { access: READERS },
        schema: {
          tags: ['events'],
          summary: 'The most frequent values of a field among matching events, and the total',
          querystring: Type.Object(
            {
              ...searchParams,
              field: Type.String({ minLength: 1, maxLength: 200 }),
              limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => {
        const q = request.query;
        const search = {
          query: parseQuery(q.q),
          ...(q.from && { from: new Date(q.from).toISOString() }),
          ...(q.to && { to: new Date(q.to).toISOString() }),
        };
        const [values, total] = await Promise.all([
          deps.store.search.topValues(search, q.field, q.limit),
          deps.store.search.count(search),
        ]);
        return { field: q.field, total, values };
      },
    );

    app.get(
      '/events/:seq',
      {
        config: { access: READERS },
        schema: {
          tags: ['events'],
          summary: 'One stored event',
          params: Type.Object({ seq: Type.Integer({ minimum: 1 }) }),
          response: { 200: EventSchema, ...errorResponses },
        },
      },
      async (request) => {
        const event = await deps.store.events.get(request.params.seq);
        if (!event)
          throw new PrahariError(404, 'not_found', `There is no event ${request.params.seq}.`);
        return withAsset(event);
      },
    );

    app.get(
      '/deadletters',
      {
        config: { access: READERS },
        schema: {
          tags: ['ingest'],
          summary: 'Messages that could not be parsed, kept raw with the reason',
          querystring: Type.Object(
            {
              status: Type.Optional(
                Type.Union([Type.Literal('pending'), Type.Literal('reprocessed')]),
              ),
              text: Type.Optional(
                Type.String({
                  maxLength: 500,
                  description: 'substring of the reason or the raw text',
                }),
              ),
              after: Type.Optional(Type.Integer({ minimum: 0 })),
              limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => {
        const q = request.query;
        const rows = await deps.store.deadLetters.list({
          limit: q.limit,
          ...(q.status && { status: q.status }),
          ...(q.text && { text: q.text }),
          ...(q.after !== undefined && { afterSeq: q.after }),
        });
        return {
          deadLetters: rows.map((d) => ({
            ...d,
            raw: d.raw.toString('utf8'),
            rawBase64: d.raw.toString('base64'),
          })),
          counts: await deps.store.deadLetters.countByStatus(),
        };
      },
    );

    app.post(
      '/deadletters/retry',
      {
        config: { access: ['admin', 'analyst'] },
        schema: {
          tags: ['ingest'],
          summary:
            'Parse pending dead letters again (all, or the given ones), optionally with a named parser',
          body: Type.Object(
            {
              seqs: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10_000 })),
              parser: Type.Optional(
                Type.String({ description: `one of ${parserNames.join(', ')}` }),
              ),
            },
            { additionalProperties: false },
          ),
        },
      },
      (request) => {
        const { seqs, parser } = request.body;
        if (parser !== undefined && !(parserNames as string[]).includes(parser)) {
          throw new ValidationError(
            `Parser '${parser}' does not exist; use one of ${parserNames.join(', ')}.`,
            { field: 'parser' },
          );
        }
        return deps.deadLetters.retry(actorOf(request), {
          ...(seqs && { seqs }),
          ...(parser && { parser: parser as ParserName }),
        });
      },
    );

    done();
  };
}
