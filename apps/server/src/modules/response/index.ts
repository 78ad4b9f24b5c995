import { fileURLToPath } from 'node:url';
import type { Clock } from '@prahari/core';
import type { Store } from '@prahari/store';
import type { Config } from '../../config/index.js';
import type { AuditService } from '../audit/service.js';
import { BlockListService } from '../blocklist/service.js';
import type { AlertStream } from '../detection/stream.js';
import type { IndicatorService } from '../indicators/service.js';
import {
  alertNotification,
  assignmentNotification,
  clockNotification,
} from '../notifications/messages.js';
import { NotificationService } from '../notifications/service.js';
import { PlaybookService } from '../playbooks/service.js';
import type { IncidentActions, IncidentEvents } from './incidents.js';
import { watchOpenedAlerts } from './opened-alerts.js';

/** Prahari's own playbooks, shipped with the server. */
export const BUILT_IN_PLAYBOOKS_DIR = fileURLToPath(new URL('../../../playbooks', import.meta.url));

/** How long closing waits for playbook steps in progress. */
const CLOSE_GRACE_MS = 5000;

/** Response to what detection finds: playbooks, the block list and notifications. */
export interface ResponseServices {
  blocklist: BlockListService;
  notifications: NotificationService;
  playbooks: PlaybookService;
  /**
   * Connects the incident service: incident-triggered playbooks, the steps that act on incidents,
   * and assignment and legal-clock notifications work from then on.
   */
  connectIncidents(incidents: IncidentActions & IncidentEvents): void;
  /** Sends what waits to be sent and picks up the runs a stopped server left. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function createResponse(deps: {
  store: Store;
  audit: AuditService;
  clock: Clock;
  config: Config;
  indicators: IndicatorService;
  alerts: AlertStream;
  log: { error(obj: object, msg: string): void };
}): Promise<ResponseServices> {
  const { store, audit, clock, config, log } = deps;
  const blocklist = new BlockListService(
    store.blocklist,
    audit,
    clock,
    config.response.blocklist.protect,
  );
  const notifications = new NotificationService({
    channels: store.notificationChannels,
    deliveries: store.notificationDeliveries,
    users: store.users,
    audit,
    clock,
    settings: config.notifications,
    log,
  });
  const playbooks = new PlaybookService({
    store,
    audit,
    clock,
    indicators: deps.indicators,
    blocklist,
    notifications,
    webhook: config.response.webhook,
    builtInDir: BUILT_IN_PLAYBOOKS_DIR,
    log,
  });
  await playbooks.load();
  const failed = (what: string) => (err: unknown) => log.error({ err }, `${what} failed`);
  const stopWatching = await watchOpenedAlerts(deps.alerts, store.alerts, (opened) => {
    void playbooks.onAlertsOpened(opened).catch(failed('starting alert playbooks'));
    for (const alert of opened) {
      const n = alertNotification(alert);
      if (n)
        void notifications.publish(n.notification, n.audience).catch(failed('alert notification'));
    }
  });
  return {
    blocklist,
    notifications,
    playbooks,
    connectIncidents(incidents) {
      playbooks.connectIncidents(incidents);
      incidents.onChange((change) => {
        void playbooks.onIncidentChange(change).catch(failed('starting incident playbooks'));
        const n = assignmentNotification(change);
        if (n)
          void notifications
            .publish(n.notification, n.audience)
            .catch(failed('assignment notification'));
      });
      incidents.onClockWarning((warning) => {
        void incidents
          .get(warning.incidentId)
          .then((incident) => {
            const n = clockNotification(warning, incident);
            return notifications.publish(n.notification, n.audience);
          })
          .catch(failed('clock notification'));
      });
    },
    async start() {
      await notifications.start();
      await playbooks.runner.resume();
    },
    async close() {
      stopWatching();
      // A step still running when the store closes is marked interrupted at the next start; a
      // webhook in its retries is not worth holding a shutdown for.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        playbooks.runner.whenIdle(),
        new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
      ]);
      clearTimeout(timer);
      await notifications.close();
    },
  };
}
