// Notification channels: each person's own e-mail and webhook channels, and (admins) those of a
// role; the events each hears, a Test button that says what the receiver answered, and every
// delivery with its attempts, error and next try. The server decides who may change what: a
// person their own channels, an admin every channel; role channels are read-only to the rest.
import { useCallback, useState } from 'react';
import { api, errorMessage, fieldErrors } from '../../api/client';
import {
  DELIVERY_STATUSES,
  type Channel,
  type ChannelTestResult,
  type Delivery,
  type DeliveryStatus,
  type NotificationEventInfo,
} from '../../api/incidents';
import type { Me } from '../../api/types';
import {
  Badge,
  Empty,
  ErrorBox,
  Loading,
  LoadOlder,
  Notice,
  Panel,
  Time,
} from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { usePagesBefore } from '../../lib/usePagesBefore';
import { useMe } from '../../session';
import { Field } from './Field';
import { SecretOnce } from './SecretOnce';

/** Roles whose people a role channel reaches (the server refuses the others). */
const CHANNEL_ROLES = ['admin', 'analyst', 'owner', 'auditor'] as const;

const STATUS_TONE: Record<DeliveryStatus, string> = {
  pending: 'neutral',
  retrying: 'warn',
  delivered: 'ok',
  failed: 'bad',
};

function ownerText(c: Channel): string {
  return c.owner.role ? `everyone of role ${c.owner.role}` : (c.owner.user ?? '—');
}

/** The server's rule: an admin changes any channel, anyone else only their own. */
function mayManage(me: Me, c: Channel): boolean {
  return me.role === 'admin' || (c.owner.user !== null && c.owner.user === me.name);
}

type TestState = { sending: true } | ({ sending: false } & ChannelTestResult);

export function Notifications() {
  const me = useMe();
  const channels = useResource('notification-channels', (signal) =>
    api.get<Channel[]>('/notifications/channels', undefined, signal),
  );
  const events = useResource('notification-events', (signal) =>
    api.get<NotificationEventInfo[]>('/notifications/events', undefined, signal),
  );
  const [editing, setEditing] = useState<Channel | null>(null);
  const [created, setCreated] = useState<Channel | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [deliveriesTick, setDeliveriesTick] = useState(0);
  /** a new blank form after each channel added */
  const [added, setAdded] = useState(0);
  const refreshDeliveries = () => setDeliveriesTick((t) => t + 1);

  const test = async (c: Channel) => {
    setTests((t) => ({ ...t, [c.id]: { sending: true } }));
    try {
      const result = await api.post<ChannelTestResult>(
        `/notifications/channels/${encodeURIComponent(c.id)}/test`,
      );
      setTests((t) => ({ ...t, [c.id]: { sending: false, ...result } }));
    } catch (err) {
      setTests((t) => {
        const { [c.id]: _dropped, ...rest } = t;
        return rest;
      });
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
    refreshDeliveries();
  };

  const setEnabled = async (c: Channel, enabled: boolean) => {
    try {
      await api.patch<Channel>(`/notifications/channels/${encodeURIComponent(c.id)}`, {
        enabled,
      });
      setMessage({
        tone: 'ok',
        text: enabled
          ? `Enabled ${c.name}: it receives its events again.`
          : `Disabled ${c.name}: it receives nothing until enabled.`,
      });
      channels.reload();
    } catch (err) {
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };

  const remove = async (c: Channel) => {
    setConfirmDelete(null);
    try {
      await api.del<Channel>(`/notifications/channels/${encodeURIComponent(c.id)}`);
      setMessage({ tone: 'ok', text: `Deleted ${c.name}. Its deliveries stay listed.` });
      if (editing?.id === c.id) setEditing(null);
      channels.reload();
    } catch (err) {
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };

  return (
    <div className="notifications-settings">
      <div className="two-col wide-first">
        <Panel title="Notification channels">
          <p className="muted">
            Where Prahari tells people about critical and high alerts, assignments, legal clocks
            about to run out and playbook steps waiting for approval. You manage your own channels
            {me.role === 'admin'
              ? '; as an admin you manage everyone’s, and channels for a whole role.'
              : '; channels of your role are set by an admin.'}
          </p>
          {message && <Notice tone={message.tone}>{message.text}</Notice>}
          {channels.error ? (
            <ErrorBox error={channels.error} onRetry={channels.reload} />
          ) : !channels.data ? (
            <Loading />
          ) : channels.data.length === 0 ? (
            <Empty>No channels yet. Add one to hear of alerts without watching the screen.</Empty>
          ) : (
            <table className="simple channels">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>For</th>
                  <th>Address</th>
                  <th>Events</th>
                  <th>State</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {channels.data.map((c) => {
                  const manage = mayManage(me, c);
                  const result = tests[c.id];
                  return [
                    <tr key={c.id} aria-label={`Channel ${c.name}`}>
                      <td>
                        <strong>{c.name}</strong> <span className="muted small">{c.kind}</span>
                      </td>
                      <td>{ownerText(c)}</td>
                      <td className="mono small channel-address">
                        {c.address}
                        {c.hasSecret && <div className="muted">signed</div>}
                      </td>
                      <td>
                        {c.events.length === 0 ? (
                          <span className="muted small">tests and playbooks only</span>
                        ) : (
                          <span className="tags">
                            {c.events.map((e) => (
                              <Badge key={e}>{e}</Badge>
                            ))}
                          </span>
                        )}
                      </td>
                      <td>
                        <Badge tone={c.enabled ? 'ok' : 'neutral'}>
                          {c.enabled ? 'enabled' : 'disabled'}
                        </Badge>
                      </td>
                      <td>
                        <div className="row-actions">
                          {manage ? (
                            confirmDelete === c.id ? (
                              <>
                                <button
                                  type="button"
                                  className="btn btn-small btn-bad"
                                  onClick={() => void remove(c)}
                                >
                                  Delete {c.name}
                                </button>
                                <button
                                  type="button"
                                  className="btn btn-small"
                                  onClick={() => setConfirmDelete(null)}
                                >
                                  Keep
                                </button>
                              </>
                            ) : (
                              <>
                                <button
                                  type="button"
                                  className="btn btn-small"
                                  disabled={result?.sending === true}
                                  onClick={() => void test(c)}
                                >
                                  {result?.sending ? 'Sending…' : 'Test'}
                                </button>
                                <button
                                  type="button"
                                  className="btn btn-small"
                                  onClick={() => {
                                    setCreated(null);
                                    setEditing(c);
                                  }}
                                >
                                  Edit
                                </button>
                                <button
                                  type="button"
                                  className="btn btn-small"
                                  onClick={() => void setEnabled(c, !c.enabled)}
                                >
                                  {c.enabled ? 'Disable' : 'Enable'}
                                </button>
                                <button
                                  type="button"
                                  className="btn btn-small"
                                  onClick={() => setConfirmDelete(c.id)}
                                >
                                  Delete
                                </button>
                              </>
                            )
                          ) : (
                            <span className="muted small">set by an admin</span>
                          )}
                        </div>
                      </td>
                    </tr>,
                    result && !result.sending && (
                      <tr key={`${c.id}-test`} className="test-result">
                        <td colSpan={6}>
                          {result.delivered ? (
                            <Notice tone="ok">
                              Test message delivered through {c.name} to {c.address}.
                            </Notice>
                          ) : (
                            <Notice tone="bad">
                              Test through {c.name} failed: {result.error}
                            </Notice>
                          )}
                        </td>
                      </tr>
                    ),
                  ];
                })}
              </tbody>
            </table>
          )}
        </Panel>
        <div>
          {created?.secret && (
            <SecretOnce
              title={`Channel “${created.name}” added`}
              secret={created.secret}
              label="Webhook signing secret"
              keeps="Give it to the receiver now; Prahari will not show it again."
              onDone={() => setCreated(null)}
            >
              Each request carries <code>X-Prahari-Signature: sha256=…</code>, the HMAC-SHA256 of{' '}
              <code>&lt;X-Prahari-Timestamp&gt;.&lt;body&gt;</code> keyed with this secret.
            </SecretOnce>
          )}
          {events.error ? (
            <ErrorBox error={events.error} onRetry={events.reload} />
          ) : !events.data ? (
            <Loading />
          ) : (
            <ChannelForm
              key={editing?.id ?? `new-${added}`}
              channel={editing}
              events={events.data}
              me={me}
              onCancel={() => setEditing(null)}
              onSaved={(c, isNew) => {
                setEditing(null);
                if (isNew) {
                  setCreated(c);
                  setAdded((n) => n + 1);
                }
                setMessage({ tone: 'ok', text: `${isNew ? 'Added' : 'Saved'} ${c.name}.` });
                channels.reload();
              }}
            />
          )}
        </div>
      </div>
      <Deliveries tick={deliveriesTick} />
    </div>
  );
}

interface FormState {
  name: string;
  kind: 'email' | 'webhook';
  address: string;
  events: string[];
  /** '' = the person filling in the form; otherwise `role:<role>` or `user:<username>` */
  owner: string;
  otherUser: string;
  secret: string;
  enabled: boolean;
}

function ChannelForm({
  channel,
  events,
  me,
  onSaved,
  onCancel,
}: {
  channel: Channel | null;
  events: NotificationEventInfo[];
  me: Me;
  onSaved: (c: Channel, isNew: boolean) => void;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<FormState>(() => ({
    name: channel?.name ?? '',
    kind: channel?.kind ?? 'email',
    address: channel?.address ?? '',
    events: channel?.events ?? ['alert.critical', 'clock.warning'],
    owner: '',
    otherUser: '',
    secret: '',
    enabled: channel?.enabled ?? true,
  }));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<FormState>) => setForm((f) => ({ ...f, ...patch }));

  const submit = async () => {
    setError(null);
    setProblems({});
    setSaving(true);
    const common = {
      name: form.name.trim(),
      address: form.address.trim(),
      events: form.events,
      enabled: form.enabled,
      ...(form.kind === 'webhook' && form.secret !== '' && { secret: form.secret }),
    };
    try {
      const saved = channel
        ? await api.patch<Channel>(
            `/notifications/channels/${encodeURIComponent(channel.id)}`,
            common,
          )
        : await api.post<Channel>('/notifications/channels', {
            ...common,
            kind: form.kind,
            ...(form.owner.startsWith('role:') && { role: form.owner.slice(5) }),
            ...(form.owner === 'user' && { user: form.otherUser.trim() }),
          });
      onSaved(saved, channel === null);
    } catch (err) {
      const byField = fieldErrors(err);
      setProblems(byField);
      if (!Object.keys(byField).some((f) => SHOWN_FIELDS.includes(f))) setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Panel title={channel ? `Edit ${channel.name}` : 'Add a channel'}>
      <form
        className="form"
        noValidate
        aria-label={channel ? `Edit ${channel.name}` : 'Add a channel'}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {error && <Notice tone="bad">{error}</Notice>}
        <Field
          label="Name"
          required
          value={form.name}
          onChange={(name) => set({ name })}
          error={problems.name}
          placeholder="e.g. SOC pager"
        />
        <fieldset className="chips" aria-label="Kind" disabled={channel !== null}>
          <legend>Kind</legend>
          {(['email', 'webhook'] as const).map((k) => (
            <label key={k} className={`chip ${form.kind === k ? 'on' : ''}`}>
              <input
                type="radio"
                name="kind"
                checked={form.kind === k}
                onChange={() => set({ kind: k })}
              />
              {k === 'email' ? 'E-mail' : 'Webhook'}
            </label>
          ))}
        </fieldset>
        <Field
          label={form.kind === 'email' ? 'E-mail address' : 'Webhook URL'}
          required
          value={form.address}
          onChange={(address) => set({ address })}
          error={problems.address}
          placeholder={
            form.kind === 'email' ? 'soc@punecorporation.gov.in' : 'https://chat.example/hooks/…'
          }
        />
        {!channel && me.role === 'admin' && (
          <label>
            For
            <select value={form.owner} onChange={(e) => set({ owner: e.target.value })}>
              <option value="">me ({me.name})</option>
              {CHANNEL_ROLES.map((r) => (
                <option key={r} value={`role:${r}`}>
                  everyone of role {r}
                </option>
              ))}
              <option value="user">another person…</option>
            </select>
            {problems.role && <span className="field-error">{problems.role}</span>}
          </label>
        )}
        {!channel && form.owner === 'user' && (
          <Field
            label="Their username"
            required
            value={form.otherUser}
            onChange={(otherUser) => set({ otherUser })}
            error={problems.user}
          />
        )}
        <fieldset className="event-choices">
          <legend>Events it receives</legend>
          {events.map((e) => (
            <label key={e.event} className="inline">
              <input
                type="checkbox"
                checked={form.events.includes(e.event)}
                onChange={() =>
                  set({
                    events: form.events.includes(e.event)
                      ? form.events.filter((x) => x !== e.event)
                      : [...form.events, e.event],
                  })
                }
              />
              <span>
                <span className="mono">{e.event}</span>{' '}
                <span className="muted small">{e.meaning}</span>
              </span>
            </label>
          ))}
          {problems.events && <span className="field-error">{problems.events}</span>}
        </fieldset>
        {form.kind === 'webhook' && (
          <Field
            label={channel ? 'New signing secret' : 'Signing secret'}
            hint={
              channel
                ? '(leave empty to keep the current one)'
                : '(optional: one is made and shown once)'
            }
            type="password"
            autoComplete="new-password"
            minLength={16}
            value={form.secret}
            onChange={(secret) => set({ secret })}
            error={problems.secret}
          />
        )}
        <label className="inline">
          <input
            type="checkbox"
            checked={form.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />
          Enabled
        </label>
        <div className="form-actions">
          {channel && (
            <button type="button" className="btn" onClick={onCancel}>
              Cancel
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={saving}>
            {channel ? 'Save channel' : 'Add channel'}
          </button>
        </div>
      </form>
    </Panel>
  );
}

/** The fields the form shows a server's problem beside; any other problem goes on top. */
const SHOWN_FIELDS = ['name', 'address', 'events', 'secret', 'role', 'user'];

const PAGE = 50;

/** Every message through the channels the person sees, newest first, with its retries. */
function Deliveries({ tick }: { tick: number }) {
  const [status, setStatus] = useState<DeliveryStatus | null>(null);
  const fetchPage = useCallback(
    async (before: number | null) => {
      const page = await api.get<Delivery[]>('/notifications/deliveries', {
        limit: PAGE,
        status,
        before,
      });
      return { items: page, nextBefore: page.length === PAGE ? page.at(-1)!.seq : null };
    },
    [status],
  );
  const pages = usePagesBefore(fetchPage, tick);
  const { items: rows, state, load } = pages;

  return (
    <Panel
      title="Recent deliveries"
      className="deliveries"
      actions={
        <>
          <div className="segmented" role="group" aria-label="Delivery status">
            {[null, ...DELIVERY_STATUSES].map((s) => (
              <button
                key={s ?? 'all'}
                type="button"
                aria-pressed={status === s}
                className={status === s ? 'active' : ''}
                onClick={() => setStatus(s)}
              >
                {s ?? 'all'}
              </button>
            ))}
          </div>
          <button
            type="button"
            className="btn btn-small"
            disabled={state.loading}
            onClick={() => void load(null)}
          >
            Refresh
          </button>
        </>
      }
    >
      {state.error ? (
        <ErrorBox error={state.error} onRetry={() => void load(null)} />
      ) : state.loading && rows.length === 0 ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty>
          {status ? `No ${status} deliveries.` : 'Nothing sent yet through your channels.'}
        </Empty>
      ) : (
        <>
          <table className="simple" aria-label="Deliveries">
            <thead>
              <tr>
                <th>When</th>
                <th>Channel</th>
                <th>Event</th>
                <th>Subject</th>
                <th>Status</th>
                <th className="right">Tries</th>
                <th>Last error</th>
                <th>Next try / delivered</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Time iso={d.createdAt} />
                  </td>
                  <td>{d.channelName}</td>
                  <td className="mono small">{d.event}</td>
                  <td>{d.subject}</td>
                  <td>
                    <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
                  </td>
                  <td className="right">{d.attempts}</td>
                  <td className="small delivery-error">{d.lastError ?? ''}</td>
                  <td>
                    {d.deliveredAt ? (
                      <Time iso={d.deliveredAt} />
                    ) : d.nextAttemptAt ? (
                      <>
                        next <Time iso={d.nextAttemptAt} />
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <LoadOlder pages={pages}>Load older deliveries</LoadOlder>
        </>
      )}
    </Panel>
  );
}
