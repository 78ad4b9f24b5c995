// Reports: each one downloaded as the server builds it, and what analysts write for them: how it
// was found, the DPDP particulars of a personal-data breach, and the post-incident review.
import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import {
  downloadFile,
  type PersonalDataParticulars,
  type ReportDetails,
} from '../../api/incidents';
import { ErrorBox, Loading, Notice, Panel, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import type { Mutations } from './IncidentDetail';

const REPORTS: { file: string; label: string; dpdp?: boolean }[] = [
  { file: 'cert-in.pdf', label: 'CERT-In report (PDF)' },
  { file: 'cert-in.json', label: 'CERT-In report (JSON)' },
  { file: 'cert-in.zip', label: 'CERT-In bundle with the logs (zip)' },
  { file: 'dpdp-board.pdf', label: 'DPDP notice to the Board (PDF)', dpdp: true },
  { file: 'dpdp-board.json', label: 'DPDP notice to the Board (JSON)', dpdp: true },
  { file: 'dpdp-principals.pdf', label: 'DPDP notice to citizens (PDF)', dpdp: true },
  { file: 'dpdp-principals.json', label: 'DPDP notice to citizens (JSON)', dpdp: true },
  { file: 'post-incident.pdf', label: 'Post-incident report for the CISO (PDF)' },
];

const lines = (text: string) =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const orNull = (text: string) => text.trim() || null;

export function ReportsTab({ m }: { m: Mutations }) {
  const { incident } = m.detail;
  const base = `/incidents/${encodeURIComponent(incident.id)}/reports`;
  const [failed, setFailed] = useState<string | null>(null);
  const details = useResource(`report-details:${incident.id}`, (signal) =>
    api.get<ReportDetails>(`${base}/details`, undefined, signal),
  );
  return (
    <div className="two-col">
      <Panel title="Download">
        <ul className="plain-list reports">
          {REPORTS.filter((r) => !r.dpdp || incident.personalDataBreach).map((r) => (
            <li key={r.file}>
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setFailed(null);
                  void downloadFile(`${base}/${r.file}`, `${incident.number}-${r.file}`).catch(
                    (err: unknown) => setFailed(`${r.label}: ${errorMessage(err)}`),
                  );
                }}
              >
                {r.label}
              </button>
            </li>
          ))}
        </ul>
        {!incident.personalDataBreach && (
          <p className="muted small">The DPDP notices apply to a personal-data breach only.</p>
        )}
        {failed && <Notice tone="bad">{failed}</Notice>}
      </Panel>
      {details.error ? (
        <ErrorBox error={details.error} onRetry={details.reload} />
      ) : !details.data ? (
        <Loading />
      ) : (
        <DetailsForm
          key={details.data.updatedAt ?? 'new'}
          details={details.data}
          personalData={incident.personalDataBreach}
          readOnly={!m.staff}
          onSave={async (body) => {
            const saved = await api.patch<ReportDetails>(`${base}/details`, body);
            details.setData(() => saved);
          }}
        />
      )}
    </div>
  );
}

function DetailsForm({
  details,
  personalData,
  readOnly,
  onSave,
}: {
  details: ReportDetails;
  personalData: boolean;
  readOnly: boolean;
  onSave: (body: Record<string, unknown>) => Promise<void>;
}) {
  const pd = details.personalData;
  const [f, setF] = useState({
    detectionNote: details.detectionNote ?? '',
    rootCause: details.review?.rootCause ?? '',
    lessons: (details.review?.lessons ?? []).join('\n'),
    nature: pd?.nature ?? '',
    extent: pd?.extent ?? '',
    likelyImpact: pd?.likelyImpact ?? '',
    likelyConsequences: pd?.likelyConsequences ?? '',
    mitigation: pd?.mitigation ?? '',
    categoriesOfPersonalData: (pd?.categoriesOfPersonalData ?? []).join(', '),
    categoriesOfDataPrincipals: (pd?.categoriesOfDataPrincipals ?? []).join(', '),
    approximateNumberAffected: pd?.approximateNumberAffected?.toString() ?? '',
    whatPrincipalsCanDo: (pd?.whatPrincipalsCanDo ?? []).join('\n'),
    contactName: pd?.contactForPrincipals?.name ?? '',
    contactEmail: pd?.contactForPrincipals?.email ?? '',
    contactPhone: pd?.contactForPrincipals?.phone ?? '',
  });
  const [state, setState] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const field = (key: keyof typeof f, label: string, rows = 0) => (
    <label>
      {label}
      {rows ? (
        <textarea
          rows={rows}
          readOnly={readOnly}
          value={f[key]}
          onChange={(e) => setF({ ...f, [key]: e.target.value })}
        />
      ) : (
        <input
          readOnly={readOnly}
          value={f[key]}
          onChange={(e) => setF({ ...f, [key]: e.target.value })}
        />
      )}
    </label>
  );
  const submit = async () => {
    const particulars: PersonalDataParticulars | null =
      personalData && f.nature.trim()
        ? {
            nature: f.nature.trim(),
            extent: f.extent.trim(),
            timing: pd?.timing ?? null,
            location: pd?.location ?? null,
            likelyImpact: f.likelyImpact.trim(),
            likelyConsequences: f.likelyConsequences.trim(),
            categoriesOfPersonalData: list(f.categoriesOfPersonalData),
            categoriesOfDataPrincipals: list(f.categoriesOfDataPrincipals),
            approximateNumberAffected: f.approximateNumberAffected
              ? Number(f.approximateNumberAffected)
              : null,
            mitigation: f.mitigation.trim(),
            whatPrincipalsCanDo: lines(f.whatPrincipalsCanDo),
            contactForPrincipals: f.contactName.trim()
              ? {
                  name: f.contactName.trim(),
                  email: orNull(f.contactEmail),
                  phone: orNull(f.contactPhone),
                }
              : null,
            circumstances: pd?.circumstances ?? null,
            causedBy: pd?.causedBy ?? null,
            preventRecurrence: pd?.preventRecurrence ?? null,
            principalsInformed: pd?.principalsInformed ?? null,
          }
        : null;
    try {
      await onSave({
        detectionNote: orNull(f.detectionNote),
        review:
          f.rootCause.trim() || f.lessons.trim()
            ? { rootCause: orNull(f.rootCause), lessons: lines(f.lessons) }
            : null,
        ...(personalData && { personalData: particulars }),
      });
      setState({ tone: 'ok', text: 'Saved: the reports now carry it.' });
    } catch (err) {
      setState({ tone: 'bad', text: errorMessage(err) });
    }
  };
  return (
    <Panel title="What the reports say">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {field('detectionNote', 'How it was found (CERT-In report)', 2)}
        {personalData && (
          <fieldset>
            <legend>Personal-data breach particulars (DPDP Rule 7)</legend>
            {field('nature', 'Nature of the breach', 2)}
            {field('extent', 'Extent', 2)}
            {field('categoriesOfPersonalData', 'Categories of personal data (comma-separated)')}
            {field('categoriesOfDataPrincipals', 'Whose data (comma-separated)')}
            {field('approximateNumberAffected', 'Approximate number affected')}
            {field('likelyImpact', 'Likely impact', 2)}
            {field('likelyConsequences', 'Likely consequences', 2)}
            {field('mitigation', 'What the city has done', 2)}
            {field('whatPrincipalsCanDo', 'What citizens can do (one per line)', 3)}
            {field('contactName', 'Contact for citizens: name')}
            {field('contactEmail', 'Contact e-mail')}
            {field('contactPhone', 'Contact phone')}
          </fieldset>
        )}
        <fieldset>
          <legend>Post-incident review</legend>
          {field('rootCause', 'Root cause', 2)}
          {field('lessons', 'Lessons (one per line)', 3)}
        </fieldset>
        {details.updatedBy && (
          <p className="muted small">
            Last saved by {details.updatedBy}, <Time iso={details.updatedAt} />
          </p>
        )}
        {state && <Notice tone={state.tone}>{state.text}</Notice>}
        {!readOnly && (
          <div className="form-actions">
            <button type="submit" className="btn btn-primary">
              Save
            </button>
          </div>
        )}
      </form>
    </Panel>
  );
}
