import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ValidationError } from '@prahari/core';
import type { DeliveryStatus } from '@prahari/store';
import { ACCESS, actorOf } from '../../http/auth.js';
import { errorResponses, RoleSchema } from '../common-schema.js';
import { EVENT_MEANING, NOTIFICATION_EVENTS, type NotificationService } from './service.js';

const NullStr = Type.Union([Type.String(), Type.Null()]);
const EVENTS_DESCRIPTION = NOTIFICATION_EVENTS.map((e) => `${e}: ${EVENT_MEANING[e]}`).join('; ');
const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;

const ChannelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  owner: Type.Object({
    user: Type.Union([Type.String(), Type.Null()], { description: 'the username, for a person' }),
    role: Type.Union([Type.String(), Type.Null()], { description: 'the role, for a role channel' }),
  }),
  kind: Type.String({ description: 'email or webhook' }),
  address: Type.String({ description: 'e-mail address or webhook URL' }),
  hasSecret: Type.Boolean({ description: 'webhook bodies are signed (the secret is never shown)' }),
  events: Type.Array(Type.String(), { description: EVENTS_DESCRIPTION }),
  enabled: Type.Boolean(),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedBy: Type.String(),
  updatedAt: Type.String(),
});

const CreatedChannelSchema = Type.Intersect([
  ChannelSchema,
  Type.Object({
    secret: Type.Optional(
      Type.String({
        description:
          'the generated webhook secret, shown this once: give it to the receiver to check X-Prahari-Signature',
      }),
    ),
  }),
]);

const Events = Type.Array(Type.String({ maxLength: 50 }), {
  maxItems: 20,
  description: EVENTS_DESCRIPTION,
});
const Secret = Type.String({
  minLength: 16,
  maxLength: 500,
  description: 'webhook signing secret (HMAC-SHA256 over timestamp.body)',
});

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([Type.Literal('email'), Type.Literal('webhook')]),
    address: Type.String({ minLength: 3, maxLength: 2000, description: 'e-mail address or URL' }),
    events: Events,
    user: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'owner username (default: you)' }),
    ),
    role: Type.Optional(RoleSchema),
    secret: Type.Optional(Secret),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const PatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    address: Type.Optional(Type.String({ minLength: 3, maxLength: 2000 })),
    events: Type.Optional(Events),
    secret: Type.Optional(Secret),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const TestResultSchema = Type.Object({
  channel: Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String() }),
  deliveryId: Type.String(),
  delivered: Type.Boolean(),
  error: Type.Union([Type.String(), Type.Null()], {
    description: 'what the SMTP server or webhook receiver said, or why it could not be reached',
  }),
});

const DeliverySchema = Type.Object({
  id: Type.String(),
  seq: Type.Integer(),
  channelId: Type.String(),
  channelName: Type.String(),
  event: Type.String(),
  subject: Type.String(),
  status: Type.String({ description: DELIVERY_STATUSES.join(', ') }),
  attempts: Type.Integer(),
  lastError: NullStr,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()], {
    description: 'when the next try is due (retrying)',
  }),
  deliveredAt: NullStr,
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

function emptyBody(request: FastifyRequest, _reply: unknown, done: () => void): void {
  request.body ??= {};
  done();
}

function deliveryStatuses(text: string | undefined): DeliveryStatus[] | undefined {
  if (text === undefined) return undefined;
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = list.filter((s) => !(DELIVERY_STATUSES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new ValidationError(
      `Unknown delivery status ${unknown.join(', ')}: use ${DELIVERY_STATUSES.join(', ')}.`,
      { field: 'status' },
    );
  return list as DeliveryStatus[];
}

/** `/notifications`: channels per person or role, their test button, and every delivery. */
export function notificationRoutes(
  notifications: NotificationService,
): FastifyPluginCallbackTypebox {
  return (app, _options, done) => {
    const tags = ['notifications'];
    const access = ACCESS.people;
    const OWNERSHIP =
      'A person manages their own channels; an admin manages every channel, including those of a role (which reach everyone of that role).';

    app.get(
      '/notifications/events',
      {
        config: { access },
        schema: {
          tags,
          summary: 'The events a channel can subscribe to',
          response: {
            200: Type.Array(Type.Object({ event: Type.String(), meaning: Type.String() })),
            ...errorResponses,
          },
        },
      },
      () => NOTIFICATION_EVENTS.map((event) => ({ event, meaning: EVENT_MEANING[event] })),
    );

    app.get(
      '/notifications/channels',
      {
        config: { access },
        schema: {
          tags,
          summary: 'Your channels and those of your role (an admin sees all)',
          response: { 200: Type.Array(ChannelSchema), ...errorResponses },
        },
      },
      (request) => notifications.listChannels(actorOf(request)),
    );

    app.get(
      '/notifications/channels/:id',
      {
        config: { access },
        schema: {
          tags,
          summary: 'One channel',
          params: IdParams,
          response: { 200: ChannelSchema, ...errorResponses },
        },
      },
      (request) => notifications.getChannel(actorOf(request), request.params.id),
    );

    app.post(
      '/notifications/channels',
      {
        config: { access },
        schema: {
          tags,
          summary: 'Add an e-mail or webhook channel and the events it receives',
          description: `${OWNERSHIP} A webhook channel given no secret gets one, returned once in this answer. A system owner receives alerts only on their own assets.`,
          body: CreateBody,
          response: { 201: CreatedChannelSchema, ...errorResponses },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await notifications.createChannel(actorOf(request), request.body)),
    );

    app.patch(
      '/notifications/channels/:id',
      {
        config: { access },
        schema: {
          tags,
          summary: 'Change a channel: only the fields given',
          description: OWNERSHIP,
          params: IdParams,
          body: PatchBody,
          response: { 200: ChannelSchema, ...errorResponses },
        },
      },
      (request) => notifications.updateChannel(actorOf(request), request.params.id, request.body),
    );

    app.delete(
      '/notifications/channels/:id',
      {
        config: { access },
        schema: {
          tags,
          summary: 'Delete a channel (its deliveries stay listed)',
          params: IdParams,
          response: { 200: ChannelSchema, ...errorResponses },
        },
      },
      (request) => notifications.deleteChannel(actorOf(request), request.params.id),
    );

    app.post(
      '/notifications/channels/:id/test',
      {
        config: { access },
        preValidation: emptyBody,
        schema: {
          tags,
          summary: 'Send a test message now and say what happened',
          description:
            'One try, no retries: delivered, or the SMTP server’s or receiver’s answer (or why it could not be reached) in error.',
          params: IdParams,
          body: Type.Object({}, { additionalProperties: false }),
          response: { 200: TestResultSchema, ...errorResponses },
        },
      },
      (request) => notifications.test(actorOf(request), request.params.id),
    );

    app.get(
      '/notifications/deliveries',
      {
        config: { access },
        schema: {
          tags,
          summary: 'Deliveries through your channels (an admin: all), newest first',
          querystring: Type.Object(
            {
              status: Type.Optional(
                Type.String({
                  maxLength: 100,
                  description: `comma-separated: ${DELIVERY_STATUSES.join(', ')}`,
                }),
              ),
              event: Type.Optional(Type.String({ maxLength: 50 })),
              channel: Type.Optional(Type.String({ maxLength: 200, description: 'a channel id' })),
              before: Type.Optional(
                Type.Integer({ minimum: 1, description: 'older than this seq' }),
              ),
              limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Array(DeliverySchema), ...errorResponses },
        },
      },
      (request) => {
        const q = request.query;
        const status = deliveryStatuses(q.status);
        return notifications.listDeliveries(actorOf(request), {
          limit: q.limit,
          ...(status !== undefined && { status }),
          ...(q.event !== undefined && { event: q.event }),
          ...(q.channel !== undefined && { channel: q.channel }),
          ...(q.before !== undefined && { beforeSeq: q.before }),
        });
      },
    );

    done();
  };
}
