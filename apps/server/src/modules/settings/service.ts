import { ValidationError, type Clock } from '@prahari/core';
import type { SettingsRepository } from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';
import { checkText, type Checked } from '../assets/validate.js';

/** Where CERT-In takes incident reports (CERT-In Directions of 28 April 2022). */
export const CERT_IN_REPORTING_EMAIL = 'incident@cert-in.org.in';

/**
 * Who reports the city's incidents, as the CERT-In incident reporting form and the DPDP notices
 * name them. Unset fields are null: a city fills them in once, and the reports say what is still
 * missing rather than refusing to render.
 */
export interface ReportingSettings {
  /** the reporting entity, e.g. "Pune Municipal Corporation" */
  organisation: string | null;
  /** its sector as CERT-In's form asks it, e.g. "Government (urban local body)" */
  sector: string | null;
  /** postal address, may span lines */
  address: string | null;
  city: string | null;
  state: string | null;
  /** the point of contact CERT-In and the Data Protection Board call back (usually the CISO) */
  pointOfContact: {
    name: string | null;
    designation: string | null;
    email: string | null;
    /** landline, with STD code */
    phone: string | null;
    mobile: string | null;
  };
  /** where CERT-In reports are mailed */
  certInEmail: string;
}

export const DEFAULT_REPORTING_SETTINGS: ReportingSettings = {
  organisation: null,
  sector: null,
  address: null,
  city: null,
  state: null,
  pointOfContact: { name: null, designation: null, email: null, phone: null, mobile: null },
  certInEmail: CERT_IN_REPORTING_EMAIL,
};

/** A settings section as it stands, with who last changed it. */
export interface SettingsView<T> {
  settings: T;
  /** fields a report needs that are not set yet (dotted names, e.g. `pointOfContact.email`) */
  missing: string[];
  /** null while the section has never been saved (the defaults apply) */
  updatedBy: string | null;
  updatedAt: string | null;
}

/** The shape a client sends: any field may be left out or null (unset). */
export interface ReportingSettingsInput {
  organisation?: string | null | undefined;
  sector?: string | null | undefined;
  address?: string | null | undefined;
  city?: string | null | undefined;
  state?: string | null | undefined;
  pointOfContact?:
    | {
        name?: string | null | undefined;
        designation?: string | null | undefined;
        email?: string | null | undefined;
        phone?: string | null | undefined;
        mobile?: string | null | undefined;
      }
    | null
    | undefined;
  /** left out or null: CERT-In's own address */
  certInEmail?: string | null | undefined;
}

interface Problem {
  field: string;
  value: unknown;
  reason: string;
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]{2,}$/;

function checkEmail(raw: unknown, what: string): Checked<string> {
  const text = checkText(raw, 254, what);
  if (!text.ok) return text;
  if (!EMAIL.test(text.value))
    return { ok: false, reason: `'${text.value}' is not an e-mail address (name@example.gov.in)` };
  return text;
}

/** Digits with the separators people write: +91 20 2550 1000, (020) 2550-1000. */
function checkPhone(raw: unknown, what: string): Checked<string> {
  const text = checkText(raw, 40, what);
  if (!text.ok) return text;
  const digits = text.value.replace(/\D/g, '').length;
  if (!/^\+?[0-9 ()./-]+$/.test(text.value) || digits < 6 || digits > 15)
    return {
      ok: false,
      reason: `'${text.value}' is not a phone number: 6 to 15 digits, optionally starting with + and the country code (+91 20 2550 1000)`,
    };
  return text;
}

type FieldCheck = (raw: unknown, what: string) => Checked<string>;
const line =
  (max: number): FieldCheck =>
  (raw, what) =>
    checkText(raw, max, what);

const TOP_FIELDS: Record<'organisation' | 'sector' | 'address' | 'city' | 'state', FieldCheck> = {
  organisation: line(200),
  sector: line(100),
  address: line(500),
  city: line(100),
  state: line(100),
};

const CONTACT_FIELDS: Record<keyof ReportingSettings['pointOfContact'], FieldCheck> = {
  name: line(200),
  designation: line(200),
  email: checkEmail,
  phone: checkPhone,
  mobile: checkPhone,
};

/** A value checked: null for empty or left out, the trimmed text, or a problem named by field. */
function field(raw: unknown, name: string, check: FieldCheck, problems: Problem[]): string | null {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === ''))
    return null;
  const checked = check(raw, name);
  if (checked.ok) return checked.value;
  problems.push({ field: name, value: raw, reason: checked.reason });
  return null;
}

/** Checks a whole reporting section; every wrong field is named at once. */
export function checkReportingSettings(input: ReportingSettingsInput): {
  settings: ReportingSettings;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  const top = Object.fromEntries(
    Object.entries(TOP_FIELDS).map(([name, check]) => [
      name,
      field(input[name as keyof typeof TOP_FIELDS], name, check, problems),
    ]),
  ) as Pick<ReportingSettings, keyof typeof TOP_FIELDS>;
  const contact = input.pointOfContact ?? {};
  const pointOfContact = Object.fromEntries(
    Object.entries(CONTACT_FIELDS).map(([name, check]) => [
      name,
      field(
        contact[name as keyof typeof CONTACT_FIELDS],
        `pointOfContact.${name}`,
        check,
        problems,
      ),
    ]),
  ) as ReportingSettings['pointOfContact'];
  const certInEmail =
    field(input.certInEmail, 'certInEmail', checkEmail, problems) ?? CERT_IN_REPORTING_EMAIL;
  return { settings: { ...top, pointOfContact, certInEmail }, problems };
}

/** What a CERT-In report needs and is not set: each shows as "not set" in the report. */
export function missingReportingFields(settings: ReportingSettings): string[] {
  const missing: string[] = [];
  for (const name of Object.keys(TOP_FIELDS) as (keyof typeof TOP_FIELDS)[])
    if (settings[name] === null) missing.push(name);
  const c = settings.pointOfContact;
  for (const name of ['name', 'designation', 'email'] as const)
    if (c[name] === null) missing.push(`pointOfContact.${name}`);
  if (c.phone === null && c.mobile === null) missing.push('pointOfContact.phone or mobile');
  return missing;
}

/** A stored value read back through the same checks, so an old or hand-edited row cannot leak. */
function storedReporting(value: unknown): ReportingSettings {
  if (value === null || typeof value !== 'object') return DEFAULT_REPORTING_SETTINGS;
  return checkReportingSettings(value).settings;
}

/** The dotted names of the fields whose values differ. */
function changedFields(before: ReportingSettings, after: ReportingSettings): string[] {
  const flat = (s: ReportingSettings): Record<string, string | null> => {
    const { pointOfContact, ...top } = s;
    return {
      ...top,
      ...Object.fromEntries(
        Object.entries(pointOfContact).map(([k, v]) => [`pointOfContact.${k}`, v]),
      ),
    };
  };
  const a = flat(before);
  const b = flat(after);
  return Object.keys(b).filter((k) => a[k] !== b[k]);
}

/**
 * Settings an admin changes while the server runs, each section typed and validated (a 400 names
 * every wrong field) and every change audited with the values before and after. First section:
 * `reporting`, the organisation and point of contact the incident reports name.
 */
export class SettingsService {
  constructor(
    private readonly repo: SettingsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The reporting organisation and point of contact (defaults until an admin saves them). */
  async reporting(): Promise<SettingsView<ReportingSettings>> {
    const stored = await this.repo.get('reporting');
    const settings = stored ? storedReporting(stored.value) : DEFAULT_REPORTING_SETTINGS;
    return {
      settings,
      missing: missingReportingFields(settings),
      updatedBy: stored?.updatedBy ?? null,
      updatedAt: stored?.updatedAt ?? null,
    };
  }

  /** Replaces the reporting section: fields left out or null become unset. */
  async setReporting(
    actor: Actor,
    input: ReportingSettingsInput,
  ): Promise<SettingsView<ReportingSettings>> {
    const { settings, problems } = checkReportingSettings(input);
    if (problems.length > 0)
      throw new ValidationError(
        `The reporting settings are wrong: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}.`,
        problems.length === 1
          ? { field: problems[0]!.field, errors: problems }
          : { errors: problems },
      );
    const before = await this.reporting();
    const changed = changedFields(before.settings, settings);
    if (changed.length === 0 && before.updatedAt !== null) return before;
    const by = actor.principal?.name ?? 'anonymous';
    await this.repo.put({
      key: 'reporting',
      value: settings,
      updatedBy: by,
      updatedAt: this.clock.now().toISOString(),
    });
    await this.audit.record(actor, {
      action: 'settings.update',
      target: 'settings:reporting',
      details: { changed, before: before.settings, after: settings },
    });
    return this.reporting();
  }
}
