import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../firmware-sim/src/clock.js';
import { Community } from '../../firmware-sim/src/community.js';
import { ExceptionCode } from '../../firmware-sim/src/modbus/pdu.js';
import { DAY, HOUR, MINUTE } from '../../firmware-sim/src/model/calendar.js';
import { type Incident, parseIncidents, writeIncidents } from '../../firmware-sim/src/scenarios/incidents.js';
import { loadProfiles } from '../../protocols/src/index.js';

const START = Date.parse('2024-04-01T00:00:00+08:00');
const profiles = loadProfiles();

function community(
  incidents: Incident[] | { generate: { days: number; intensity?: number } },
  households = 4,
) {
  const clock = new ManualClock(START);
  const c = new Community({
    profiles,
    clock,
    spec: { seed: 11, households, envSensors: 1, bins: 1, gateways: 1, incidents },
  });
  const read = (id: string, reg: string, t: number) => {
    clock.set(t);
    const d = c.byId.get(id)!;
    c.advance(d);
    return d.get(reg);
  };
  return { c, clock, read };
}

const inc = (i: Partial<Incident> & Pick<Incident, 'kind' | 'start' | 'end'>): Incident => ({
  id: `t-${i.kind}`,
  ...i,
});

describe('scenarios change what the meters show', () => {
  it('an elder who does not get up: no water from the planned wake until found', () => {
    const plain = community([]);
    const wake = plain.c.households[0]!.plan(Math.floor((START + 8 * HOUR) / DAY) + 0).plannedWakeAt;
    const { c, read } = community([
      inc({ kind: 'no_wake', household: 'hh-001', start: wake, end: wake + 6 * HOUR }),
    ]);
    const before = read('wm-001', 'total_litres', wake) as number;
    expect(read('wm-001', 'total_litres', wake + 6 * HOUR)).toBe(before);
    expect(c.households[0]!.waterLitres(wake, wake + 6 * HOUR)).toBe(0);
    // The neighbour without the incident used water in the same hours.
    expect(plain.c.households[0]!.waterLitres(wake, wake + 6 * HOUR)).toBeGreaterThan(10);
  });

  it('a tap left running: steady flow and the meter leak flag after an hour', () => {
    const start = START + 10 * HOUR;
    const { read } = community([
      inc({
        kind: 'tap_left_running',
        household: 'hh-002',
        start,
        end: start + 3 * HOUR,
        detail: { lpm: 5 },
      }),
    ]);
    const at1 = read('wm-002', 'total_litres', start) as number;
    expect(read('wm-002', 'flow_lpm', start + 90 * MINUTE)).toBeGreaterThanOrEqual(5);
    expect(read('wm-002', 'leak', start + 90 * MINUTE)).toBe(true);
    expect((read('wm-002', 'total_litres', start + 3 * HOUR) as number) - at1).toBeGreaterThanOrEqual(900);
    expect(read('wm-002', 'leak', start + 5 * HOUR)).toBe(false);
  });

  it('night wandering: the front door opens twice in the small hours', () => {
    const start = START + 2 * HOUR;
    const { read } = community([
      inc({ kind: 'night_wandering', household: 'hh-003', start, end: start + 40 * MINUTE }),
    ]);
    const c0 = read('ds-003', 'open_count', start - MINUTE) as number;
    expect(read('ds-003', 'door_open', start + 1000)).toBe(true);
    expect((read('ds-003', 'open_count', start + 41 * MINUTE) as number) - c0).toBe(2);
  });

  it('a power outage silences mains devices and stops the kWh; battery meters keep answering', () => {
    const start = START + 12 * HOUR;
    const { c, clock } = community([
      inc({ kind: 'power_outage', gateway: 'gw-1', start, end: start + 2 * HOUR }),
    ]);
    const readPdu = Buffer.from([0x03, 0, 0, 0, 2]);
    const pm = c.byId.get('pm-001')!;
    const wm = c.byId.get('wm-001')!;
    clock.set(start + HOUR);
    expect(c.handle(pm.unitId, readPdu)).toBe(c.handle(pm.unitId, readPdu)); // SILENCE symbol both times
    expect(typeof c.handle(pm.unitId, readPdu)).toBe('symbol');
    expect(Buffer.isBuffer(c.handle(wm.unitId, readPdu))).toBe(true);
    expect(c.households[0]!.energyWh(start, start + 2 * HOUR)).toBe(0);
    expect(c.households[0]!.energyWh(start - 2 * HOUR, start)).toBeGreaterThan(0);
  });

  it('device faults: exception codes, stuck and garbage values, then recovery', () => {
    const t = START + 6 * HOUR;
    const { c, clock } = community([
      inc({ kind: 'device_exception', device: 'wm-001', start: t, end: t + HOUR, detail: { exception: 6 } }),
      inc({ kind: 'device_garbage', device: 'env-001', start: t, end: t + HOUR }),
      inc({ kind: 'device_stuck', device: 'pm-002', start: t, end: t + 10 * HOUR }),
    ]);
    clock.set(t + MINUTE);
    const wm = c.byId.get('wm-001')!;
    expect([...(c.handle(wm.unitId, Buffer.from([0x03, 0, 0, 0, 2])) as Buffer)]).toEqual([
      0x83,
      ExceptionCode.ServerDeviceBusy,
    ]);
    const env = c.byId.get('env-001')!;
    expect([...(c.handle(env.unitId, Buffer.from([0x04, 0, 0, 0, 2])) as Buffer)]).toEqual([
      0x04, 4, 0xff, 0xff, 0xff, 0xff,
    ]);
    const pm = c.byId.get('pm-002')!;
    c.handle(pm.unitId, Buffer.from([0x03, 0, 0, 0, 2]));
    const frozen = pm.get('energy_kwh');
    clock.set(t + 9 * HOUR);
    c.handle(pm.unitId, Buffer.from([0x03, 0, 0, 0, 2]));
    expect(pm.get('energy_kwh')).toBe(frozen);
    clock.set(t + 11 * HOUR);
    c.handle(pm.unitId, Buffer.from([0x03, 0, 0, 0, 2]));
    expect(pm.get('energy_kwh') as number).toBeGreaterThan(frozen as number);
    expect(Buffer.isBuffer(c.handle(wm.unitId, Buffer.from([0x03, 0, 0, 0, 2])))).toBe(true);
  });

  it('gateway network loss is exposed for harnesses to cut the uplink', () => {
    const t = START + HOUR;
    const { c } = community([
      inc({ kind: 'gateway_network_loss', gateway: 'gw-1', start: t, end: t + HOUR }),
    ]);
    expect(c.networkUp('gw-1', t - 1)).toBe(true);
    expect(c.networkUp('gw-1', t + MINUTE)).toBe(false);
    expect(c.networkUp('gw-1', t + HOUR)).toBe(true);
  });

  it('gradual decline: later wake, fewer outings by the end of the weeks', () => {
    const { c } = community(
      [inc({ kind: 'gradual_decline', household: 'hh-001', start: START, end: START + 28 * DAY })],
      1,
    );
    const hh = c.households[0]!;
    const d0 = Math.floor((START + 8 * 3_600_000) / DAY);
    const wakeMin = (d: number) => (hh.plan(d).plannedWakeAt - hh.plan(d).day.start) / MINUTE;
    const early = [0, 1, 2, 3, 4, 5, 6].map((k) => wakeMin(d0 + k));
    const late = [28, 29, 30, 31, 32, 33, 34].map((k) => wakeMin(d0 + k));
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(late) - avg(early)).toBeGreaterThan(30);
    const doors = (ks: number[]) => ks.reduce((n, k) => n + hh.plan(d0 + k).doors.length, 0);
    expect(doors([28, 29, 30, 31, 32, 33, 34])).toBeLessThan(doors([0, 1, 2, 3, 4, 5, 6]));
  });
});

describe('generated incidents and the ground-truth file', () => {
  it('are deterministic for a seed, cover the kinds, and round-trip through JSONL', () => {
    const a = community({ generate: { days: 30, intensity: 5 } }, 40).c.incidents;
    const b = community({ generate: { days: 30, intensity: 5 } }, 40).c.incidents;
    expect(a).toEqual(b);
    const kinds = new Set(a.map((i) => i.kind));
    for (const k of [
      'no_wake',
      'collapse',
      'tap_left_running',
      'night_wandering',
      'away',
      'power_outage',
      'gateway_network_loss',
    ])
      expect(kinds.has(k as Incident['kind']), k).toBe(true);
    for (const i of a) {
      expect(i.end).toBeGreaterThan(i.start);
      expect(i.start).toBeGreaterThanOrEqual(START);
      expect(i.end).toBeLessThanOrEqual(START + 30 * DAY);
    }
    const file = join(mkdtempSync(join(tmpdir(), 'linli-inc-')), 'incidents.jsonl');
    writeIncidents(file, a);
    const text = readFileSync(file, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(a.length);
    expect(JSON.parse(text.split('\n')[0]!)).toHaveProperty('startIso');
    expect(parseIncidents(text)).toEqual(a);
  });
});
