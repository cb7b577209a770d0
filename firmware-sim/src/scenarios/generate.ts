import { DAY, dayIndexOf, dayStart, HOUR, MINUTE } from '../model/calendar.js';
import type { Household } from '../model/household.js';
import { Rng } from '../model/random.js';
import type { Incident, IncidentKind } from './incidents.js';

export interface GenerateOptions {
  seed: number;
  /** Start of the run (epoch ms) and how many days it covers. */
  start: number;
  days: number;
  /** Households planned without incidents: the no-wake incident starts at their planned wake. */
  households: readonly Household[];
  devices: ReadonlyArray<{ id: string; gateway: string }>;
  gateways: readonly string[];
  /** Multiplies every rate below (0 = no incidents). */
  intensity?: number;
}

/**
 * Expected incidents per 100 households (or per gateway, per 100 devices) per 30 days.
 * ASSUMPTION: far more frequent than in life, so a month of simulation gives detectors enough
 * positives to measure recall, while most household-days stay normal for measuring false alarms.
 */
const PER_100_HOUSEHOLDS: Array<[IncidentKind, number]> = [
  ['no_wake', 3],
  ['collapse', 3],
  ['tap_left_running', 3],
  ['night_wandering', 3],
  ['away', 2],
  ['gradual_decline', 1],
];
const PER_GATEWAY: Array<[IncidentKind, number]> = [
  ['power_outage', 1],
  ['gateway_network_loss', 1],
];
const PER_100_DEVICES: Array<[IncidentKind, number]> = [
  ['device_timeout', 1],
  ['device_exception', 1],
  ['device_stuck', 1],
  ['device_garbage', 1],
];

/** Draws a labelled set of incidents for a run; one household never has two at once. */
export function generateIncidents(options: GenerateOptions): Incident[] {
  const rng = Rng.of(options.seed, 'incidents');
  const scale = (options.intensity ?? 1) * (options.days / 30);
  const count = (perUnit: number, units: number) => rng.poisson(perUnit * units * scale);
  const firstDay = dayIndexOf(options.start);
  const end = options.start + options.days * DAY;
  const busy = new Map<string, Array<[number, number]>>();
  const free = (key: string, s: number, e: number) => !(busy.get(key) ?? []).some(([a, b]) => s < b && e > a);
  const incidents: Incident[] = [];
  const add = (i: Omit<Incident, 'id'>, key: string) => {
    // Long incidents may still be going on when the run ends: label them up to its end.
    if (i.kind === 'gradual_decline' || i.kind === 'away') i.end = Math.min(i.end, end);
    i.start = Math.round(i.start);
    i.end = Math.round(i.end);
    if (i.start < options.start || i.end > end || !free(key, i.start, i.end)) return;
    busy.set(key, [...(busy.get(key) ?? []), [i.start, i.end]]);
    incidents.push({ id: '', ...i });
  };

  for (const [kind, rate] of PER_100_HOUSEHOLDS) {
    for (let n = count(rate / 100, options.households.length); n > 0; n--) {
      if (options.households.length === 0) break;
      const hh = rng.pick(options.households);
      const day = firstDay + rng.int(1, Math.max(1, options.days - 2));
      const window = householdWindow(kind, hh, day, rng);
      if (window) add({ kind, household: hh.id, ...window }, hh.id);
    }
  }
  for (const [kind, rate] of PER_GATEWAY) {
    for (const gw of options.gateways) {
      for (let n = count(rate, 1); n > 0; n--) {
        const start = options.start + rng.uniform(0.5, options.days - 0.5) * DAY;
        const dur = kind === 'power_outage' ? rng.uniform(1, 4) * HOUR : rng.uniform(5 * MINUTE, 3 * HOUR);
        add({ kind, gateway: gw, start, end: start + dur }, `${kind}:${gw}`);
      }
    }
  }
  for (const [kind, rate] of PER_100_DEVICES) {
    for (let n = count(rate / 100, options.devices.length); n > 0; n--) {
      if (options.devices.length === 0) break;
      const d = rng.pick(options.devices);
      const start = options.start + rng.uniform(0.2, options.days - 0.2) * DAY;
      const detail = kind === 'device_exception' ? { exception: rng.chance(0.5) ? 6 : 4 } : undefined;
      const inc = {
        kind,
        device: d.id,
        gateway: d.gateway,
        start,
        end: start + rng.uniform(10 * MINUTE, 6 * HOUR),
      };
      add(detail ? { ...inc, detail } : inc, d.id);
    }
  }
  incidents.sort((a, b) => a.start - b.start);
  return incidents.map((i, k) => ({ ...i, id: `inc-${String(k + 1).padStart(4, '0')}` }));
}

type Timed = Pick<Incident, 'start' | 'end' | 'detail'>;

function householdWindow(kind: IncidentKind, hh: Household, day: number, rng: Rng): Timed | undefined {
  const midnight = dayStart(day);
  const at = (hours: number) => midnight + hours * HOUR;
  switch (kind) {
    case 'no_wake': {
      // Starts when they would have got up; ends when a neighbour or carer finds them.
      const start = hh.plan(day).plannedWakeAt;
      return { start, end: start + rng.uniform(3, 8) * HOUR };
    }
    case 'collapse': {
      const start = Math.max(hh.plan(day).plannedWakeAt + 3 * HOUR, at(rng.uniform(9, 17)));
      return { start, end: start + rng.uniform(2, 10) * HOUR };
    }
    case 'tap_left_running': {
      const start = at(rng.uniform(7, 21));
      return {
        start,
        end: start + rng.uniform(0.5, 6) * HOUR,
        detail: { lpm: Math.round(rng.uniform(2, 8) * 10) / 10 },
      };
    }
    case 'night_wandering': {
      const start = at(rng.uniform(0.5, 4));
      return { start, end: start + rng.uniform(15, 90) * MINUTE };
    }
    case 'away': {
      const start = at(rng.uniform(8, 11));
      return { start, end: start + rng.uniform(3, 10) * DAY };
    }
    case 'gradual_decline':
      return { start: at(0), end: at(0) + rng.uniform(21, 35) * DAY };
    default:
      return undefined;
  }
}
