/**
 * The messages events become, and whom each concerns. Pure: the wiring feeds events in and
 * publishes what comes out.
 */
import { LEGAL_DUTIES, type LegalDuty } from '@prahari/core';
import type { AlertRecord } from '@prahari/store';
import type { ClockWarning, IncidentChange, IncidentSubject } from '../response/incidents.js';
import type { Audience, Notification, NotificationEvent } from './service.js';

type Published = { notification: Notification & { event: NotificationEvent }; audience: Audience };

/** Staff see every alert; a system owner only those on their own assets. */
const ALERT_AUDIENCE = ['admin', 'analyst', 'auditor'] as const;

/** A newly opened critical or high alert; nothing for lower severities. */
export function alertNotification(alert: AlertRecord): Published | null {
  if (alert.severity !== 'critical' && alert.severity !== 'high') return null;
  const where = [
    alert.sourceIp && `from ${alert.sourceIp}`,
    alert.hostName && `on host ${alert.hostName}`,
    alert.asset &&
      `concerning ${alert.asset.name}${alert.asset.criticality ? ` (criticality ${alert.asset.criticality})` : ''}`,
  ].filter(Boolean);
  const severity = alert.severity === 'critical' ? 'Critical' : 'High';
  return {
    notification: {
      event: alert.severity === 'critical' ? 'alert.critical' : 'alert.high',
      subject: `${severity} alert: ${alert.ruleTitle}`,
      text:
        `${severity} alert '${alert.ruleTitle}'${where.length ? ` ${where.join(', ')}` : ''}.\n` +
        `Rule level ${alert.level}, first seen ${alert.firstSeen}.\n` +
        `Alert id: ${alert.id}`,
      data: {
        alertId: alert.id,
        ruleId: alert.ruleId,
        ruleTitle: alert.ruleTitle,
        severity: alert.severity,
        sourceIp: alert.sourceIp,
        hostName: alert.hostName,
        asset: alert.asset,
        firstSeen: alert.firstSeen,
      },
    },
    audience: { roles: ALERT_AUDIENCE, userIds: [alert.asset?.ownerId] },
  };
}

/** An incident or a task given to someone: it concerns that person only. */
export function assignmentNotification(change: IncidentChange): Published | null {
  if (change.kind !== 'assigned') return null;
  const { incident, task } = change;
  const assignee = change.assigneeId ?? (task ? null : incident.ownerId);
  if (!assignee) return null;
  const by = change.actor.principal?.name ?? 'someone';
  const notification: Published['notification'] = task
    ? {
        event: 'task.assigned',
        subject: `Task for you: ${task.title}`,
        text:
          `${by} gave you the task '${task.title}' on incident '${incident.title}' (${incident.severity}, ${incident.status})` +
          `${task.dueAt ? `, due ${task.dueAt}` : ''}.`,
        data: {
          incidentId: incident.id,
          taskId: task.id,
          title: task.title,
          dueAt: task.dueAt ?? null,
        },
      }
    : {
        event: 'incident.assigned',
        subject: `Incident assigned to you: ${incident.title}`,
        text: `${by} assigned you the incident '${incident.title}' (${incident.severity}, ${incident.status}).`,
        data: { incidentId: incident.id, title: incident.title, severity: incident.severity },
      };
  return { notification, audience: { roles: [], userIds: [assignee] } };
}

/** A legal clock about to run out (or run out): staff, and the incident's owner. */
export function clockNotification(warning: ClockWarning, incident: IncidentSubject): Published {
  const duty = LEGAL_DUTIES[warning.duty as LegalDuty] as
    { title: string; authority: string } | undefined;
  const what = duty ? `${duty.title} (${duty.authority})` : warning.duty;
  const left = warning.minutesLeft > 0 ? `${warning.minutesLeft} minutes left` : 'the time is up';
  return {
    notification: {
      event: 'clock.warning',
      subject: `${left === 'the time is up' ? 'Overdue' : `${warning.minutesLeft} min left`}: ${what} for ${incident.title}`,
      text:
        `Incident '${incident.title}' (${incident.severity}, ${incident.status}): ${what} is due at ${warning.dueAt}; ${left}.\n` +
        `Record the report on the incident once it is sent.`,
      data: { ...warning, title: incident.title },
    },
    audience: { roles: ['admin', 'analyst', 'auditor'], userIds: [incident.ownerId] },
  };
}
