// Upload rules (pasted YAML, a .yml file or a zip of them), or only check them. An upload is
// saved only if every rule in it loads and compiles; the report names each problem by file:line.
import { useState } from 'react';
import { ApiError, api, errorMessage } from '../../api/client';
import type { RuleReport } from '../../api/types';
import { Notice, Panel } from '../../components/ui';

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function RuleUpload() {
  const [yaml, setYaml] = useState('');
  const [name, setName] = useState('');
  const [zip, setZip] = useState<{ name: string; base64: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{
    saved: boolean;
    checkOnly: boolean;
    report: RuleReport;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const pickFile = async (file: File | undefined) => {
    setOutcome(null);
    setError(null);
    if (!file) return;
    if (file.name.toLowerCase().endsWith('.zip')) {
      setZip({ name: file.name, base64: toBase64(await file.arrayBuffer()) });
      setYaml('');
    } else {
      setZip(null);
      setYaml(await file.text());
      setName(file.name);
    }
  };

  const send = async (checkOnly: boolean) => {
    setBusy(true);
    setError(null);
    setOutcome(null);
    const body = zip
      ? { zipBase64: zip.base64 }
      : { yaml, ...(name.trim() && { name: name.trim() }) };
    try {
      const report = await api.post<RuleReport>(checkOnly ? '/rules/validate' : '/rules', body);
      setOutcome({ saved: !checkOnly && report.valid, checkOnly, report });
    } catch (err) {
      // A refused upload carries the same report in its details.
      const details = err instanceof ApiError ? (err.details as RuleReport | undefined) : undefined;
      if (details && Array.isArray(details.errors))
        setOutcome({ saved: false, checkOnly, report: details });
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const hasInput = zip !== null || yaml.trim() !== '';
  return (
    <div className="rule-upload two-col">
      <Panel title="Rule to upload">
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void send(false);
          }}
        >
          <label>
            A .yml file or a .zip of rules
            <input
              type="file"
              accept=".yml,.yaml,.zip"
              onChange={(e) => void pickFile(e.target.files?.[0])}
            />
          </label>
          {zip ? (
            <Notice>
              {zip.name} is ready to send.{' '}
              <button type="button" className="btn-link" onClick={() => setZip(null)}>
                Paste YAML instead
              </button>
            </Notice>
          ) : (
            <>
              <label>
                File name <span className="muted small">(optional)</span>
                <input
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  placeholder="our-rule.yml"
                />
              </label>
              <label>
                Sigma YAML (one or more documents)
                <textarea
                  className="mono"
                  rows={18}
                  spellCheck={false}
                  value={yaml}
                  onChange={(e) => setYaml(e.target.value)}
                  placeholder={
                    'title: …\nid: …\nlogsource:\n  product: linux\n  service: sshd\ndetection:\n  …'
                  }
                />
              </label>
            </>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="btn"
              disabled={busy || !hasInput}
              onClick={() => void send(true)}
            >
              Validate only
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy || !hasInput}>
              Upload
            </button>
          </div>
        </form>
      </Panel>
      <Panel title="Validation report">
        {error && <Notice tone="bad">{error}</Notice>}
        {!outcome && !error && <p className="muted">Validate or upload to see the report here.</p>}
        {outcome && <Report {...outcome} />}
      </Panel>
    </div>
  );
}

function Report({
  report,
  saved,
  checkOnly,
}: {
  report: RuleReport;
  saved: boolean;
  checkOnly: boolean;
}) {
  return (
    <div className="report" aria-label="Validation report">
      {report.valid ? (
        <Notice tone="ok">
          {saved
            ? `Saved and in use: ${report.rules.length} rule${report.rules.length === 1 ? '' : 's'}.`
            : checkOnly
              ? `Valid: ${report.rules.length} rule${report.rules.length === 1 ? '' : 's'} would load. Nothing was saved.`
              : 'Valid.'}
        </Notice>
      ) : (
        <Notice tone="bad">
          Not valid: {report.errors.length} problem{report.errors.length === 1 ? '' : 's'}. Nothing
          was saved.
        </Notice>
      )}
      {report.errors.length > 0 && (
        <>
          <h3>Errors</h3>
          <ul className="problems">
            {report.errors.map((e, i) => (
              <li key={i}>
                <code>
                  {e.file}
                  {e.line ? `:${e.line}` : ''}
                  {e.column ? `:${e.column}` : ''}
                </code>{' '}
                {e.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {report.warnings.length > 0 && (
        <>
          <h3>Warnings</h3>
          <ul className="problems">
            {report.warnings.map((w, i) => (
              <li key={i}>
                <code>
                  {w.file}
                  {w.line ? `:${w.line}` : ''}
                </code>{' '}
                {w.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {report.rules.length > 0 && (
        <>
          <h3>Rules</h3>
          <table className="simple">
            <thead>
              <tr>
                <th>Title</th>
                <th>Kind</th>
                <th>Id</th>
                <th>File</th>
              </tr>
            </thead>
            <tbody>
              {report.rules.map((r, i) => (
                <tr key={r.id ?? i}>
                  <td>{r.title}</td>
                  <td>{r.kind}</td>
                  <td className="mono">{r.id ?? '—'}</td>
                  <td className="mono">{r.file}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
