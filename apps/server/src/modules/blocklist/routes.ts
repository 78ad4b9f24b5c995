import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ACCESS, actorOf } from '../../http/auth.js';
import { errorResponses } from '../common-schema.js';
import type { BlockListService } from './service.js';

const NullStr = Type.Union([Type.String(), Type.Null()]);

const EntrySchema = Type.Object({
  id: Type.String(),
  value: Type.String({ description: 'an IP address or a CIDR network, canonical form' }),
  reason: Type.String(),
  addedBy: Type.String({
    description: 'the person, or for a playbook step its approver or the playbook',
  }),
  addedByKind: Type.String({ description: 'person or run' }),
  runId: Type.Union([Type.String(), Type.Null()], {
    description: 'the playbook run that added it',
  }),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()], {
    description: 'after this time firewalls no longer get it; null: until removed',
  }),
  removedAt: NullStr,
  removedBy: NullStr,
});

/** Who may pull the list: staff, and `ingest` keys (the key a firewall is given). */
const PULL = ['admin', 'analyst', 'ingest'] as const;
const READ = ['admin', 'analyst', 'auditor'] as const;

/** `/blocklist.txt` for firewalls, `/blocklist` to manage it. */
export function blocklistRoutes(blocklist: BlockListService): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    const tags = ['response'];

    app.get(
      '/blocklist.txt',
      {
        config: { access: PULL, basicAuth: true },
        schema: {
          tags,
          summary: 'The block list for firewalls: one IP address or CIDR network per line',
          description:
            'Plain text: a # comment line, then each address or network in force once (removed and expired entries left out). Palo Alto external dynamic lists, FortiGate external threat feeds and pfSense/OPNsense URL tables pull it. Authenticate with HTTP Basic (any user name, an API key as the password) or Authorization: Bearer; give the firewall an API key of role ingest.',
          response: { 200: Type.String(), ...errorResponses },
        },
      },
      async (_request, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(await blocklist.text()),
    );

    app.get(
      '/blocklist',
      {
        config: { access: READ },
        schema: {
          tags,
          summary: 'Block-list entries: those in force (default) or all, newest first',
          querystring: Type.Object(
            {
              active: Type.Boolean({
                default: true,
                description: 'false: every entry, including removed and expired ones',
              }),
              limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(EntrySchema), ...errorResponses },
        },
      },
      (request) => blocklist.list(request.query),
    );

    app.post(
      '/blocklist',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Block an address or network (201); one already in force is returned (200)',
          description:
            'Addresses inside response.blocklist.protect are refused (400), as are malformed ones.',
          body: Type.Object(
            {
              value: Type.String({
                minLength: 1,
                maxLength: 100,
                description: 'IPv4 or IPv6 address, or CIDR network (203.0.113.0/24)',
              }),
              reason: Type.String({
                minLength: 1,
                maxLength: 500,
                description: 'why it is blocked',
              }),
              expiresAt: Type.Optional(
                Type.Union([
                  Type.String({
                    maxLength: 40,
                    description: 'ISO 8601, or an age from now: 24h, 7d, 2w',
                  }),
                  Type.Null(),
                ]),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: EntrySchema, 201: EntrySchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { entry, added } = await blocklist.add(actorOf(request), request.body);
        return reply.status(added ? 201 : 200).send(entry);
      },
    );

    app.delete(
      '/blocklist/:id',
      {
        config: { access: ACCESS.staff },
        schema: {
          tags,
          summary: 'Take an entry off the list (kept, marked removed, for the record)',
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
          response: { 200: EntrySchema, ...errorResponses },
        },
      },
      (request) => blocklist.remove(actorOf(request), request.params.id),
    );

    done();
  };
}
