// Test a rule against pasted events before uploading it (or to see why a loaded rule did or did
// not fire): the server runs it on an engine of its own, so nothing is stored and no alert is
// raised. Log lines are parsed as ingest would parse them, which also shows the field names a
// rule can use.
import { useMemo, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { PARSERS, type Rule, type RuleTestResult, type TestedEvent } from '../../api/types';
import { Badge, LevelBadge, Notice, Panel, Tabs, num } from '../../components/ui';
import { useLocation } from '../../lib/router';
import { useResource } from '../../lib/useResource';

type Source = 'paste' | 'loaded';
type Format = 'auto' | 'json' | 'lines';

const EXAMPLE_RULE = `title: Root password attempt over SSH
status: test
level: high
logsource:
  product: linux
  service: sshd
detection:
  selection:
    event.action: ssh_login
    user.name: root
  condition: selection
`;

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function RuleTest() {
  const { params } = useLocation();
  const ruleParam = params.get('rule');
  const [source, setSource] = useState<Source>(ruleParam ? 'loaded' : 'paste');
  const [yaml, setYaml] = useState('');
  const [ruleText, setRuleText] = useState(ruleParam ?? '');
  const [events, setEvents] = useState('');
  const [format, setFormat] = useState<Format>('auto');
  const [parser, setParser] = useState('');
  const [logsource, setLogsource] = useState({ product: '', category: '', service: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<RuleTestResult | null>(null);

  const rules = useResource(source === 'loaded' ? 'rules:for-test' : null, (signal) =>
    api.get<{ rules: Rule[] }>('/rules', { limit: 5000 }, signal),
  );
  const byTitle = useMemo(
    () => new Map((rules.data?.rules ?? []).map((r) => [`${r.title} (${r.pack})`, r])),
    [rules.data],
  );
  const chosen =
    byTitle.get(ruleText) ?? (rules.data?.rules ?? []).find((r) => r.id === ruleText.trim());

  const run = async () => {
    setBusy(true);
    setError(null);
    const ls = Object.fromEntries(Object.entries(logsource).filter(([, v]) => v.trim() !== ''));
    try {
      setResult(
        await api.post<RuleTestResult>('/rules/test', {
          ...(source === 'paste' ? { yaml } : { ruleId: chosen?.id ?? ruleText.trim() }),
          events,
          format,
          ...(parser && format !== 'json' && { parser }),
          ...(Object.keys(ls).length > 0 && format !== 'lines' && { logsource: ls }),
        }),
      );
    } catch (err) {
      setResult(null);
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const editCopy = async () => {
    if (!chosen) return;
    try {
      const full = await api.get<{ source: string }>(`/rules/${encodeURIComponent(chosen.id)}`);
      setYaml(full.source);
      setSource('paste');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const ready = (source === 'paste' ? yaml : ruleText).trim() !== '' && events.trim() !== '';
  return (
    <div className="rule-test">
      <form
        className="rule-test-form two-col"
        aria-label="Test a rule"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Panel title="Rule">
          <Tabs
            label="Which rule"
            active={source}
            onChange={setSource}
            tabs={[
              { key: 'paste', label: 'Paste a rule' },
              { key: 'loaded', label: 'A loaded rule' },
            ]}
          />
          {source === 'paste' ? (
            <label className="form-gap">
              Sigma YAML (a correlation may name rules that are loaded)
              <textarea
                className="mono"
                rows={16}
                spellCheck={false}
                value={yaml}
                onChange={(e) => setYaml(e.target.value)}
                placeholder={EXAMPLE_RULE}
              />
            </label>
          ) : (
            <div className="form form-gap">
              <label>
                Rule (its title or id)
                <input
                  list="test-rule-titles"
                  value={ruleText}
                  onChange={(e) => setRuleText(e.target.value)}
                  placeholder={
                    rules.data ? `${num(rules.data.rules.length)} loaded rules` : 'loading…'
                  }
                />
              </label>
              <datalist id="test-rule-titles">
                {[...byTitle.keys()].map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
              {chosen && (
                <p className="small muted">
                  <LevelBadge level={chosen.level} /> {chosen.kind}, pack {chosen.pack},{' '}
                  <span className="mono">{chosen.id}</span>{' '}
                  <button type="button" className="btn-link" onClick={() => void editCopy()}>
                    Edit a copy
                  </button>
                </p>
              )}
            </div>
          )}
        </Panel>
        <Panel title="Events">
          <div className="form">
            <div className="form-row">
              <label>
                They are
                <select value={format} onChange={(e) => setFormat(e.target.value as Format)}>
                  <option value="auto">detected</option>
                  <option value="json">JSON objects, tested as they are</option>
                  <option value="lines">log lines, parsed as ingest would</option>
                </select>
              </label>
              {format !== 'json' && (
                <label>
                  Parser of log lines
                  <select value={parser} onChange={(e) => setParser(e.target.value)}>
                    <option value="">detect per line</option>
                    {PARSERS.map((p) => (
                      <option key={p} value={p}>
                        {p}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </div>
            {format !== 'lines' && (
              <fieldset className="form-row logsource-fields">
                <legend className="small muted">
                  Log source of plain JSON objects (optional; without it they meet every rule)
                </legend>
                {(['product', 'category', 'service'] as const).map((k) => (
                  <label key={k}>
                    {k}
                    <input
                      value={logsource[k]}
                      size={10}
                      onChange={(e) => setLogsource({ ...logsource, [k]: e.target.value })}
                    />
                  </label>
                ))}
              </fieldset>
            )}
            <label>
              Events (at most 1,000: JSON lines, a JSON array, or log lines)
              <textarea
                className="mono"
                rows={10}
                spellCheck={false}
                value={events}
                onChange={(e) => setEvents(e.target.value)}
                placeholder={
                  '<38>1 2026-11-20T10:00:00Z web-01 sshd 411 - - Failed password for root from 203.0.113.9 port 51234 ssh2\n{"event.action": "ssh_login", "user.name": "root"}'
                }
              />
            </label>
            <div className="form-actions">
              <span className="muted small">Nothing is stored and no alert is raised.</span>
              <button type="submit" className="btn btn-primary" disabled={!ready || busy}>
                {busy ? 'Testing…' : 'Test'}
              </button>
            </div>
          </div>
        </Panel>
      </form>
      {error && <Notice tone="bad">{error}</Notice>}
      {result && <TestReport result={result} />}
    </div>
  );
}

function TestReport({ result }: { result: RuleTestResult }) {
  return (
    <Panel title="Result" className="rule-test-result">
      <div aria-label="Test result">
        {!result.valid ? (
          <Notice tone="bad">
            The rule has {result.errors.length} error{result.errors.length === 1 ? '' : 's'}; no
            event was tested.
          </Notice>
        ) : (
          <Notice tone={result.matched > 0 ? 'ok' : 'info'}>
            {num(result.matched)} of {num(result.total)} event{result.total === 1 ? '' : 's'}{' '}
            matched.
          </Notice>
        )}
        {result.errors.length > 0 && (
          <ul className="problems" aria-label="Rule errors">
            {result.errors.map((e, i) => (
              <li key={i}>
                {e.line !== null && (
                  <code>
                    line {e.line}
                    {e.column !== null ? `, column ${e.column}` : ''}
                  </code>
                )}{' '}
                {e.message}
              </li>
            ))}
          </ul>
        )}
        {result.warnings.length > 0 && (
          <ul className="problems warn" aria-label="Rule warnings">
            {result.warnings.map((w, i) => (
              <li key={i}>
                {w.line !== null && <code>line {w.line}</code>} {w.message}
              </li>
            ))}
          </ul>
        )}
        <p className="small muted">
          Tested: {result.rules.map((r) => `${r.title} (${r.kind})`).join('; ') || 'no rule'}
          {result.referenced.length > 0 &&
            `; with the loaded rules it names: ${result.referenced.map((r) => r.title).join('; ')}`}
          . Events read as {result.format === 'json' ? 'JSON objects' : 'log lines'}.
        </p>
        <table className="simple test-events">
          <thead>
            <tr>
              <th>#</th>
              <th>Line</th>
              <th>Event</th>
              <th>Matches</th>
            </tr>
          </thead>
          <tbody>
            {result.events.map((e) => (
              <EventRow key={e.index} event={e} />
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

function EventRow({ event: e }: { event: TestedEvent }) {
  return (
    <tr className={e.matches.length > 0 ? 'test-match' : e.error ? 'test-error' : undefined}>
      <td>{e.index}</td>
      <td>{e.line}</td>
      <td className="test-event">
        <div className="mono small test-summary">{e.summary || '—'}</div>
        {e.error ? (
          <div className="bad small">{e.error}</div>
        ) : (
          <div className="small muted">
            {e.parser ? `parsed by ${e.parser}` : 'as given'}
            {e.logsource &&
              Object.keys(e.logsource).length > 0 &&
              `; log source ${Object.values(e.logsource).join(' / ')}`}
          </div>
        )}
        {e.fields && (
          <details className="small">
            <summary>{Object.keys(e.fields).length} parsed fields</summary>
            <dl className="kv">
              {Object.entries(e.fields).map(([k, v]) => (
                <div key={k} className="kv-row">
                  <dt>{k}</dt>
                  <dd>{formatValue(v)}</dd>
                </div>
              ))}
            </dl>
          </details>
        )}
      </td>
      <td>
        {e.matches.length === 0 ? (
          <span className="muted">{e.error ? 'not tested' : 'no match'}</span>
        ) : (
          <ul className="plain-list">
            {e.matches.map((m, i) => (
              <li key={i}>
                <LevelBadge level={m.level} /> <strong>{m.title}</strong>{' '}
                {m.kind === 'correlation' && <Badge tone="warn">correlation</Badge>}
                {Object.keys(m.fields).length > 0 && (
                  <div className="small mono matched-fields">
                    {Object.entries(m.fields)
                      .map(([k, v]) => `${k}=${formatValue(v)}`)
                      .join('  ')}
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

/** A link from a rule to testing it. */
export function testRuleHref(id: string): string {
  return `/rules?tab=test&rule=${encodeURIComponent(id)}`;
}
