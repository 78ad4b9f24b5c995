// The reporting organisation and the point of contact that CERT-In reports and DPDP notices name.
// Admins change it; analysts and auditors read it. The server checks e-mail addresses and phone
// numbers and names each wrong field, which is shown under that field.
import { useState } from 'react';
import { api, errorMessage, fieldErrors } from '../../api/client';
import type { ReportingSettings } from '../../api/incidents';
import { ErrorBox, Loading, Notice, Panel, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { Field } from './Field';

type Settings = ReportingSettings['settings'];
type Contact = Settings['pointOfContact'];

const ORGANISATION: {
  key: Exclude<keyof Settings, 'pointOfContact' | 'certInEmail'>;
  label: string;
  placeholder: string;
}[] = [
  { key: 'organisation', label: 'Organisation', placeholder: 'Pune Municipal Corporation' },
  { key: 'sector', label: 'Sector', placeholder: 'Government (urban local body)' },
  { key: 'address', label: 'Postal address', placeholder: 'PMC Main Building, Shivajinagar' },
  { key: 'city', label: 'City', placeholder: 'Pune' },
  { key: 'state', label: 'State', placeholder: 'Maharashtra' },
];

const CONTACT: { key: keyof Contact; label: string; placeholder: string; type?: string }[] = [
  { key: 'name', label: 'Name', placeholder: 'Anjali Kulkarni' },
  { key: 'designation', label: 'Designation', placeholder: 'Chief Information Security Officer' },
  { key: 'email', label: 'E-mail', placeholder: 'ciso@punecorporation.gov.in', type: 'email' },
  { key: 'phone', label: 'Phone', placeholder: '+91 20 2550 1000', type: 'tel' },
  { key: 'mobile', label: 'Mobile', placeholder: '+91 98220 12345', type: 'tel' },
];

/** The names `missing` uses, as a person reads them. */
function fieldLabel(name: string): string {
  const contact = CONTACT.find((c) => `pointOfContact.${c.key}` === name);
  if (contact) return `point of contact ${contact.label.toLowerCase()}`;
  return ORGANISATION.find((o) => o.key === name)?.label.toLowerCase() ?? name;
}

export function Reporting({ mayChange }: { mayChange: boolean }) {
  const reporting = useResource('settings-reporting', (signal) =>
    api.get<ReportingSettings>('/settings/reporting', undefined, signal),
  );
  if (reporting.error) return <ErrorBox error={reporting.error} onRetry={reporting.reload} />;
  if (!reporting.data) return <Loading />;
  return (
    <ReportingForm
      view={reporting.data}
      mayChange={mayChange}
      onSaved={(saved) => reporting.setData(() => saved)}
    />
  );
}

/** Text boxes hold '' for an unset field; the server takes null (or '') as unset. */
function toForm(s: Settings) {
  return {
    organisation: s.organisation ?? '',
    sector: s.sector ?? '',
    address: s.address ?? '',
    city: s.city ?? '',
    state: s.state ?? '',
    certInEmail: s.certInEmail,
    pointOfContact: {
      name: s.pointOfContact.name ?? '',
      designation: s.pointOfContact.designation ?? '',
      email: s.pointOfContact.email ?? '',
      phone: s.pointOfContact.phone ?? '',
      mobile: s.pointOfContact.mobile ?? '',
    },
  };
}

function ReportingForm({
  view,
  mayChange,
  onSaved,
}: {
  view: ReportingSettings;
  mayChange: boolean;
  onSaved: (saved: ReportingSettings) => void;
}) {
  const [form, setForm] = useState(() => toForm(view.settings));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    setProblems({});
    setMessage(null);
    setSaving(true);
    const blankToNull = (v: string) => (v.trim() === '' ? null : v.trim());
    try {
      const saved = await api.put<ReportingSettings>('/settings/reporting', {
        organisation: blankToNull(form.organisation),
        sector: blankToNull(form.sector),
        address: blankToNull(form.address),
        city: blankToNull(form.city),
        state: blankToNull(form.state),
        certInEmail: blankToNull(form.certInEmail),
        pointOfContact: Object.fromEntries(
          Object.entries(form.pointOfContact).map(([k, v]) => [k, blankToNull(v)]),
        ),
      });
      onSaved(saved);
      setForm(toForm(saved.settings));
      setMessage({ tone: 'ok', text: 'Saved. Reports made from now on name these.' });
    } catch (err) {
      const byField = fieldErrors(err);
      setProblems(byField);
      setMessage({
        tone: 'bad',
        text:
          Object.keys(byField).length > 0
            ? 'Not saved: correct the fields marked below.'
            : errorMessage(err),
      });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="form reporting-form"
      noValidate
      aria-label="Reporting and point of contact"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {message && <Notice tone={message.tone}>{message.text}</Notice>}
      {view.missing.length > 0 ? (
        <Notice tone="warn">
          A CERT-In report still needs: {view.missing.map(fieldLabel).join(', ')}. Reports show
          these as “not set”.
        </Notice>
      ) : (
        <Notice tone="ok">
          Everything a CERT-In report asks of the reporting entity is set
          {view.updatedBy && (
            <>
              {' '}
              (last saved by {view.updatedBy}, <Time iso={view.updatedAt} />)
            </>
          )}
          .
        </Notice>
      )}
      <div className="two-col">
        <Panel title="Reporting organisation">
          <div className="form">
            {ORGANISATION.map((f) => (
              <Field
                key={f.key}
                label={f.label}
                multiline={f.key === 'address'}
                disabled={!mayChange}
                value={form[f.key]}
                onChange={(v) => setForm((s) => ({ ...s, [f.key]: v }))}
                error={problems[f.key]}
                placeholder={f.placeholder}
              />
            ))}
          </div>
        </Panel>
        <Panel title="Point of contact">
          <div className="form">
            <p className="muted small">
              The person CERT-In and the Data Protection Board call back, usually the CISO.
            </p>
            {CONTACT.map((f) => (
              <Field
                key={f.key}
                label={f.label}
                type={f.type}
                disabled={!mayChange}
                value={form.pointOfContact[f.key]}
                onChange={(v) =>
                  setForm((s) => ({ ...s, pointOfContact: { ...s.pointOfContact, [f.key]: v } }))
                }
                error={problems[`pointOfContact.${f.key}`]}
                placeholder={f.placeholder}
              />
            ))}
            <Field
              label="CERT-In reports go to"
              hint="(empty: CERT-In’s own address)"
              type="email"
              disabled={!mayChange}
              value={form.certInEmail}
              onChange={(certInEmail) => setForm((s) => ({ ...s, certInEmail }))}
              error={problems.certInEmail}
            />
          </div>
        </Panel>
      </div>
      {mayChange ? (
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={saving}>
            Save
          </button>
        </div>
      ) : (
        <p className="muted">Only an admin changes these.</p>
      )}
    </form>
  );
}
