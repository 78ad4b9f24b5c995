/**
 * An incident's life: new → triage → contained → eradicated → recovered → closed. A team may skip
 * ahead (a false alarm goes from triage to closed) and may reopen, but a closed incident always
 * carries a resolution.
 */
export const INCIDENT_STATUSES = [
  'new',
  'triage',
  'contained',
  'eradicated',
  'recovered',
  'closed',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_RESOLUTIONS = [
  'resolved',
  'false_positive',
  'duplicate',
  'risk_accepted',
] as const;
export type IncidentResolution = (typeof INCIDENT_RESOLUTIONS)[number];

export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** Why a status change is refused, or null when it is allowed. */
export function statusChangeProblem(
  from: IncidentStatus,
  to: IncidentStatus,
  resolution: IncidentResolution | null | undefined,
): string | null {
  if (from === to) return `The incident is already ${to}.`;
  if (to === 'closed' && !resolution)
    return `Closing needs a resolution: one of ${INCIDENT_RESOLUTIONS.join(', ')}.`;
  if (to !== 'closed' && resolution) return 'A resolution is given only when closing.';
  if (to === 'new') return 'An incident cannot go back to new; reopen it to triage.';
  return null;
}
