import { randomBytes, randomUUID } from 'node:crypto';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type Clock,
  type Role,
} from '@prahari/core';
import type {
  ChannelKind,
  ChannelRecord,
  DeliveryRecord,
  DeliveryStatus,
  NotificationChannelRepository,
  NotificationDeliveryRepository,
  UserRepository,
  UserRow,
} from '@prahari/store';
import type { Config } from '../../config/index.js';
import type { Actor, AuditService } from '../audit/service.js';
import { EmailSender } from './email.js';
import { backoffMs, DeliveryError, postJson } from './webhook.js';

/** What a channel can subscribe to. */
export const NOTIFICATION_EVENTS = [
  'alert.critical',
  'alert.high',
  'incident.assigned',
  'task.assigned',
  'clock.warning',
  'playbook.approval',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const EVENT_MEANING: Record<NotificationEvent, string> = {
  'alert.critical': 'a new alert of critical severity',
  'alert.high': 'a new alert of high severity',
  'incident.assigned': 'an incident was assigned to you',
  'task.assigned': 'an incident task was assigned to you',
  'clock.warning': "an incident's legal reporting clock is about to run out",
  'playbook.approval': 'a playbook step waits for an analyst to approve it',
};

/** Roles that have people, and so may own channels. */
const PEOPLE_ROLES: readonly Role[] = ['admin', 'analyst', 'owner', 'auditor'];

/** One message, whatever carries it. */
export interface Notification {
  /** a subscribable event, `playbook.notify` (a playbook's notify step) or `test` */
  event: NotificationEvent | 'playbook.notify' | 'test';
  subject: string;
  text: string;
  data: Record<string, unknown>;
}

/** Who an event concerns: people of some roles, and some people whatever their role. */
export interface Audience {
  roles: readonly Role[];
  userIds?: readonly (string | null | undefined)[];
}

/** Where a playbook's notify step sends: one channel, every channel of a role, or of a person. */
export type NotifyTarget = { channel: string } | { role: Role } | { user: string };

export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  address: string;
  events: string[];
  /** a username (default: the caller) */
  user?: string | undefined;
  /** a role (admins only) */
  role?: Role | undefined;
  /** webhook only: signs each body; generated when left out */
  secret?: string | undefined;
  enabled?: boolean | undefined;
}

export interface ChannelChanges {
  name?: string | undefined;
  address?: string | undefined;
  events?: string[] | undefined;
  secret?: string | undefined;
  enabled?: boolean | undefined;
}

/** A channel as the API shows it: the secret never, only whether there is one. */
export interface ChannelView {
  id: string;
  name: string;
  owner: { user: string | null; role: string | null };
  kind: ChannelKind;
  address: string;
  hasSecret: boolean;
  events: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export interface SendResult {
  channel: { id: string; name: string; kind: ChannelKind };
  deliveryId: string;
  delivered: boolean;
  error: string | null;
}

export type NotificationSettings = Config['notifications'];

const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;

function checkAddress(kind: ChannelKind, address: string): void {
  if (kind === 'email') {
    if (!EMAIL.test(address))
      throw new ValidationError(
        `'${address}' is not an e-mail address (one address, name@domain).`,
        {
          field: 'address',
        },
      );
    return;
  }
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(address).protocol);
  } catch {
    ok = false;
  }
  if (!ok)
    throw new ValidationError(`'${address}' is not an http(s) URL for a webhook.`, {
      field: 'address',
    });
}

function checkEvents(events: readonly string[]): NotificationEvent[] {
  const unknown = events.filter((e) => !(NOTIFICATION_EVENTS as readonly string[]).includes(e));
  if (unknown.length > 0)
    throw new ValidationError(
      `Unknown event(s) ${unknown.join(', ')}: a channel subscribes to ${NOTIFICATION_EVENTS.join(', ')}.`,
      { field: 'events', unknown },
    );
  return [...new Set(events)] as NotificationEvent[];
}

function checkSecret(secret: string | undefined): void {
  if (secret !== undefined && secret.length < 16)
    throw new ValidationError('A webhook secret must be at least 16 characters.', {
      field: 'secret',
    });
}

/**
 * Notification channels (e-mail or signed webhook, owned by a person or a role), the events they
 * subscribe to, and delivery with retries: every message is a delivery row, tried at once and
 * again with exponential backoff until it goes through or the tries run out.
 */
export class NotificationService {
  readonly #email: EmailSender;
  #timer: NodeJS.Timeout | undefined;
  #pumping: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(
    private readonly deps: {
      channels: NotificationChannelRepository;
      deliveries: NotificationDeliveryRepository;
      users: UserRepository;
      audit: AuditService;
      clock: Clock;
      settings: NotificationSettings;
      log: { error(obj: object, msg: string): void };
      newId?: () => string;
    },
  ) {
    this.#email = new EmailSender(deps.settings.smtp, deps.settings.timeoutMs);
  }

  #newId(): string {
    return (this.deps.newId ?? randomUUID)();
  }

  // ---- channels -----------------------------------------------------------------------------

  async #view(c: ChannelRecord, usernames?: Map<string, string>): Promise<ChannelView> {
    let user: string | null = null;
    if (c.ownerUserId) {
      user =
        usernames?.get(c.ownerUserId) ??
        (await this.deps.users.findById(c.ownerUserId))?.username ??
        c.ownerUserId;
    }
    return {
      id: c.id,
      name: c.name,
      owner: { user, role: c.ownerRole },
      kind: c.kind,
      address: c.address,
      hasSecret: c.secret !== null,
      events: c.events,
      enabled: c.enabled,
      createdBy: c.createdBy,
      createdAt: c.createdAt,
      updatedBy: c.updatedBy,
      updatedAt: c.updatedAt,
    };
  }

  /** The user the caller acts as (a person, or the person an API key belongs to). */
  #callerUserId(actor: Actor): string | null {
    const p = actor.principal;
    if (!p) return null;
    return p.kind === 'user' ? p.id : (p.userId ?? null);
  }

  #isAdmin(actor: Actor): boolean {
    return actor.principal?.role === 'admin';
  }

  /** Channels the caller sees: an admin every one; others their own and their role's. */
  #visible(actor: Actor, c: ChannelRecord): boolean {
    if (this.#isAdmin(actor)) return true;
    const me = this.#callerUserId(actor);
    return (me !== null && c.ownerUserId === me) || c.ownerRole === actor.principal?.role;
  }

  /** A channel the caller may change: their own, or (admins) any. */
  async #manageable(actor: Actor, id: string): Promise<ChannelRecord> {
    const c = await this.deps.channels.get(id);
    if (!c || !this.#visible(actor, c)) throw new NotFoundError(`There is no channel ${id}.`);
    if (this.#isAdmin(actor)) return c;
    if (c.ownerUserId === null || c.ownerUserId !== this.#callerUserId(actor))
      throw new ForbiddenError(
        `Channel '${c.name}' belongs to the ${c.ownerRole} role: only an admin changes role channels.`,
      );
    return c;
  }

  async listChannels(actor: Actor): Promise<ChannelView[]> {
    const all = (await this.deps.channels.list()).filter((c) => this.#visible(actor, c));
    const usernames = new Map((await this.deps.users.list()).map((u) => [u.id, u.username]));
    return Promise.all(all.map((c) => this.#view(c, usernames)));
  }

  async getChannel(actor: Actor, id: string): Promise<ChannelView> {
    const c = await this.deps.channels.get(id);
    if (!c || !this.#visible(actor, c)) throw new NotFoundError(`There is no channel ${id}.`);
    return this.#view(c);
  }

  /**
   * Adds a channel. A person adds their own; an admin may add one for anyone or for a role. A
   * webhook channel without a secret gets a generated one, returned here once and never again.
   */
  async createChannel(
    actor: Actor,
    input: ChannelInput,
  ): Promise<ChannelView & { secret?: string }> {
    checkAddress(input.kind, input.address);
    const events = checkEvents(input.events);
    checkSecret(input.secret);
    if (input.kind === 'email' && input.secret !== undefined)
      throw new ValidationError('Only webhook channels have a secret.', { field: 'secret' });
    if (input.user !== undefined && input.role !== undefined)
      throw new ValidationError('A channel belongs to a user or to a role, not both.', {
        field: 'role',
      });
    let ownerUserId: string | null = null;
    let ownerRole: Role | null = null;
    if (input.role !== undefined) {
      if (!this.#isAdmin(actor))
        throw new ForbiddenError('Only an admin adds channels for a role.');
      if (!PEOPLE_ROLES.includes(input.role))
        throw new ValidationError(
          `The ${input.role} role has no people to notify: use one of ${PEOPLE_ROLES.join(', ')}.`,
          { field: 'role' },
        );
      ownerRole = input.role;
    } else if (input.user !== undefined) {
      const user = await this.deps.users.findByUsername(input.user);
      if (!user) throw new ValidationError(`There is no user '${input.user}'.`, { field: 'user' });
      if (user.id !== this.#callerUserId(actor) && !this.#isAdmin(actor))
        throw new ForbiddenError('You may add channels only for yourself.');
      ownerUserId = user.id;
    } else {
      ownerUserId = this.#callerUserId(actor);
      if (!ownerUserId)
        throw new ValidationError(
          'This API key belongs to no person: name the channel owner with user or role.',
          { field: 'user' },
        );
    }
    const secret =
      input.kind === 'webhook' ? (input.secret ?? randomBytes(24).toString('base64url')) : null;
    const now = this.deps.clock.now().toISOString();
    const by = actor.principal?.name ?? 'system';
    const channel: ChannelRecord = {
      id: this.#newId(),
      name: input.name,
      ownerUserId,
      ownerRole,
      kind: input.kind,
      address: input.address,
      secret,
      events,
      enabled: input.enabled ?? true,
      createdBy: by,
      createdAt: now,
      updatedBy: by,
      updatedAt: now,
    };
    await this.deps.channels.insert(channel);
    const view = await this.#view(channel);
    await this.deps.audit.record(actor, {
      action: 'notification.channel.create',
      target: `channel:${channel.id}`,
      details: {
        name: channel.name,
        kind: channel.kind,
        address: channel.address,
        owner: view.owner,
        events,
      },
    });
    return {
      ...view,
      ...(secret !== null && input.secret === undefined && { secret }),
    };
  }

  async updateChannel(actor: Actor, id: string, changes: ChannelChanges): Promise<ChannelView> {
    const c = await this.#manageable(actor, id);
    if (changes.address !== undefined) checkAddress(c.kind, changes.address);
    const events = changes.events === undefined ? undefined : checkEvents(changes.events);
    checkSecret(changes.secret);
    if (c.kind === 'email' && changes.secret !== undefined)
      throw new ValidationError('Only webhook channels have a secret.', { field: 'secret' });
    const now = this.deps.clock.now().toISOString();
    await this.deps.channels.update(id, {
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.address !== undefined && { address: changes.address }),
      ...(events !== undefined && { events }),
      ...(changes.secret !== undefined && { secret: changes.secret }),
      ...(changes.enabled !== undefined && { enabled: changes.enabled }),
      updatedBy: actor.principal?.name ?? 'system',
      updatedAt: now,
    });
    const { secret, ...shown } = changes;
    await this.deps.audit.record(actor, {
      action: 'notification.channel.update',
      target: `channel:${id}`,
      details: { name: c.name, ...shown, ...(secret !== undefined && { secret: 'changed' }) },
    });
    return this.#view((await this.deps.channels.get(id))!);
  }

  async deleteChannel(actor: Actor, id: string): Promise<ChannelView> {
    const c = await this.#manageable(actor, id);
    const view = await this.#view(c);
    await this.deps.channels.delete(id);
    await this.deps.audit.record(actor, {
      action: 'notification.channel.delete',
      target: `channel:${id}`,
      details: { name: c.name, kind: c.kind, address: c.address },
    });
    return view;
  }

  /** Sends a test message through a channel now, once, and says what happened. */
  async test(actor: Actor, id: string): Promise<SendResult> {
    const c = await this.#manageable(actor, id);
    const by = actor.principal?.name ?? 'someone';
    const [result] = await this.#sendNow(
      [c],
      {
        event: 'test',
        subject: `Test message for channel '${c.name}'`,
        text: `${by} asked Prahari to send this test message through the ${c.kind} channel '${c.name}'. If you read it, the channel works.`,
        data: { channel: c.name, requestedBy: by },
      },
      { retry: false },
    );
    await this.deps.audit.record(actor, {
      action: 'notification.channel.test',
      target: `channel:${id}`,
      outcome: result!.delivered ? 'success' : 'failure',
      details: { name: c.name, delivered: result!.delivered, error: result!.error },
    });
    return result!;
  }

  async listDeliveries(
    actor: Actor,
    query: {
      status?: DeliveryStatus[];
      event?: string;
      channel?: string;
      beforeSeq?: number;
      limit: number;
    },
  ): Promise<DeliveryRecord[]> {
    let channelIds: string[] | undefined;
    if (!this.#isAdmin(actor))
      channelIds = (await this.deps.channels.list())
        .filter((c) => this.#visible(actor, c))
        .map((c) => c.id);
    if (query.channel !== undefined)
      channelIds = (channelIds ?? [query.channel]).filter((id) => id === query.channel);
    return this.deps.deliveries.list({
      limit: query.limit,
      ...(channelIds !== undefined && { channelIds }),
      ...(query.status !== undefined && { status: query.status }),
      ...(query.event !== undefined && { event: query.event }),
      ...(query.beforeSeq !== undefined && { beforeSeq: query.beforeSeq }),
    });
  }

  // ---- sending ------------------------------------------------------------------------------

  /**
   * Queues an event for every enabled channel subscribed to it whose owner it concerns; they are
   * sent in the background. Returns how many deliveries were queued.
   */
  async publish(
    notification: Notification & { event: NotificationEvent },
    audience: Audience,
  ): Promise<number> {
    const channels = (await this.deps.channels.list()).filter(
      (c) => c.enabled && c.events.includes(notification.event),
    );
    if (channels.length === 0) return 0;
    const users = new Map((await this.deps.users.list()).map((u) => [u.id, u]));
    const named = new Set(audience.userIds?.filter((id): id is string => !!id));
    const reached = channels.filter((c) => {
      if (c.ownerRole !== null) return audience.roles.includes(c.ownerRole as Role);
      const user: UserRow | undefined = c.ownerUserId ? users.get(c.ownerUserId) : undefined;
      return !!user && !user.disabled && (audience.roles.includes(user.role) || named.has(user.id));
    });
    for (const c of reached) await this.#queue(c, notification, true);
    if (reached.length > 0) this.#kick();
    return reached.length;
  }

  /**
   * Sends to a named target now (a playbook's notify step): each channel is tried once at once;
   * those that fail are retried in the background. Throws when the target has no channel.
   */
  async sendTo(target: NotifyTarget, notification: Notification): Promise<SendResult[]> {
    const channels = await this.#channelsOf(target);
    return this.#sendNow(channels, notification, { retry: true });
  }

  async #channelsOf(target: NotifyTarget): Promise<ChannelRecord[]> {
    const all = await this.deps.channels.list();
    if ('channel' in target) {
      const found = all.filter((c) => c.id === target.channel || c.name === target.channel);
      if (found.length === 0) throw new ValidationError(`There is no channel '${target.channel}'.`);
      if (found.length > 1)
        throw new ValidationError(
          `${found.length} channels are named '${target.channel}': name it by id (${found.map((c) => c.id).join(', ')}).`,
        );
      if (!found[0]!.enabled) throw new ValidationError(`Channel '${target.channel}' is disabled.`);
      return found;
    }
    const users = await this.deps.users.list();
    if ('role' in target) {
      const people = new Set(
        users.filter((u) => u.role === target.role && !u.disabled).map((u) => u.id),
      );
      const found = all.filter(
        (c) =>
          c.enabled &&
          (c.ownerRole === target.role || (c.ownerUserId !== null && people.has(c.ownerUserId))),
      );
      if (found.length === 0)
        throw new ValidationError(
          `Nobody of the ${target.role} role has a notification channel: add one (POST /api/v1/notifications/channels).`,
        );
      return found;
    }
    const user = users.find((u) => u.username === target.user);
    if (!user) throw new ValidationError(`There is no user '${target.user}'.`);
    const found = all.filter((c) => c.enabled && c.ownerUserId === user.id);
    if (found.length === 0)
      throw new ValidationError(`${user.username} has no enabled notification channel.`);
    return found;
  }

  /**
   * Records a delivery. One the background loop sends is due at once; one sent right here has no
   * due time until its first try, so the loop cannot send it a second time meanwhile.
   */
  async #queue(c: ChannelRecord, n: Notification, dueNow: boolean): Promise<DeliveryRecord> {
    const now = this.deps.clock.now().toISOString();
    return this.deps.deliveries.insert({
      id: this.#newId(),
      channelId: c.id,
      channelName: c.name,
      event: n.event,
      subject: n.subject,
      payload: { subject: n.subject, text: n.text, data: n.data },
      status: 'pending',
      attempts: 0,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      nextAttemptAt: dueNow ? now : null,
      deliveredAt: null,
    });
  }

  async #sendNow(
    channels: readonly ChannelRecord[],
    n: Notification,
    options: { retry: boolean },
  ): Promise<SendResult[]> {
    const results = await Promise.all(
      channels.map(async (c) => {
        const delivery = await this.#queue(c, n, false);
        const outcome = await this.#attempt(delivery, c, options.retry);
        return {
          channel: { id: c.id, name: c.name, kind: c.kind },
          deliveryId: delivery.id,
          delivered: outcome.delivered,
          error: outcome.error,
        };
      }),
    );
    if (options.retry && results.some((r) => !r.delivered)) this.#kick();
    return results;
  }

  /** One try of a delivery, recorded; on failure it is retried later or given up. */
  async #attempt(
    d: DeliveryRecord,
    channel: ChannelRecord | undefined,
    retry: boolean,
  ): Promise<{ delivered: boolean; error: string | null }> {
    const attempts = d.attempts + 1;
    let error: DeliveryError | null = null;
    if (!channel) error = new DeliveryError('the channel was deleted', false);
    else if (!channel.enabled) error = new DeliveryError('the channel is disabled', false);
    else {
      try {
        await this.#deliver(channel, d);
      } catch (err) {
        error = err instanceof DeliveryError ? err : new DeliveryError(String(err), false);
      }
    }
    const now = this.deps.clock.now();
    if (!error) {
      await this.deps.deliveries.update(d.id, {
        status: 'delivered',
        attempts,
        lastError: null,
        updatedAt: now.toISOString(),
        nextAttemptAt: null,
        deliveredAt: now.toISOString(),
      });
      return { delivered: true, error: null };
    }
    const again = retry && error.retryable && attempts < this.deps.settings.attempts;
    await this.deps.deliveries.update(d.id, {
      status: again ? 'retrying' : 'failed',
      attempts,
      lastError: error.message,
      updatedAt: now.toISOString(),
      nextAttemptAt: again
        ? new Date(
            now.getTime() + backoffMs(this.deps.settings.retryBaseMs, attempts),
          ).toISOString()
        : null,
    });
    return { delivered: false, error: error.message };
  }

  async #deliver(c: ChannelRecord, d: DeliveryRecord): Promise<void> {
    const { subject, text, data } = d.payload as { subject: string; text: string; data: unknown };
    if (c.kind === 'email') {
      await this.#email.send(c.address, `[Prahari] ${subject}`, text);
      return;
    }
    await postJson(
      c.address,
      {
        event: d.event,
        subject,
        text,
        data,
        deliveryId: d.id,
        createdAt: d.createdAt,
      },
      {
        secret: c.secret,
        timeoutMs: this.deps.settings.timeoutMs,
        deliveryId: d.id,
        clock: this.deps.clock,
      },
    );
  }

  // ---- the retry loop -----------------------------------------------------------------------

  /** Starts sending what is due, including what a stopped server left. */
  async start(): Promise<void> {
    await this.deps.deliveries.requeueUntried(this.deps.clock.now().toISOString());
    this.#kick();
  }

  #kick(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump()
      .catch((err: unknown) => this.deps.log.error({ err }, 'notification delivery failed'))
      .finally(() => {
        this.#pumping = undefined;
      });
  }

  async #pump(): Promise<void> {
    do {
      this.#again = false;
      for (;;) {
        if (this.#closed) return;
        const due = await this.deps.deliveries.due(this.deps.clock.now().toISOString(), 20);
        if (due.length === 0) break;
        await Promise.all(
          due.map(async (d) => this.#attempt(d, await this.deps.channels.get(d.channelId), true)),
        );
      }
    } while (this.#again);
    await this.#schedule();
  }

  async #schedule(): Promise<void> {
    clearTimeout(this.#timer);
    const next = await this.deps.deliveries.nextDueAt();
    if (next === null || this.#closed) return;
    const delay = Math.max(10, Date.parse(next) - this.deps.clock.now().getTime());
    this.#timer = setTimeout(() => this.#kick(), delay);
    this.#timer.unref();
  }

  /** Resolves when nothing is being sent right now (what waits for a retry does not count). */
  async whenIdle(): Promise<void> {
    while (this.#pumping) await this.#pumping;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.whenIdle();
    this.#email.close();
  }
}
