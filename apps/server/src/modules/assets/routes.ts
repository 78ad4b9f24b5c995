import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ACCESS, actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import {
  AssetCreateSchema,
  AssetDetailSchema,
  AssetListQuerySchema,
  AssetListSchema,
  AssetPatchSchema,
  AssetSchema,
  CityServiceSchema,
  EdgeCreateSchema,
  EdgeListQuerySchema,
  EdgeListSchema,
  EdgePatchSchema,
  EdgeResultSchema,
  EdgeSchema,
  ImportBodySchema,
  ImportResultSchema,
  RefParams,
  RetireBodySchema,
  ServiceCreateSchema,
  ServiceDetailSchema,
  ServiceListQuerySchema,
  ServiceListSchema,
  ServicePatchSchema,
} from './schema.js';
import { OWNER_EDITABLE_FIELDS, type AssetService } from './service.js';

/** Everyone who may read the register; an owner sees only their own part of it. */
const READ = ['admin', 'analyst', 'auditor', 'owner'] as const;
/** Who may patch an asset: staff, and owners (description and location of their own). */
const PATCH = ['admin', 'analyst', 'owner'] as const;
const OWNER_NOTE =
  'A user with role owner sees only the assets they own, the edges touching them and the services those support.';

/** A POST without a body is one with `{}`: confirming or retiring needs nothing more. */
function emptyBody(request: FastifyRequest, _reply: unknown, done: () => void): void {
  request.body ??= {};
  done();
}

/** `/assets`, `/services`, `/asset-edges`: the asset register and its dependency graph. */
export function assetRoutes(assets: AssetService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    const tags = ['assets'];

    app.get(
      '/assets',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'Assets in name order; page with cursor = nextCursor',
          description: `Filters combine. status defaults to active and discovered (add status=retired to see retired ones). ${OWNER_NOTE}`,
          querystring: AssetListQuerySchema,
          response: { 200: AssetListSchema, ...errorResponses },
        },
      },
      (request) => assets.list(actorOf(request), request.query),
    );

    app.post(
      '/assets/import',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary:
            'Import assets, city services and edges (CSV, JSON) or hosts (nmap XML), all or nothing',
          description:
            'CSV: one or more tables, each a header row then rows; a line [assets], [services] or [edges] starts a table of that kind, or the header tells (from and to: edges; citizen_impact: services; else assets). Assets are matched by name, or by IP when the row has no name; services by name; edges by from, to and type. JSON: an array of assets, or {assets, services, edges}, with the API field names. nmap: hosts that are up become discovered assets unless one matches an existing asset by IP or MAC (then its ports, OS guess, hostnames and last seen are updated). ALL OR NOTHING: if any row is bad nothing is imported and the 400 lists every bad row (details.errors: line, record, field, value, reason); dryRun: true makes the same checks and returns the counts with 200.',
          body: ImportBodySchema,
          response: { 200: ImportResultSchema, ...errorResponses },
        },
      },
      (request) => assets.import(actorOf(request), request.body),
    );

    app.get(
      '/assets/:id',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'One asset (by id or name) with its addresses, edges both ways and services',
          params: RefParams,
          response: { 200: AssetDetailSchema, ...errorResponses },
        },
      },
      (request) => assets.get(actorOf(request), request.params.id),
    );

    app.post(
      '/assets',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Add an asset',
          description:
            'name and kind are required; owner is a username or user id; ips, macs, hostnames and tags are arrays (or text separated by ; or spaces). Every address must be free among assets that are not retired (409 otherwise).',
          body: AssetCreateSchema,
          response: { 201: AssetDetailSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await assets.create(actorOf(request), request.body)),
    );

    app.patch(
      '/assets/:id',
      {
        config: { access: PATCH },
        schema: {
          tags,
          summary: 'Change an asset: only the fields given; null clears one',
          description: `Addresses given replace those of their type. An owner may change only ${OWNER_EDITABLE_FIELDS.join(', ')} of their own assets (403 otherwise). status active brings a retired asset back.`,
          params: RefParams,
          body: AssetPatchSchema,
          response: { 200: AssetDetailSchema, ...errorResponses },
        },
      },
      (request) => assets.update(actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/assets/:id/confirm',
      {
        config: { access: ACCESS.staff },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: 'Confirm a discovered asset: it becomes active, with any fields given set',
          params: RefParams,
          body: AssetPatchSchema,
          response: { 200: AssetDetailSchema, ...errorResponses },
        },
      },
      (request) => assets.confirm(actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/assets/:id/retire',
      {
        config: { access: ACCESS.staff },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: 'Retire an asset: kept for history, its addresses freed, no longer matched',
          params: RefParams,
          body: RetireBodySchema,
          response: { 200: AssetDetailSchema, ...errorResponses },
        },
      },
      (request) => assets.retire(actorOf(request), request.params.id, request.body.reason),
    );

    app.delete(
      '/assets/:id',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Delete an asset with its addresses and edges (retire keeps the history)',
          params: RefParams,
          response: { 200: AssetSchema, ...errorResponses },
        },
      },
      (request) => assets.delete(actorOf(request), request.params.id),
    );

    app.get(
      '/services',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'City services (water supply, traffic control …) in name order',
          description: OWNER_NOTE,
          querystring: ServiceListQuerySchema,
          response: { 200: ServiceListSchema, ...errorResponses },
        },
      },
      (request) => assets.listServices(actorOf(request), request.query),
    );

    app.get(
      '/services/:id',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'One city service (by id or name) with the assets that support it',
          params: RefParams,
          response: { 200: ServiceDetailSchema, ...errorResponses },
        },
      },
      (request) => assets.getService(actorOf(request), request.params.id),
    );

    app.post(
      '/services',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Add a city service',
          body: ServiceCreateSchema,
          response: { 201: ServiceDetailSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await assets.createService(actorOf(request), request.body)),
    );

    app.patch(
      '/services/:id',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Change a city service: only the fields given; null clears one',
          params: RefParams,
          body: ServicePatchSchema,
          response: { 200: ServiceDetailSchema, ...errorResponses },
        },
      },
      (request) => assets.updateService(actorOf(request), request.params.id, request.body),
    );

    app.delete(
      '/services/:id',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Delete a city service and the supports edges into it',
          params: RefParams,
          response: { 200: CityServiceSchema, ...errorResponses },
        },
      },
      (request) => assets.deleteService(actorOf(request), request.params.id),
    );

    app.get(
      '/asset-edges',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'Dependency edges, with the names of their ends',
          description: OWNER_NOTE,
          querystring: EdgeListQuerySchema,
          response: { 200: EdgeListSchema, ...errorResponses },
        },
      },
      (request) => assets.listEdges(actorOf(request), request.query),
    );

    app.get(
      '/asset-edges/:id',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'One dependency edge',
          params: RefParams,
          response: { 200: EdgeSchema, ...errorResponses },
        },
      },
      (request) => assets.getEdge(actorOf(request), request.params.id),
    );

    app.post(
      '/asset-edges',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Add a dependency edge',
          description:
            'Both ends must exist (from: an asset; to: an asset, or a city service for supports), by id or name; the same from, to and type twice is a 409. Cycles are allowed. warnings name a redundancy group that has fewer edges than its k.',
          body: EdgeCreateSchema,
          response: { 201: EdgeResultSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await assets.createEdge(actorOf(request), request.body)),
    );

    app.patch(
      '/asset-edges/:id',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: "Change an edge's time to impact, redundancy or note",
          params: RefParams,
          body: EdgePatchSchema,
          response: { 200: EdgeResultSchema, ...errorResponses },
        },
      },
      (request) => assets.updateEdge(actorOf(request), request.params.id, request.body),
    );

    app.delete(
      '/asset-edges/:id',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Delete a dependency edge',
          params: RefParams,
          response: { 200: EdgeSchema, ...errorResponses },
        },
      },
      (request) => assets.deleteEdge(actorOf(request), request.params.id),
    );
    done();
  };
}
