import { appendFileSync, writeFileSync } from 'node:fs';

/**
 * Ground truth for evaluating detectors: every incident the simulator injects, labelled with what
 * it is, whom it affects and when. Written as JSONL so evaluation scripts can stream it.
 */
export type ElderIncident = 'no_wake' | 'collapse' | 'night_wandering' | 'gradual_decline' | 'away';
export type DeviceIncident = 'device_timeout' | 'device_exception' | 'device_stuck' | 'device_garbage';
export type IncidentKind =
  | ElderIncident
  | 'tap_left_running'
  | 'power_outage'
  | DeviceIncident
  | 'gateway_network_loss';

export interface Incident {
  id: string;
  kind: IncidentKind;
  /** Epoch ms; the incident holds over [start, end). */
  start: number;
  end: number;
  household?: string;
  device?: string;
  gateway?: string;
  /** Kind-specific parameters, e.g. { lpm: 6 } for a running tap, { exception: 6 } for a device. */
  detail?: Record<string, number | string>;
}

/** One JSONL line: the incident plus readable ISO times for people reading the file. */
export function incidentLine(incident: Incident): string {
  return JSON.stringify({
    ...incident,
    startIso: new Date(incident.start).toISOString(),
    endIso: new Date(incident.end).toISOString(),
  });
}

export function writeIncidents(path: string, incidents: readonly Incident[], append = false): void {
  const text = incidents.map((i) => `${incidentLine(i)}\n`).join('');
  if (append) appendFileSync(path, text);
  else writeFileSync(path, text);
}

export function parseIncidents(text: string): Incident[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const {
        startIso: _s,
        endIso: _e,
        ...incident
      } = JSON.parse(l) as Incident & { startIso: string; endIso: string };
      return incident;
    });
}
