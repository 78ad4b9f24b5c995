/**
 * What response (playbooks, notifications) needs from the incident service, and nothing more.
 * The incident service is connected after start (`connectIncidents`); until it is, playbooks on
 * alerts work fully and steps that need an incident fail saying so.
 */
import type { Actor } from '../audit/service.js';

/**
 * An incident as playbook templates and notifications read it; templates see every field the
 * incident service gives, these are the ones response itself reads.
 */
export interface IncidentSubject {
  id: string;
  title: string;
  severity: string;
  status: string;
  certInType: string | null;
  /** the person accountable for it */
  ownerId?: string | null;
  /** the affected assets; the first is the `asset` of an incident playbook's templates */
  assetIds?: readonly string[];
}

export type IncidentChangeKind =
  'created' | 'updated' | 'status' | 'alert-attached' | 'assigned' | 'classified';

export interface IncidentChange {
  kind: IncidentChangeKind;
  incident: IncidentSubject;
  actor: Actor;
  /** for `assigned`: who was given the incident, or the task */
  assigneeId?: string | null;
  /** for `assigned`: the task, when a task (not the incident) was assigned */
  task?: { id: string; title: string; dueAt?: string | null } | null;
}

export interface ClockWarning {
  incidentId: string;
  /** the legal duty (`cert-in`, `dpdp-board-report` …) */
  duty: string;
  minutesLeft: number;
  dueAt: string;
}

/** What playbook steps do to incidents. */
export interface IncidentActions {
  /** throws NotFoundError for an unknown id */
  get(id: string): Promise<IncidentSubject>;
  /** the open incident that holds the alert, or a new one opened from it */
  incidentForAlert(alertId: string, actor: Actor): Promise<{ id: string; opened: boolean }>;
  addTask(
    incidentId: string,
    task: { title: string; assigneeId?: string; dueAt?: string },
    actor: Actor,
  ): Promise<{ id: string }>;
  /** makes the owners of the incident's affected assets its assignees; returns their user ids */
  assignOwnersOfAffectedAssets(incidentId: string, actor: Actor): Promise<readonly string[]>;
}

/** What the incident service tells response about. */
export interface IncidentEvents {
  onChange(listener: (change: IncidentChange) => void): unknown;
  onClockWarning(listener: (warning: ClockWarning) => void): unknown;
}
