import {
  ConflictError,
  NotFoundError,
  ValidationError,
  type Clock,
  type Principal,
} from '@prahari/core';
import type {
  PlaybookRunRecord,
  PlaybookRunRepository,
  RunStepRecord,
  RunSubjectKind,
  RunTrigger,
} from '@prahari/store';
import type { Actor, AuditService } from '../audit/service.js';
import { needsApproval, type Action, type Playbook, type Step } from './definition.js';
import { render, TemplateError } from './template.js';

/** What a step did: ids it made, each HTTP attempt … kept with the run. */
export type StepOutputs = Record<string, unknown>;

/** A step's action failed; `outputs` keeps what it did before it gave up (each attempt). */
export class StepFailed extends Error {
  constructor(
    message: string,
    readonly outputs: StepOutputs = {},
  ) {
    super(message);
    this.name = 'StepFailed';
  }
}

/** One step being carried out. */
export interface StepExecution {
  run: PlaybookRunRecord;
  playbook: Playbook;
  index: number;
  step: Step;
  /** the step's parameters with the templates filled in */
  inputs: Record<string, unknown>;
  /** the analyst who approved the step, or the playbook itself */
  actor: Actor;
  /** records attempts and outputs so far, while the step is still running */
  progress(attempts: number, outputs: StepOutputs): Promise<void>;
}

export type StepExecutor = (execution: StepExecution) => Promise<StepOutputs>;
export type StepExecutors = Record<Action, StepExecutor>;

export interface RunSubject {
  kind: RunSubjectKind;
  id: string;
}

export interface RunnerDeps {
  runs: PlaybookRunRepository;
  executors: StepExecutors;
  audit: AuditService;
  clock: Clock;
  newId: () => string;
  /** told when a step starts waiting for an analyst's decision */
  onAwaitingApproval(run: PlaybookRunRecord, step: RunStepRecord): Promise<void>;
  log: { error(obj: object, msg: string): void };
}

/** Who acts when a playbook acts on its own: the audit trail names the playbook. */
export function playbookPrincipal(playbookId: string): Principal {
  return {
    kind: 'system',
    id: `playbook:${playbookId}`,
    name: `playbook ${playbookId}`,
    role: 'analyst',
  };
}

const FINISHED = new Set(['done', 'failed', 'rejected']);

/** A step's parameters: everything but what says how to run it. */
function parametersOf(step: Step): Record<string, unknown> {
  const { action: _a, name: _n, automatic: _auto, ...params } = step;
  return params;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Carries out playbook runs step by step and keeps every step's inputs, outputs, attempts and
 * decisions in the store. A step that needs approval stops the run (`awaiting-approval`) until an
 * analyst approves it (the run goes on, acting as that analyst) or rejects it (the run stops).
 * Work on one run is serialised, so a decision and a resumption never interleave.
 */
export class PlaybookRunner {
  #chains = new Map<string, Promise<void>>();

  constructor(private readonly deps: RunnerDeps) {}

  /** Records a new run with its steps pending and starts it in the background. */
  async start(input: {
    playbook: Playbook;
    trigger: RunTrigger;
    subject: RunSubject;
    context: Record<string, unknown>;
    actor: Actor;
  }): Promise<PlaybookRunRecord> {
    const { playbook, subject, actor } = input;
    const id = this.deps.newId();
    const now = this.deps.clock.now().toISOString();
    const run = await this.deps.runs.insert({
      id,
      playbookId: playbook.id,
      playbookTitle: playbook.title,
      definition: playbook,
      trigger: input.trigger,
      subjectKind: subject.kind,
      subjectId: subject.id,
      context: {
        ...input.context,
        playbook: { id: playbook.id, title: playbook.title },
        run: { id, startedAt: now },
      },
      status: 'running',
      startedBy: actor.principal?.name ?? 'system',
      startedAt: now,
      finishedAt: null,
      error: null,
      steps: playbook.steps.map((step, index) => ({
        index,
        action: step.action,
        name: step.name ?? null,
        needsApproval: needsApproval(step),
        inputs: null,
        outputs: null,
        status: 'pending',
        approvedBy: null,
        approvedAt: null,
        decisionNote: null,
        error: null,
        attempts: 0,
        startedAt: null,
        finishedAt: null,
      })),
    });
    await this.deps.audit.record(actor, {
      action: 'playbook.run.start',
      target: `playbook-run:${id}`,
      details: {
        playbook: playbook.id,
        title: playbook.title,
        trigger: input.trigger,
        subject: `${subject.kind}:${subject.id}`,
      },
    });
    void this.#enqueue(id, () => this.#advance(id, null));
    return run;
  }

  /** Approves a waiting step; the run goes on in the background, acting as `actor`. */
  async approve(
    actor: Actor,
    runId: string,
    index: number,
    note?: string,
  ): Promise<PlaybookRunRecord> {
    const { run, step } = await this.#waitingStep(runId, index);
    const now = this.deps.clock.now().toISOString();
    const by = actor.principal?.name ?? 'anonymous';
    if (
      !(await this.deps.runs.decideStep(runId, index, 'awaiting-approval', {
        status: 'approved',
        approvedBy: by,
        approvedAt: now,
        decisionNote: note ?? null,
      }))
    )
      throw new ConflictError(
        `Step ${index + 1} of run ${runId} was decided by someone else just now.`,
      );
    await this.deps.runs.update(runId, { status: 'running' });
    await this.deps.audit.record(actor, {
      action: 'playbook.step.approve',
      target: `playbook-run:${runId}`,
      details: {
        playbook: run.playbookId,
        step: index + 1,
        action: step.action,
        inputs: step.inputs,
        ...(note && { note }),
      },
    });
    void this.#enqueue(runId, () => this.#advance(runId, actor));
    return (await this.deps.runs.get(runId))!;
  }

  /** Rejects a waiting step: the run stops there and the steps after it never run. */
  async reject(
    actor: Actor,
    runId: string,
    index: number,
    reason?: string,
  ): Promise<PlaybookRunRecord> {
    const { run, step } = await this.#waitingStep(runId, index);
    const now = this.deps.clock.now().toISOString();
    const by = actor.principal?.name ?? 'anonymous';
    if (
      !(await this.deps.runs.decideStep(runId, index, 'awaiting-approval', {
        status: 'rejected',
        approvedBy: by,
        approvedAt: now,
        decisionNote: reason ?? null,
      }))
    )
      throw new ConflictError(
        `Step ${index + 1} of run ${runId} was decided by someone else just now.`,
      );
    await this.deps.runs.update(runId, {
      status: 'rejected',
      finishedAt: now,
      error: `step ${index + 1} (${step.action}) rejected by ${by}${reason ? `: ${reason}` : ''}`,
    });
    await this.deps.audit.record(actor, {
      action: 'playbook.step.reject',
      target: `playbook-run:${runId}`,
      details: {
        playbook: run.playbookId,
        step: index + 1,
        action: step.action,
        inputs: step.inputs,
        ...(reason && { reason }),
      },
    });
    return (await this.deps.runs.get(runId))!;
  }

  /** Picks up runs a stopped server left in progress. */
  async resume(): Promise<number> {
    const runs = await this.deps.runs.list({ status: ['running'], limit: 10_000 });
    for (const run of runs) void this.#enqueue(run.id, () => this.#advance(run.id, null));
    return runs.length;
  }

  /** Resolves once no run has work in progress (what is waiting for approval does not count). */
  async whenIdle(): Promise<void> {
    while (this.#chains.size > 0) await Promise.all([...this.#chains.values()]);
  }

  async #waitingStep(runId: string, index: number) {
    const run = await this.deps.runs.get(runId);
    if (!run) throw new NotFoundError(`There is no playbook run ${runId}.`);
    const step = run.steps[index];
    if (!step)
      throw new ValidationError(
        `Run ${runId} has steps 1 to ${run.steps.length}; there is no step ${index + 1}.`,
      );
    if (step.status !== 'awaiting-approval') {
      const decided = step.approvedBy
        ? ` (decided by ${step.approvedBy} at ${step.approvedAt})`
        : '';
      throw new ConflictError(
        `Step ${index + 1} (${step.action}) of run ${runId} is ${step.status}${decided}, not awaiting approval.`,
        { status: step.status, approvedBy: step.approvedBy, approvedAt: step.approvedAt },
      );
    }
    return { run, step };
  }

  #enqueue(runId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#chains.get(runId) ?? Promise.resolve();
    const next = previous.then(work).catch((err: unknown) => {
      this.deps.log.error({ err, run: runId }, 'playbook run failed');
    });
    this.#chains.set(runId, next);
    void next.finally(() => {
      if (this.#chains.get(runId) === next) this.#chains.delete(runId);
    });
    return next;
  }

  async #advance(runId: string, approver: Actor | null): Promise<void> {
    const run = await this.deps.runs.get(runId);
    if (!run || FINISHED.has(run.status)) return;
    const playbook = run.definition as Playbook;
    const self: Actor = { principal: playbookPrincipal(playbook.id), ip: null };
    for (const record of run.steps) {
      if (record.status === 'done') continue;
      if (record.status === 'awaiting-approval') return;
      const step = playbook.steps[record.index]!;
      if (record.status === 'running') {
        await this.#fail(
          run,
          record,
          self,
          'the server stopped while this step ran, so whether it took effect is unknown: check, and run the playbook again if needed',
          null,
        );
        return;
      }
      let inputs = record.inputs ?? {};
      if (record.status === 'pending') {
        try {
          inputs = render(parametersOf(step), run.context) as Record<string, unknown>;
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
          await this.#fail(run, record, self, err.message, null);
          return;
        }
        if (record.needsApproval) {
          await this.#awaitApproval(run, record, inputs, self);
          return;
        }
      }
      const actor = record.status === 'approved' && approver ? approver : self;
      if (!(await this.#execute(run, playbook, record, step, inputs, actor))) return;
    }
    const now = this.deps.clock.now().toISOString();
    await this.deps.runs.update(run.id, { status: 'done', finishedAt: now });
    await this.deps.audit.record(self, {
      action: 'playbook.run.finish',
      target: `playbook-run:${run.id}`,
      details: { playbook: playbook.id, status: 'done', steps: run.steps.length },
    });
  }

  async #awaitApproval(
    run: PlaybookRunRecord,
    record: RunStepRecord,
    inputs: Record<string, unknown>,
    self: Actor,
  ): Promise<void> {
    await this.deps.runs.updateStep(run.id, record.index, { inputs, status: 'awaiting-approval' });
    await this.deps.runs.update(run.id, { status: 'awaiting-approval' });
    await this.deps.audit.record(self, {
      action: 'playbook.step.await-approval',
      target: `playbook-run:${run.id}`,
      details: { playbook: run.playbookId, step: record.index + 1, action: record.action, inputs },
    });
    const waiting = (await this.deps.runs.get(run.id))!;
    await this.deps
      .onAwaitingApproval(waiting, waiting.steps[record.index]!)
      .catch((err: unknown) =>
        this.deps.log.error({ err, run: run.id }, 'approval notification failed'),
      );
  }

  /** Runs one step; false when it failed (and so did the run). */
  async #execute(
    run: PlaybookRunRecord,
    playbook: Playbook,
    record: RunStepRecord,
    step: Step,
    inputs: Record<string, unknown>,
    actor: Actor,
  ): Promise<boolean> {
    let attempts = 1;
    await this.deps.runs.updateStep(run.id, record.index, {
      inputs,
      status: 'running',
      attempts,
      startedAt: this.deps.clock.now().toISOString(),
    });
    await this.deps.runs.update(run.id, { status: 'running' });
    let outputs: StepOutputs;
    try {
      outputs = await this.deps.executors[step.action]({
        run,
        playbook,
        index: record.index,
        step,
        inputs,
        actor,
        progress: async (n, partial) => {
          attempts = n;
          await this.deps.runs.updateStep(run.id, record.index, { attempts: n, outputs: partial });
        },
      });
    } catch (err) {
      await this.#fail(
        run,
        record,
        actor,
        messageOf(err),
        err instanceof StepFailed ? err.outputs : null,
        attempts,
      );
      return false;
    }
    await this.deps.runs.updateStep(run.id, record.index, {
      status: 'done',
      outputs,
      attempts,
      finishedAt: this.deps.clock.now().toISOString(),
    });
    await this.deps.audit.record(actor, {
      action: 'playbook.step.done',
      target: `playbook-run:${run.id}`,
      details: {
        playbook: playbook.id,
        step: record.index + 1,
        action: step.action,
        inputs,
        outputs,
        ...(record.approvedBy && { approvedBy: record.approvedBy }),
      },
    });
    return true;
  }

  async #fail(
    run: PlaybookRunRecord,
    record: RunStepRecord,
    actor: Actor,
    message: string,
    outputs: StepOutputs | null,
    attempts?: number,
  ): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.runs.updateStep(run.id, record.index, {
      status: 'failed',
      error: message,
      finishedAt: now,
      ...(outputs && { outputs }),
      ...(attempts !== undefined && { attempts }),
    });
    await this.deps.runs.update(run.id, {
      status: 'failed',
      finishedAt: now,
      error: `step ${record.index + 1} (${record.action}) failed: ${message}`,
    });
    await this.deps.audit.record(actor, {
      action: 'playbook.step.fail',
      target: `playbook-run:${run.id}`,
      outcome: 'failure',
      details: {
        playbook: run.playbookId,
        step: record.index + 1,
        action: record.action,
        error: message,
        ...(outputs && { outputs }),
      },
    });
  }
}
