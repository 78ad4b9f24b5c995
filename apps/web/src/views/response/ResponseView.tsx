// Response: playbook steps waiting for an analyst's approval, the playbooks (enable, disable,
// upload with the server's line and column for each problem), and the block list firewalls pull.
import { useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import type { BlockEntry, Playbook, PlaybookProblem, PlaybookRun } from '../../api/incidents';
import {
  Badge,
  CopyButton,
  Empty,
  ErrorBox,
  Loading,
  Notice,
  Panel,
  Tabs,
  Time,
} from '../../components/ui';
import { can } from '../../lib/roles';
import { Link, setParams, useLocation } from '../../lib/router';
import { useResource } from '../../lib/useResource';
import { useMe } from '../../session';
import '../incidents/incidents.css';

type TabKey = 'approvals' | 'playbooks' | 'blocklist';

export function ResponseView() {
  const { params } = useLocation();
  const tab = (params.get('tab') as TabKey | null) ?? 'approvals';
  return (
    <div className="page response-page">
      <h1 className="page-title">Response</h1>
      <Tabs
        label="Response"
        active={tab}
        onChange={(key) =>
          setParams({ tab: key === 'approvals' ? undefined : key }, { replace: true })
        }
        tabs={[
          { key: 'approvals', label: 'Waiting for approval' },
          { key: 'playbooks', label: 'Playbooks' },
          { key: 'blocklist', label: 'Block list' },
        ]}
      />
      {tab === 'approvals' && <Approvals />}
      {tab === 'playbooks' && <Playbooks />}
      {tab === 'blocklist' && <BlockList />}
    </div>
  );
}

function subjectLink(run: PlaybookRun) {
  return run.subject.kind === 'incident'
    ? `/incidents/${encodeURIComponent(run.subject.id)}`
    : `/alerts?status=all&open=${encodeURIComponent(run.subject.id)}`;
}

function Approvals() {
  const me = useMe();
  const mayWork = can.work(me.role);
  const waiting = useResource('runs:waiting', (signal) =>
    api.get<PlaybookRun[]>('/playbook-runs', { status: 'awaiting-approval' }, signal),
  );
  const recent = useResource('runs:recent', (signal) =>
    api.get<PlaybookRun[]>('/playbook-runs', { limit: 20 }, signal),
  );
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const decide = async (run: PlaybookRun, step: number, verb: 'approve' | 'reject') => {
    const note = notes[`${run.id}:${step}`]?.trim();
    try {
      await api.post(`/playbook-runs/${encodeURIComponent(run.id)}/steps/${step}/${verb}`, {
        ...(note && { note }),
      });
      setMessage({
        tone: 'ok',
        text: `${run.playbookTitle}, step ${step}: ${verb === 'approve' ? 'approved, running as you' : 'rejected, the run stops'}.`,
      });
      waiting.reload();
      recent.reload();
    } catch (err) {
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };
  return (
    <>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      <Panel title="Steps waiting for an analyst">
        {waiting.error ? (
          <ErrorBox error={waiting.error} onRetry={waiting.reload} />
        ) : !waiting.data ? (
          <Loading />
        ) : waiting.data.length === 0 ? (
          <Empty>Nothing waits for approval.</Empty>
        ) : (
          <ul className="plain-list approvals">
            {waiting.data.map((run) =>
              run.steps
                .filter((s) => s.status === 'awaiting-approval')
                .map((s) => {
                  const key = `${run.id}:${s.step}`;
                  return (
                    <li
                      key={key}
                      className="approval"
                      aria-label={`${run.playbookTitle} step ${s.step}`}
                    >
                      <div>
                        <strong>{run.playbookTitle}</strong> · step {s.step}: {s.name ?? s.action}{' '}
                        <Badge>{s.action}</Badge>
                      </div>
                      <div className="muted small">
                        on <Link to={subjectLink(run)}>{run.subject.title}</Link>, started{' '}
                        <Time iso={run.startedAt} ago />
                      </div>
                      {s.inputs && (
                        <pre className="mono small">{JSON.stringify(s.inputs, null, 1)}</pre>
                      )}
                      {mayWork && (
                        <div className="form-inline">
                          <input
                            aria-label="Note"
                            placeholder="why (kept with the decision)"
                            value={notes[key] ?? ''}
                            onChange={(e) => setNotes({ ...notes, [key]: e.target.value })}
                          />
                          <button
                            type="button"
                            className="btn btn-primary"
                            onClick={() => void decide(run, s.step, 'approve')}
                          >
                            Approve
                          </button>
                          <button
                            type="button"
                            className="btn btn-bad"
                            onClick={() => void decide(run, s.step, 'reject')}
                          >
                            Reject
                          </button>
                        </div>
                      )}
                    </li>
                  );
                }),
            )}
          </ul>
        )}
      </Panel>
      <Panel title="Recent runs">
        {!recent.data ? (
          <Loading />
        ) : recent.data.length === 0 ? (
          <Empty>No playbook has run yet.</Empty>
        ) : (
          <table className="simple">
            <tbody>
              {recent.data.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Time iso={run.startedAt} />
                  </td>
                  <td>{run.playbookTitle}</td>
                  <td>
                    <Link to={subjectLink(run)}>{run.subject.title}</Link>
                  </td>
                  <td>
                    <Badge
                      tone={run.status === 'failed' ? 'bad' : run.status === 'done' ? 'ok' : 'warn'}
                    >
                      {run.status}
                    </Badge>
                    {run.error && <span className="bad small"> {run.error}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}

function Playbooks() {
  const me = useMe();
  const mayWork = can.work(me.role);
  const playbooks = useResource('playbooks', (signal) =>
    api.get<Playbook[]>('/playbooks', undefined, signal),
  );
  const [yaml, setYaml] = useState('');
  const [problems, setProblems] = useState<PlaybookProblem[]>([]);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const toggle = async (p: Playbook) => {
    try {
      const updated = await api.post<Playbook>(
        `/playbooks/${encodeURIComponent(p.id)}/${p.enabled ? 'disable' : 'enable'}`,
      );
      playbooks.setData((list) => list?.map((x) => (x.id === p.id ? updated : x)));
    } catch (err) {
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };
  const upload = async (replace: boolean) => {
    setProblems([]);
    try {
      const saved = await api.post<Playbook>('/playbooks', { yaml, replace });
      setMessage({ tone: 'ok', text: `Playbook “${saved.title}” saved.` });
      setYaml('');
      playbooks.reload();
    } catch (err) {
      const errors =
        (err instanceof ApiError &&
          (err.details as { errors?: PlaybookProblem[] } | undefined)?.errors) ||
        [];
      setProblems(errors);
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };
  return (
    <>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      <Panel title="Playbooks">
        {playbooks.error ? (
          <ErrorBox error={playbooks.error} onRetry={playbooks.reload} />
        ) : !playbooks.data ? (
          <Loading />
        ) : (
          <table className="simple playbooks">
            <tbody>
              {playbooks.data.map((p) => (
                <tr key={p.id}>
                  <td>
                    <strong>{p.title}</strong> <span className="muted small mono">{p.id}</span>
                    {p.description && <div className="muted small">{p.description}</div>}
                    <div className="small">
                      {p.steps.map((s, i) => (
                        <span key={i}>
                          {i > 0 && ' → '}
                          {s.name ?? s.action}
                          {s.needsApproval ? ' (needs approval)' : ''}
                        </span>
                      ))}
                    </div>
                  </td>
                  <td>
                    <Badge>{p.origin}</Badge>
                  </td>
                  <td>
                    <Badge tone={p.enabled ? 'ok' : 'neutral'}>
                      {p.enabled ? 'enabled' : 'disabled'}
                    </Badge>
                  </td>
                  {mayWork && (
                    <td className="right">
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`${p.enabled ? 'Disable' : 'Enable'} ${p.title}`}
                        onClick={() => void toggle(p)}
                      >
                        {p.enabled ? 'Disable' : 'Enable'}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {mayWork && (
        <Panel title="Upload a playbook">
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              void upload(false);
            }}
          >
            <label>
              YAML{' '}
              <input
                type="file"
                accept=".yml,.yaml,text/yaml"
                aria-label="Playbook file"
                onChange={(e) => {
                  void (async () => {
                    const file = e.target.files?.[0];
                    if (file) setYaml(await file.text());
                  })();
                }}
              />
            </label>
            <textarea
              aria-label="Playbook YAML"
              className="mono"
              rows={10}
              value={yaml}
              onChange={(e) => setYaml(e.target.value)}
              placeholder={
                'id: my-playbook\ntitle: …\ntrigger:\n  on: alert\nsteps:\n  - action: …'
              }
            />
            {problems.length > 0 && (
              <ul className="problems-list">
                {problems.map((p, i) => (
                  <li key={i}>
                    line {p.line}, column {p.column} ({p.path}): {p.message}
                  </li>
                ))}
              </ul>
            )}
            <div className="form-actions">
              <button
                type="button"
                className="btn"
                disabled={!yaml.trim()}
                onClick={() => void upload(true)}
              >
                Upload, replacing one with the same id
              </button>
              <button type="submit" className="btn btn-primary" disabled={!yaml.trim()}>
                Upload
              </button>
            </div>
          </form>
        </Panel>
      )}
    </>
  );
}

function BlockList() {
  const me = useMe();
  const mayWork = can.work(me.role);
  const entries = useResource('blocklist', (signal) =>
    api.get<BlockEntry[]>('/blocklist', undefined, signal),
  );
  const [form, setForm] = useState({ value: '', reason: '', expiresAt: '' });
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const feed = `${window.location.origin}/api/v1/blocklist.txt`;
  const add = async () => {
    try {
      const entry = await api.post<BlockEntry>('/blocklist', {
        value: form.value.trim(),
        reason: form.reason.trim(),
        ...(form.expiresAt.trim() && { expiresAt: form.expiresAt.trim() }),
      });
      setMessage({ tone: 'ok', text: `${entry.value} is on the block list.` });
      setForm({ value: '', reason: '', expiresAt: '' });
      entries.reload();
    } catch (err) {
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };
  const remove = async (entry: BlockEntry) => {
    try {
      await api.del(`/blocklist/${encodeURIComponent(entry.id)}`);
      entries.reload();
    } catch (err) {
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };
  return (
    <>
      <Panel title="For the firewalls">
        <p>
          Firewalls pull the list in force as plain text from <code>{feed}</code>{' '}
          <CopyButton text={feed} label="Copy URL" />
        </p>
        <p className="muted small">
          Give the firewall an API key of role <code>ingest</code> (Settings → API keys), as HTTP
          Basic password or bearer token. Palo Alto external dynamic lists, FortiGate threat feeds
          and pfSense/OPNsense URL tables read it.
        </p>
      </Panel>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      <Panel title="Blocked now">
        {entries.error ? (
          <ErrorBox error={entries.error} onRetry={entries.reload} />
        ) : !entries.data ? (
          <Loading />
        ) : entries.data.length === 0 ? (
          <Empty>Nothing is blocked.</Empty>
        ) : (
          <table className="simple blocklist">
            <thead>
              <tr>
                <th>Address</th>
                <th>Why</th>
                <th>By</th>
                <th>Since</th>
                <th>Until</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {entries.data.map((e) => (
                <tr key={e.id}>
                  <td className="mono">{e.value}</td>
                  <td>{e.reason}</td>
                  <td>
                    {e.addedBy}
                    {e.runId && <span className="muted small"> (playbook)</span>}
                  </td>
                  <td>
                    <Time iso={e.createdAt} />
                  </td>
                  <td>{e.expiresAt ? <Time iso={e.expiresAt} /> : 'until removed'}</td>
                  <td className="right">
                    {mayWork && (
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Unblock ${e.value}`}
                        onClick={() => void remove(e)}
                      >
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {mayWork && (
          <form
            className="form-inline"
            aria-label="Block an address"
            onSubmit={(e) => {
              e.preventDefault();
              void add();
            }}
          >
            <input
              aria-label="Address or network"
              required
              placeholder="203.0.113.7 or 203.0.113.0/24"
              value={form.value}
              onChange={(e) => setForm({ ...form, value: e.target.value })}
            />
            <input
              aria-label="Reason"
              required
              placeholder="why"
              value={form.reason}
              onChange={(e) => setForm({ ...form, reason: e.target.value })}
            />
            <input
              aria-label="Expires"
              placeholder="expires: 24h, 7d or empty"
              value={form.expiresAt}
              onChange={(e) => setForm({ ...form, expiresAt: e.target.value })}
            />
            <button type="submit" className="btn">
              Block
            </button>
          </form>
        )}
      </Panel>
    </>
  );
}
