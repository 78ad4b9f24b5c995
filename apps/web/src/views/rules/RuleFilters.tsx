// False-positive filters: Sigma filter documents that narrow named rules, each with who added it
// and why.
import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { RuleFilter } from '../../api/types';
import { Badge, Dialog, Empty, ErrorBox, Loading, Notice, Panel, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';

const EXAMPLE = `title: Our VAPT scanner is not an attack
id: 5d1c5d2e-0000-4000-8000-000000000001
logsource:
  product: linux
filter:
  rules:
    - 0afa8a64-c529-4214-ac14-2801494db29e
  selection:
    source.ip: 10.9.9.9
  condition: not selection`;

export function RuleFilters({ mayWork }: { mayWork: boolean }) {
  const list = useResource('rule-filters', (signal) =>
    api.get<RuleFilter[]>('/rules/filters', undefined, signal),
  );
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);

  const remove = async (f: RuleFilter) => {
    try {
      await api.del(`/rules/filters/${encodeURIComponent(f.id)}`);
      setMessage({ tone: 'ok', text: `Removed “${f.title}”.` });
      list.reload();
    } catch (err) {
      setMessage({ tone: 'bad', text: errorMessage(err) });
    }
  };

  return (
    <Panel
      title="False-positive filters"
      actions={
        mayWork && (
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)}>
            Add a filter
          </button>
        )
      }
    >
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <Empty>No filters: every rule fires as written.</Empty>
      ) : (
        <table className="simple">
          <thead>
            <tr>
              <th>Filter</th>
              <th>Rules it narrows</th>
              <th>Reason</th>
              <th>Added</th>
              {mayWork && <th />}
            </tr>
          </thead>
          <tbody>
            {list.data.map((f) => (
              <tr key={f.id}>
                <td>
                  {f.title} {!f.enabled && <Badge>off</Badge>}
                </td>
                <td className="mono small">{f.ruleIds.join(', ')}</td>
                <td>{f.reason}</td>
                <td>
                  {f.createdBy}, <Time iso={f.createdAt} />
                </td>
                {mayWork && (
                  <td>
                    <button type="button" className="btn btn-small" onClick={() => void remove(f)}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding && (
        <AddFilter
          onCancel={() => setAdding(false)}
          onAdded={(f) => {
            setAdding(false);
            setMessage({ tone: 'ok', text: `Added “${f.title}”.` });
            list.reload();
          }}
        />
      )}
    </Panel>
  );
}

function AddFilter({
  onCancel,
  onAdded,
}: {
  onCancel: () => void;
  onAdded: (f: RuleFilter) => void;
}) {
  const [yaml, setYaml] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title="Add a false-positive filter" onClose={onCancel} wide>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          api
            .post<RuleFilter>('/rules/filters', { yaml, reason })
            .then(onAdded, (err: unknown) => setError(errorMessage(err)));
        }}
      >
        {error && <Notice tone="bad">{error}</Notice>}
        <label>
          Sigma filter (YAML)
          <textarea
            className="mono"
            rows={14}
            required
            spellCheck={false}
            value={yaml}
            placeholder={EXAMPLE}
            onChange={(e) => setYaml(e.target.value)}
          />
        </label>
        <label>
          Why this is not an attack
          <input
            required
            minLength={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Add filter
          </button>
        </div>
      </form>
    </Dialog>
  );
}
