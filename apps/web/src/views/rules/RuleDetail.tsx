import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { Rule, RuleWithSource } from '../../api/types';
import {
  Badge,
  Dialog,
  ErrorBox,
  LevelBadge,
  Loading,
  Notice,
  Time,
  num,
} from '../../components/ui';
import { Link } from '../../lib/router';
import { useResource } from '../../lib/useResource';
import { testRuleHref } from './RuleTest';

export function RuleDetail({
  id,
  mayWork,
  onClose,
  onChanged,
}: {
  id: string;
  mayWork: boolean;
  onClose: () => void;
  /** the rule as changed, or null when it was deleted */
  onChanged: (rule: Rule | null) => void;
}) {
  const rule = useResource(`rule:${id}`, (signal) =>
    api.get<RuleWithSource>(`/rules/${encodeURIComponent(id)}`, undefined, signal),
  );
  const [dialog, setDialog] = useState<'toggle' | 'delete' | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const r = rule.data;

  return (
    <aside className="split-side detail" aria-label="Rule detail">
      <header className="detail-head">
        <div>
          {r && (
            <div className="detail-badges">
              <LevelBadge level={r.level} />{' '}
              {r.enabled ? <Badge tone="ok">on</Badge> : <Badge>off</Badge>} <Badge>{r.kind}</Badge>{' '}
              <Badge>{r.pack}</Badge>
            </div>
          )}
          <h2>{r?.title ?? 'Rule'}</h2>
        </div>
        <button
          type="button"
          className="btn btn-ghost"
          aria-label="Close the rule"
          onClick={onClose}
        >
          ×
        </button>
      </header>
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {rule.error ? (
        <ErrorBox error={rule.error} onRetry={rule.reload} />
      ) : !r ? (
        <Loading />
      ) : (
        <>
          {mayWork && (
            <div className="actions" role="group" aria-label="Change this rule">
              <button type="button" className="btn" onClick={() => setDialog('toggle')}>
                {r.enabled ? 'Switch off' : 'Switch on'}
              </button>
              <Link className="btn" to={testRuleHref(r.id)}>
                Test against events
              </Link>
              {r.deletable && (
                <button type="button" className="btn btn-bad" onClick={() => setDialog('delete')}>
                  Delete
                </button>
              )}
            </div>
          )}
          {r.setting && (
            <Notice tone={r.enabled ? 'info' : 'warn'}>
              Switched {r.enabled ? 'on' : 'off'} by {r.setting.by}, <Time iso={r.setting.at} />
              {r.setting.reason ? `: “${r.setting.reason}”` : ' (no reason given)'}.
            </Notice>
          )}
          {r.problems.map((p, i) => (
            <Notice key={i} tone={p.severity === 'error' ? 'bad' : 'warn'}>
              {p.message}
            </Notice>
          ))}
          <dl className="facts">
            <div className="wide">
              <dt>Id</dt>
              <dd className="mono">{r.id}</dd>
            </div>
            <div>
              <dt>File</dt>
              <dd className="mono">
                {r.file}
                {r.line ? `:${r.line}` : ''}
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>{r.status ?? '—'}</dd>
            </div>
            <div>
              <dt>Log source</dt>
              <dd>
                {Object.entries(r.logsource)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ') || '—'}
              </dd>
            </div>
            <div>
              <dt>Matches</dt>
              <dd>
                {num(r.matches ?? 0)}{' '}
                <Link to={`/alerts?rule=${encodeURIComponent(r.id)}&status=all`}>its alerts</Link>
              </dd>
            </div>
            {r.tags.length > 0 && (
              <div className="wide">
                <dt>Tags</dt>
                <dd className="tags">
                  {r.tags.map((t) => (
                    <Badge key={t}>{t}</Badge>
                  ))}
                </dd>
              </div>
            )}
          </dl>
          {r.description && <p className="description">{r.description}</p>}
          <h3>Source</h3>
          <pre className="raw yaml" aria-label="Rule source">
            {r.source}
          </pre>
        </>
      )}
      {dialog === 'toggle' && r && (
        <ToggleDialog
          rule={r}
          onCancel={() => setDialog(null)}
          onDone={(updated) => {
            setDialog(null);
            setMessage({ tone: 'ok', text: `Switched ${updated.enabled ? 'on' : 'off'}.` });
            rule.setData((current) => current && { ...current, ...updated });
            onChanged(updated);
          }}
        />
      )}
      {dialog === 'delete' && r && (
        <DeleteDialog
          rule={r}
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            onChanged(null);
            onClose();
          }}
        />
      )}
    </aside>
  );
}

function ToggleDialog({
  rule,
  onCancel,
  onDone,
}: {
  rule: Rule;
  onCancel: () => void;
  onDone: (rule: Rule) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const enabling = !rule.enabled;
  const submit = async () => {
    try {
      onDone(
        await api.patch<Rule>(`/rules/${encodeURIComponent(rule.id)}`, {
          enabled: enabling,
          ...(reason.trim() && { reason: reason.trim() }),
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <Dialog title={enabling ? 'Switch the rule on' : 'Switch the rule off'} onClose={onCancel}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p>
          <strong>{rule.title}</strong>
        </p>
        {!enabling && (
          <p className="muted">
            It stops raising alerts at once. The change and your reason go into the audit trail.
          </p>
        )}
        {error && <Notice tone="bad">{error}</Notice>}
        <label>
          Reason
          <input
            name="reason"
            autoFocus
            required={!enabling}
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={enabling ? 'optional' : 'e.g. noisy during the VAPT window'}
          />
        </label>
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            {enabling ? 'Switch on' : 'Switch off'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({
  rule,
  onCancel,
  onDone,
}: {
  rule: Rule;
  onCancel: () => void;
  onDone: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title="Delete the rule" onClose={onCancel}>
      <div className="form">
        <p>
          Delete <strong>{rule.title}</strong> from the <code>{rule.pack}</code> pack? Its alerts
          stay. To stop it for a while, switch it off instead.
        </p>
        {error && <Notice tone="bad">{error}</Notice>}
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-bad"
            onClick={() =>
              void api
                .del(`/rules/${encodeURIComponent(rule.id)}`)
                .then(onDone, (err: unknown) => setError(errorMessage(err)))
            }
          >
            Delete
          </button>
        </div>
      </div>
    </Dialog>
  );
}
