// Evidence: files dropped or picked are uploaded as they are, kept under their SHA-256, and every
// download and check is written into the file's chain of custody.
import { useState, type DragEvent } from 'react';
import { api, errorMessage } from '../../api/client';
import { downloadFile, uploadFile, type Custody, type Evidence } from '../../api/incidents';
import { Dialog, Empty, ErrorBox, Loading, Notice, Panel, Time, num } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import type { Mutations } from './IncidentDetail';

export function EvidenceTab({ m }: { m: Mutations }) {
  const base = `/incidents/${encodeURIComponent(m.detail.incident.id)}/evidence`;
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [custodyOf, setCustodyOf] = useState<Evidence | null>(null);
  const [checked, setChecked] = useState<Record<string, { ok: boolean; text: string }>>({});

  const upload = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      setBusy(file.name);
      await m.run(
        () => uploadFile(base, file, { name: file.name, ...(file.type && { type: file.type }) }),
        `${file.name} kept under its SHA-256.`,
      );
    }
    setBusy(null);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (m.contribute) void upload(e.dataTransfer.files);
  };

  return (
    <Panel title={`Evidence (${m.detail.evidence.length})`}>
      {m.contribute && (
        <div
          className={`dropzone ${over ? 'over' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          {busy ? (
            <Loading what={`Uploading ${busy}`} />
          ) : (
            <>
              Drop files here, or{' '}
              <label className="btn btn-small">
                choose files
                <input
                  type="file"
                  multiple
                  className="sr-only"
                  aria-label="Evidence files"
                  onChange={(e) => void upload(e.target.files)}
                />
              </label>
              <span className="muted small">
                {' '}
                — each is kept with its SHA-256 and who added it.
              </span>
            </>
          )}
        </div>
      )}
      {m.detail.evidence.length === 0 ? (
        <Empty>No evidence yet.</Empty>
      ) : (
        <table className="simple evidence">
          <thead>
            <tr>
              <th>File</th>
              <th>Size</th>
              <th>SHA-256</th>
              <th>Added</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {m.detail.evidence.map((e) => (
              <tr key={e.id}>
                <td>{e.fileName}</td>
                <td>{num(e.size)} B</td>
                <td className="mono sha" title={e.sha256}>
                  {e.sha256}
                </td>
                <td className="small">
                  {e.uploadedBy}, <Time iso={e.uploadedAt} />
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() =>
                      void downloadFile(`${base}/${e.id}`, e.fileName).catch((err: unknown) =>
                        setChecked((c) => ({
                          ...c,
                          [e.id]: { ok: false, text: errorMessage(err) },
                        })),
                      )
                    }
                  >
                    Download
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => {
                      void (async () => {
                        try {
                          const r = await api.post<{ ok: boolean; sha256Found: string | null }>(
                            `${base}/${e.id}/verify`,
                          );
                          setChecked((c) => ({
                            ...c,
                            [e.id]: r.ok
                              ? { ok: true, text: 'Intact: the SHA-256 matches.' }
                              : { ok: false, text: `Changed: now ${r.sha256Found ?? 'missing'}.` },
                          }));
                        } catch (err) {
                          setChecked((c) => ({
                            ...c,
                            [e.id]: { ok: false, text: errorMessage(err) },
                          }));
                        }
                      })();
                    }}
                  >
                    Verify
                  </button>
                  <button type="button" className="btn btn-small" onClick={() => setCustodyOf(e)}>
                    Custody
                  </button>
                  {checked[e.id] && (
                    <Notice tone={checked[e.id]!.ok ? 'ok' : 'bad'}>{checked[e.id]!.text}</Notice>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {custodyOf && (
        <CustodyDialog
          path={`${base}/${custodyOf.id}/custody`}
          evidence={custodyOf}
          onClose={() => setCustodyOf(null)}
        />
      )}
    </Panel>
  );
}

function CustodyDialog({
  path,
  evidence,
  onClose,
}: {
  path: string;
  evidence: Evidence;
  onClose: () => void;
}) {
  const custody = useResource(`custody:${path}`, (signal) =>
    api.get<{ custody: Custody[] }>(path, undefined, signal),
  );
  return (
    <Dialog title={`Chain of custody: ${evidence.fileName}`} onClose={onClose} wide>
      {custody.error ? (
        <ErrorBox error={custody.error} onRetry={custody.reload} />
      ) : !custody.data ? (
        <Loading />
      ) : (
        <table className="simple">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>SHA-256 seen</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {custody.data.custody.map((c) => (
              <tr key={c.seq}>
                <td>
                  <Time iso={c.at} />
                </td>
                <td>{c.actorName}</td>
                <td>{c.action}</td>
                <td className="mono sha">{c.sha256Seen ?? '—'}</td>
                <td className={c.outcome === 'ok' ? undefined : 'bad'}>{c.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Dialog>
  );
}
