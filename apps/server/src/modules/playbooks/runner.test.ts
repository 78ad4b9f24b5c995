/**
 * The playbook runner and service over a real store, without a server: triggers, templating into
 * step inputs, approval gating, rejection, failures and restarts. Steps act through the real
 * indicator, block-list and notification services.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, type PrahariError } from '@prahari/core';
import { Store, type AlertRecord } from '@prahari/store';
import { loadConfig } from '../../config/index.js';
import { AuditService, type Actor } from '../audit/service.js';
import { BlockListService } from '../blocklist/service.js';
import { IndicatorService } from '../indicators/service.js';
import { NotificationService } from '../notifications/service.js';
import type { IncidentActions } from '../response/incidents.js';
import { PlaybookService } from './service.js';

const asha: Actor = {
  principal: { kind: 'user', id: 'u1', name: 'asha', role: 'analyst' },
  ip: '10.1.1.1',
};
const ravi: Actor = {
  principal: { kind: 'user', id: 'u2', name: 'ravi', role: 'analyst' },
  ip: '10.1.1.2',
};

let store: Store;
let clock: ManualClock;
let audit: AuditService;
let playbooks: PlaybookService;
let blocklist: BlockListService;

const SSH_PLAYBOOK = `id: ssh-test
title: SSH test
trigger: { on: alert, rule: [SSH Brute Force Against a City Server], minSeverity: high }
steps:
  - action: add_indicator
    value: "{{ alert.sourceIp }}"
  - action: block_ip
    value: "{{ alert.sourceIp }}"
    expiresInHours: 24
  - action: add_indicator
    name: also the network
    value: "{{ alert.sourceIp }}/24"
    type: cidr
`;

beforeEach(async () => {
  store = Store.open({ driver: 'sqlite', path: ':memory:' });
  await store.migrate();
  clock = new ManualClock('2026-11-25T10:00:00.000Z');
  audit = new AuditService(store.audit, clock);
  const { config } = loadConfig({ env: {}, cwd: '/nonexistent' });
  const log = { error: (obj: object, msg: string) => console.error(msg, obj) };
  blocklist = new BlockListService(store.blocklist, audit, clock, ['10.0.0.0/8']);
  playbooks = new PlaybookService({
    store,
    audit,
    clock,
    indicators: new IndicatorService(store.indicators, audit, clock),
    blocklist,
    notifications: new NotificationService({
      channels: store.notificationChannels,
      deliveries: store.notificationDeliveries,
      users: store.users,
      audit,
      clock,
      settings: config.notifications,
      log,
    }),
    webhook: config.response.webhook,
    builtInDir: join(import.meta.dirname, '../../../playbooks'),
    log,
  });
  await playbooks.load();
});
afterEach(async () => {
  await playbooks.runner.whenIdle();
  await store.close();
});

let alertCount = 0;
async function openAlert(
  sourceIp: string | null,
  over: Partial<AlertRecord> = {},
): Promise<AlertRecord> {
  const { opened } = await store.alerts.record(
    [
      {
        kind: 'correlation',
        ruleId: '0afa8a64-c529-4214-ac14-2801494db29e',
        ruleTitle: 'SSH Brute Force Against a City Server',
        level: 'high',
        severity: 'high',
        logsource: { product: 'linux', service: 'sshd' },
        tags: [],
        dedupeKey: `k${++alertCount}`,
        groupFields: { 'source.ip': sourceIp },
        seenAt: clock.now().toISOString(),
        sourceIp,
        hostName: 'iccc-app-1',
        sourceName: null,
        userName: null,
        eventSeqs: [1],
        matched: {},
        asset: null,
        ...over,
      },
    ],
    { windowMs: 0, now: clock.now().toISOString(), newId: () => `alert-${alertCount}` },
  );
  return opened[0]!;
}

async function settled(runId: string) {
  await playbooks.runner.whenIdle();
  return playbooks.run(runId);
}

async function actions(): Promise<string[]> {
  const rows = await store.audit.query({ limit: 100, order: 'asc' });
  return rows.map((r) => `${r.actorName} ${r.action}`);
}

describe('playbook runs', () => {
  it('runs automatic steps, waits at a step that acts on city systems, and goes on as the approver', async () => {
    await playbooks.upload(asha, { yaml: SSH_PLAYBOOK });
    await playbooks.onAlertsOpened([await openAlert('203.0.113.9')]);
    const [started] = await playbooks.runs({ limit: 10 });
    let run = await settled(started!.id);
    expect(run.status).toBe('awaiting-approval');
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'awaiting-approval', 'pending']);
    // The approver sees exactly what will be done: the templates are already filled in.
    expect(run.steps[1]!.inputs).toEqual({ value: '203.0.113.9', expiresInHours: 24 });
    expect(run.steps[0]!.outputs).toMatchObject({
      indicator: { type: 'ip', value: '203.0.113.9' },
      added: true,
    });
    expect(await blocklist.text()).not.toContain('203.0.113.9');

    await playbooks.approve(ravi, run.id, 2, 'confirmed with the web team');
    run = await settled(run.id);
    expect(run.status).toBe('done');
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'done', 'done']);
    expect(run.steps[1]).toMatchObject({
      approvedBy: 'ravi',
      decisionNote: 'confirmed with the web team',
    });
    expect(run.steps[2]!.outputs).toMatchObject({
      indicator: { type: 'cidr', value: '203.0.113.0/24' },
    });
    const [entry] = await blocklist.list({ active: true, limit: 10 });
    expect(entry).toMatchObject({
      value: '203.0.113.9',
      addedBy: 'ravi',
      addedByKind: 'run',
      runId: run.id,
      expiresAt: '2026-11-26T10:00:00.000Z',
    });
    expect(await actions()).toEqual([
      'asha playbook.upload',
      'playbook ssh-test playbook.run.start',
      'playbook ssh-test indicator.add',
      'playbook ssh-test playbook.step.done',
      'playbook ssh-test playbook.step.await-approval',
      'ravi playbook.step.approve',
      'ravi blocklist.add',
      'ravi playbook.step.done',
      'playbook ssh-test indicator.add',
      'playbook ssh-test playbook.step.done',
      'playbook ssh-test playbook.run.finish',
    ]);
  });

  it('stops at a rejected step: nothing after it runs and nothing is blocked', async () => {
    await playbooks.upload(asha, { yaml: SSH_PLAYBOOK });
    await playbooks.onAlertsOpened([await openAlert('203.0.113.10')]);
    const [started] = await playbooks.runs({ limit: 1 });
    await settled(started!.id);
    await playbooks.reject(ravi, started!.id, 2, 'that is our vulnerability scanner');
    const run = await settled(started!.id);
    expect(run.status).toBe('rejected');
    expect(run.error).toBe('step 2 (block_ip) rejected by ravi: that is our vulnerability scanner');
    expect(run.steps.map((s) => s.status)).toEqual(['done', 'rejected', 'pending']);
    expect(await blocklist.list({ active: false, limit: 10 })).toEqual([]);
    // A decided step cannot be decided again.
    const again = (await playbooks
      .approve(asha, run.id, 2)
      .catch((e: unknown) => e)) as PrahariError;
    expect(again.status).toBe(409);
    expect(again.message).toMatch(/is rejected \(decided by ravi at 2026-11-25T10:00:00.000Z\)/);
  });

  it('fails the step whose template has no value, saying which', async () => {
    await playbooks.upload(asha, { yaml: SSH_PLAYBOOK });
    await playbooks.onAlertsOpened([await openAlert(null)]);
    const [started] = await playbooks.runs({ limit: 1 });
    const run = await settled(started!.id);
    expect(run.status).toBe('failed');
    expect(run.steps[0]).toMatchObject({
      status: 'failed',
      error: '{{ alert.sourceIp }} has no value: alert.sourceIp is empty',
    });
    expect(run.error).toBe(
      'step 1 (add_indicator) failed: {{ alert.sourceIp }} has no value: alert.sourceIp is empty',
    );
  });

  it('starts only enabled playbooks whose trigger the new alert meets', async () => {
    await playbooks.upload(asha, { yaml: SSH_PLAYBOOK });
    await playbooks.onAlertsOpened([
      await openAlert('203.0.113.11', { severity: 'medium' }),
      await openAlert('203.0.113.12', { ruleTitle: 'Something else', ruleId: 'other' }),
    ]);
    expect(await playbooks.runs({ limit: 10 })).toEqual([]);
    // Prahari's own playbooks are shipped disabled: the SSH one does not run until enabled.
    const sshRule = await openAlert('203.0.113.13');
    await playbooks.setEnabled(asha, 'ssh-test', false);
    await playbooks.onAlertsOpened([sshRule]);
    expect(await playbooks.runs({ limit: 10 })).toEqual([]);
    await playbooks.setEnabled(asha, 'ssh-brute-force-block', true);
    await playbooks.onAlertsOpened([sshRule]);
    const runs = await playbooks.runs({ limit: 10 });
    expect(runs.map((r) => [r.playbookId, r.trigger, r.subjectId])).toEqual([
      ['ssh-brute-force-block', 'alert', sshRule.id],
    ]);
  });

  it('acts on the incident of an alert through the connected incident service', async () => {
    const yaml = `id: tasks
title: Tasks
trigger: { on: manual }
steps:
  - action: create_task
    title: "Check logins from {{ alert.sourceIp }}"
    dueInHours: 4
  - action: assign_owner
`;
    await playbooks.upload(asha, { yaml });
    const alert = await openAlert('203.0.113.14');
    const before = await settled(
      (await playbooks.runManually(asha, 'tasks', { alertId: alert.id })).id,
    );
    expect(before.steps[0]!.error).toBe(
      'create_task needs the incident service, which is not connected to playbooks on this server.',
    );

    // Stands in for the incident service, which the server connects with connectIncidents.
    const calls: unknown[] = [];
    const incidents: IncidentActions = {
      get: () => Promise.reject(new Error('not used')),
      incidentForAlert: (alertId, actor) => {
        calls.push(['incidentForAlert', alertId, actor.principal?.name]);
        return Promise.resolve({ id: 'inc-1', opened: true });
      },
      addTask: (incidentId, task, actor) => {
        calls.push(['addTask', incidentId, task, actor.principal?.name]);
        return Promise.resolve({ id: 'task-1' });
      },
      assignOwnersOfAffectedAssets: (incidentId) => {
        calls.push(['assignOwners', incidentId]);
        return Promise.resolve(['owner-1']);
      },
    };
    playbooks.connectIncidents(incidents);
    const run = await settled(
      (await playbooks.runManually(ravi, 'tasks', { alertId: alert.id })).id,
    );
    expect(run.status).toBe('done');
    expect(run.startedBy).toBe('ravi');
    expect(calls).toEqual([
      ['incidentForAlert', alert.id, 'playbook tasks'],
      [
        'addTask',
        'inc-1',
        { title: 'Check logins from 203.0.113.14', dueAt: '2026-11-25T14:00:00.000Z' },
        'playbook tasks',
      ],
      ['incidentForAlert', alert.id, 'playbook tasks'],
      ['assignOwners', 'inc-1'],
    ]);
    expect(run.steps[1]!.outputs).toEqual({
      incidentId: 'inc-1',
      openedIncident: true,
      assigned: ['owner-1'],
    });
  });

  it('marks a step a stopped server left running as failed, since its effect is unknown', async () => {
    await playbooks.upload(asha, { yaml: SSH_PLAYBOOK });
    await playbooks.onAlertsOpened([await openAlert('203.0.113.15')]);
    const [started] = await playbooks.runs({ limit: 1 });
    await settled(started!.id);
    await playbooks.approve(ravi, started!.id, 2);
    await playbooks.runner.whenIdle();
    // As if the server had died in the middle of the last step.
    await store.playbookRuns.updateStep(started!.id, 2, { status: 'running' });
    await store.playbookRuns.update(started!.id, { status: 'running', finishedAt: null });
    expect(await playbooks.runner.resume()).toBe(1);
    const run = await settled(started!.id);
    expect(run.status).toBe('failed');
    expect(run.steps[2]!.error).toMatch(/^the server stopped while this step ran/);
  });

  it('refuses to block protected or malformed addresses, failing the step with the reason', async () => {
    const yaml = `id: block-private
title: Block
trigger: { on: manual }
steps:
  - action: block_ip
    value: "{{ alert.sourceIp }}"
    automatic: true
`;
    await playbooks.upload(asha, { yaml });
    const alert = await openAlert('10.20.3.11');
    const run = await settled(
      (await playbooks.runManually(asha, 'block-private', { alertId: alert.id })).id,
    );
    expect(run.steps[0]!.error).toBe(
      'Cannot block 10.20.3.11: it covers 10.0.0.0/8, which response.blocklist.protect keeps off the block list.',
    );
  });
});
