import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ACCESS, actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import {
  AddBodySchema,
  AddResultSchema,
  IdParams,
  ImportBodySchema,
  ImportResultSchema,
  IndicatorSchema,
  ListQuerySchema,
  ListResultSchema,
} from './schema.js';
import type { IndicatorService } from './service.js';

const READ = ['admin', 'analyst', 'auditor'] as const;

/** `/indicators`: indicators of compromise matched on every stored event. */
export function indicatorRoutes(indicators: IndicatorService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    app.get(
      '/indicators',
      {
        config: { access: READ },
        schema: {
          tags: ['detection'],
          summary: 'Indicators of compromise, by id; page with cursor = nextCursor',
          querystring: ListQuerySchema,
          response: { 200: ListResultSchema, ...errorResponses },
        },
      },
      (request) => indicators.list(request.query),
    );

    app.post(
      '/indicators',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags: ['detection'],
          summary: 'Add indicators (one object, or an array of up to 1000)',
          description:
            'The type is detected when left out. A value already known (same type and value) is updated: its source, TLP, expiry and description are replaced. Every item is checked first; if any is wrong nothing is stored and the 400 names each wrong item as items[index].field.',
          body: AddBodySchema,
          response: { 201: AddResultSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const items = Array.isArray(body) ? body : [body];
        return reply.status(201).send(await indicators.add(actorOf(request), items));
      },
    );

    app.post(
      '/indicators/import',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags: ['detection'],
          summary: 'Import a list of indicators (plain text or CSV), all or nothing',
          description:
            'text: one value per line, blank lines and # comments skipped, the type detected per line unless `type` is given. csv: a header row naming a `value` column and optionally `type`, `source`, `tlp`, `expires`, `description`; fields may be quoted ("a, b" and "" for a quote). ALL OR NOTHING: if any line is bad nothing is imported, and the 400 lists every bad line (details.errors: line, field, value, reason). With dryRun: true the same checks and counts are made and returned with 200, and nothing changes.',
          body: ImportBodySchema,
          response: { 200: ImportResultSchema, ...errorResponses },
        },
      },
      (request) => {
        const { text, ...options } = request.body;
        return indicators.import(actorOf(request), text, options);
      },
    );

    app.delete(
      '/indicators/:id',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags: ['detection'],
          summary: 'Delete an indicator; it stops matching at once',
          params: IdParams,
          response: { 200: IndicatorSchema, ...errorResponses },
        },
      },
      (request) => indicators.delete(actorOf(request), request.params.id),
    );
    done();
  };
}
