import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError, type Clock } from '@prahari/core';
import type { ParserName } from '@prahari/ingest';
import { loadRuleTexts, type LogSource, type RuleCost } from '@prahari/sigma';
import type { RuleFilterRecord, Store } from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';
import { testRule, type EventFormat, type RuleTestResult } from './rule-test.js';
import {
  textFilesFromZip,
  type RuleInfo,
  type RuleKind,
  type RuleLibrary,
  type ValidationReport,
} from './rule-library.js';

export interface RuleListQuery {
  pack?: string;
  kind?: RuleKind;
  level?: string;
  status?: string;
  enabled?: boolean;
  product?: string;
  category?: string;
  service?: string;
  /** words in the title, id or tags */
  q?: string;
}

export interface RuleUpload {
  /** a YAML text (one or more documents) … */
  yaml?: string;
  /** … or a zip of YAML files, base64 */
  zipBase64?: string;
  /** the file name the YAML is saved under (defaults to the first rule's id) */
  name?: string;
}

/** A rule (its text, or a loaded rule's id) and pasted events to test it on. */
export interface RuleTestRequest {
  yaml?: string;
  ruleId?: string;
  events: string;
  format?: EventFormat;
  parser?: ParserName;
  logsource?: LogSource;
}

export interface FilterInput {
  /** a Sigma filter document (YAML) */
  yaml: string;
  reason: string;
}

/** Rule management for people: every change is audited and takes effect at once. */
export class RuleService {
  constructor(
    private readonly store: Store,
    private readonly library: RuleLibrary,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** called after the rule set changed */
    private readonly onChange: () => void,
    /** what profiling the rules in use measured (live detection's engine) */
    private readonly profile: () => Promise<RuleCost[]>,
  ) {}

  async list(q: RuleListQuery): Promise<(RuleInfo & { matches: number })[]> {
    const { matchesByRule } = await this.store.alerts.summary();
    const words = (q.q ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w !== '');
    return this.library
      .list()
      .filter(
        (r) =>
          (q.pack === undefined || r.pack === q.pack) &&
          (q.kind === undefined || r.kind === q.kind) &&
          (q.level === undefined || r.level === q.level) &&
          (q.status === undefined || r.status === q.status) &&
          (q.enabled === undefined || r.enabled === q.enabled) &&
          (q.product === undefined || r.logsource.product === q.product) &&
          (q.category === undefined || r.logsource.category === q.category) &&
          (q.service === undefined || r.logsource.service === q.service) &&
          words.every((w) => `${r.title} ${r.id} ${r.tags.join(' ')}`.toLowerCase().includes(w)),
      )
      .map((r) => ({ ...r, matches: matchesByRule[r.id] ?? 0 }));
  }

  get(id: string): RuleInfo & { source: string } {
    return { ...this.library.get(id), source: this.library.source(id) };
  }

  packs() {
    return this.library.packs();
  }

  /** The rules profiling found slowest, since the rules were last loaded. */
  costs(): Promise<RuleCost[]> {
    return this.profile();
  }

  #files(upload: RuleUpload): { name: string; text: string }[] {
    if ((upload.yaml === undefined) === (upload.zipBase64 === undefined)) {
      throw new ValidationError('Send either yaml (rule text) or zipBase64 (a zip of rules).', {
        field: 'yaml',
      });
    }
    if (upload.zipBase64 !== undefined) {
      return textFilesFromZip(Buffer.from(upload.zipBase64, 'base64'));
    }
    const text = upload.yaml!;
    let name = upload.name;
    if (!name) {
      const set = loadRuleTexts([{ text, file: 'upload.yml' }]);
      const firstId = [...set.rules, ...set.correlations, ...set.filters].find((r) => r.id)?.id;
      name = `${firstId ?? randomUUID()}.yml`;
    }
    if (!/\.ya?ml$/i.test(name)) name = `${name}.yml`;
    return [{ name, text }];
  }

  validate(upload: RuleUpload): ValidationReport {
    return this.library.validate(this.#files(upload));
  }

  /**
   * Tests a rule on pasted events without side effects (see `testRule`). A loaded rule is tested
   * as its source reads now; a correlation's base rules come from the loaded library.
   */
  test(request: RuleTestRequest): RuleTestResult {
    if ((request.yaml === undefined) === (request.ruleId === undefined))
      throw new ValidationError('Send either yaml (a rule to test) or ruleId (a loaded rule).', {
        field: 'yaml',
      });
    const rule = request.ruleId === undefined ? undefined : this.library.get(request.ruleId);
    const inUse = this.library.engineOptions;
    return testRule(
      {
        yaml: rule ? this.library.source(rule.id) : request.yaml!,
        file: rule ? `${rule.pack}/${rule.file}` : 'pasted rule',
        events: request.events,
        format: request.format ?? 'auto',
        ...(request.parser && { parser: request.parser }),
        ...(request.logsource && { logsource: request.logsource }),
      },
      { rules: inUse.rules, correlations: inUse.correlations },
      {
        now: this.clock.now(),
        ...(this.library.placeholders && { placeholders: this.library.placeholders }),
      },
    );
  }

  /** Validates and, when everything is valid, saves the rules and puts them in use. */
  async upload(actor: Actor, upload: RuleUpload): Promise<ValidationReport & { saved: string[] }> {
    const files = this.#files(upload);
    const report = this.library.validate(files);
    if (!report.valid) {
      throw new ValidationError(
        `The upload was not saved: ${report.errors.length} problem(s), first: ${report.errors[0]?.file ? `${report.errors[0].file}${report.errors[0].line ? `:${report.errors[0].line}` : ''}: ` : ''}${report.errors[0]?.message ?? 'no rule found'}`,
        report,
      );
    }
    const saved = this.library.saveUploads(files);
    await this.library.reload();
    await this.audit.record(actor, {
      action: 'rule.upload',
      target: 'rules',
      details: { files: saved, rules: report.rules.map((r) => r.id) },
    });
    this.onChange();
    return { ...report, saved };
  }

  async setEnabled(actor: Actor, id: string, enabled: boolean, reason?: string): Promise<RuleInfo> {
    const info = this.library.get(id);
    await this.store.ruleSettings.setEnabled({
      ruleId: id,
      enabled,
      updatedBy: actor.principal?.name ?? 'system',
      updatedAt: this.clock.now().toISOString(),
      reason: reason ?? null,
    });
    await this.library.reload();
    await this.audit.record(actor, {
      action: enabled ? 'rule.enable' : 'rule.disable',
      target: `rule:${id}`,
      details: { title: info.title, pack: info.pack, ...(reason && { reason }) },
    });
    this.onChange();
    return this.library.get(id);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const info = this.library.get(id);
    const removed = this.library.deleteRule(id);
    await this.store.ruleSettings.forget(id);
    await this.library.reload();
    await this.audit.record(actor, {
      action: 'rule.delete',
      target: `rule:${id}`,
      details: { title: info.title, ...removed },
    });
    this.onChange();
  }

  filters(): Promise<RuleFilterRecord[]> {
    return this.store.ruleSettings.filters();
  }

  /** Adds a false-positive filter (a Sigma filter document) with who added it and why. */
  async addFilter(actor: Actor, input: FilterInput): Promise<RuleFilterRecord> {
    const set = loadRuleTexts([{ text: input.yaml, file: 'filter.yml' }]);
    const errors = set.errors.filter((e) => e.severity === 'error');
    if (errors.length > 0) {
      const e = errors[0]!;
      throw new ValidationError(`The filter is not valid: line ${e.line ?? '?'}: ${e.message}`, {
        field: 'yaml',
        errors,
      });
    }
    if (set.filters.length !== 1 || set.rules.length + set.correlations.length > 0) {
      throw new ValidationError(
        'Send exactly one Sigma filter document (with a filter: section naming its rules).',
        { field: 'yaml' },
      );
    }
    const filter = set.filters[0]!;
    const ruleIds = filter.rules === 'any' ? [] : filter.rules;
    const unknown = ruleIds.filter((r) => !this.library.list().some((i) => i.id === r));
    if (unknown.length > 0) {
      throw new ValidationError(
        `The filter names rules that are not loaded: ${unknown.join(', ')}.`,
        {
          field: 'yaml',
        },
      );
    }
    const id = filter.id ?? randomUUID();
    if ((await this.store.ruleSettings.filters()).some((f) => f.id === id))
      throw new ConflictError(`A filter with id ${id} exists already.`, { field: 'yaml' });
    const record: RuleFilterRecord = {
      id,
      title: filter.title,
      ruleIds,
      source: input.yaml,
      reason: input.reason,
      enabled: true,
      createdBy: actor.principal?.name ?? 'system',
      createdAt: this.clock.now().toISOString(),
    };
    await this.store.ruleSettings.addFilter(record);
    await this.library.reload();
    await this.audit.record(actor, {
      action: 'rule.filter.add',
      target: `filter:${id}`,
      details: { title: record.title, rules: ruleIds, reason: input.reason },
    });
    this.onChange();
    return record;
  }

  async deleteFilter(actor: Actor, id: string): Promise<void> {
    const existing = (await this.store.ruleSettings.filters()).find((f) => f.id === id);
    if (!existing || !(await this.store.ruleSettings.deleteFilter(id)))
      throw new NotFoundError(`No filter has id '${id}'.`);
    await this.library.reload();
    await this.audit.record(actor, {
      action: 'rule.filter.delete',
      target: `filter:${id}`,
      details: { title: existing.title, rules: existing.ruleIds },
    });
    this.onChange();
  }
}
