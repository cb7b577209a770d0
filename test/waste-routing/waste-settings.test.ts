import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { DEFAULT_WASTE_CONFIG } from '../../cloud/src/modules/waste-routing/waste-routing.config.js';
import {
  applyWasteSettings,
  loadWasteSettings,
  parseWasteSettings,
} from '../../cloud/src/modules/waste-routing/waste-settings.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const EXAMPLE = 'cloud/config/waste.example.yaml';
const dir = makeTempDir('waste-settings');
afterAll(() => dir.remove());

const file = (name: string, text: string) => {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
};

describe('waste settings file (WASTE_CONFIG)', () => {
  it('the shipped example validates and holds the defaults it documents', () => {
    const loaded = loadWasteSettings(EXAMPLE);
    const cfg = applyWasteSettings(DEFAULT_WASTE_CONFIG, loaded);
    const { depot: _d, dump: _u, ...rest } = cfg;
    const { depot: _d2, dump: _u2, ...defaults } = DEFAULT_WASTE_CONFIG;
    expect(rest).toEqual(defaults);
    expect(cfg.depot).toEqual({ lat: 31.2255, lon: 121.4795 });
    expect(cfg.dump).toEqual({ lat: 31.252, lon: 121.494 });
  });

  it('merges the given settings over the defaults, field by field (fleet too)', () => {
    const settings = parseWasteSettings(
      'fleet:\n  vehicleIds: [van-a]\n  capacityLiters: 2500\nthresholdPct: 75\nroundTime: "07:15"\n',
      'w.yaml',
    );
    const cfg = applyWasteSettings(DEFAULT_WASTE_CONFIG, { settings });
    expect(cfg.fleet).toEqual({ ...DEFAULT_WASTE_CONFIG.fleet, vehicleIds: ['van-a'], capacityLiters: 2500 });
    expect(cfg.thresholdPct).toBe(75);
    expect(cfg.roundTime).toBe('07:15');
    expect(cfg.policy).toBe(DEFAULT_WASTE_CONFIG.policy);
    expect(cfg.depot).toBeUndefined();
    // JSON is read as well, and an empty file is every default.
    expect(parseWasteSettings('{"fleet": {"planLoadPct": 85}}', 'w.json')).toEqual({
      fleet: { planLoadPct: 85 },
    });
    expect(applyWasteSettings(DEFAULT_WASTE_CONFIG, { settings: parseWasteSettings('', 'e.yaml') })).toEqual(
      DEFAULT_WASTE_CONFIG,
    );
  });

  it('names the file, line and field of a bad value, and what to write', () => {
    const text = 'fleet:\n  capacityLiters: -5\n  planLoadPct: 120\nroundTime: 9:30\npolicy: greedy\n';
    let message = '';
    try {
      parseWasteSettings(text, 'w.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('w.yaml:2: fleet.capacityLiters: must be > 0');
    expect(message).toContain('w.yaml:3: fleet.planLoadPct: must be <= 100');
    expect(message).toMatch(/w\.yaml:4: roundTime: .*write local time as "HH:MM"/);
    expect(message).toContain('w.yaml:5: policy: must be one of trips, prize');
    expect(() => parseWasteSettings('policy: trips\ncron: "every morning"\n', 'w.yaml')).toThrow(
      /w\.yaml:2: cron: "every morning" is no cron expression/,
    );
    expect(() => parseWasteSettings('fleet:\n  vehicleIds: [a, a]\n', 'w.yaml')).toThrow(
      /w\.yaml:2: fleet\.vehicleIds: .*distinct truck ids/,
    );
  });

  it('takes the forecast and prize settings an operator tunes, in range', () => {
    const settings = parseWasteSettings(
      'marginQuantile: 0.9\nhistoryDays: 42\ndefaultBinLiters: 120\noptionalMinPct: 60\nprizeMetresPerPct: 5\n',
      'w.yaml',
    );
    expect(applyWasteSettings(DEFAULT_WASTE_CONFIG, { settings })).toMatchObject({
      marginQuantile: 0.9,
      historyDays: 42,
      defaultBinLiters: 120,
      optionalMinPct: 60,
      prizeMetresPerPct: 5,
    });
    let message = '';
    try {
      parseWasteSettings('marginQuantile: 1\nhistoryDays: 2.5\ndefaultBinLiters: 0\n', 'w.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('w.yaml:1: marginQuantile: must be < 1');
    expect(message).toMatch(/w\.yaml:2: historyDays: .*integer/);
    expect(message).toContain('w.yaml:3: defaultBinLiters: must be > 0');
  });

  it('rejects an unknown key, naming it and the keys allowed there', () => {
    expect(() => parseWasteSettings('fleet:\n  capacityLitres: 5000\n', 'w.yaml')).toThrow(
      /w\.yaml:2: fleet\.capacityLitres: unknown setting "capacityLitres" \(check the spelling; allowed here: vehicleIds, capacityLiters,/,
    );
    expect(() => parseWasteSettings('depo: { lat: 31, lon: 121 }\n', 'w.yaml')).toThrow(
      /w\.yaml:1: depo: unknown setting "depo"/,
    );
  });

  it('reads the road matrix the file names (an OSRM table with ids), relative to the file', () => {
    const ids = ['depot', 'dump', 'bin-1'];
    file(
      'table.json',
      JSON.stringify({
        code: 'Ok',
        ids,
        distances: [
          [0, 3000, 400],
          [3100, 0, 2900],
          [420, 2950, 0],
        ],
        durations: [
          [0, 300, 40],
          [310, 0, 290],
          [42, 295, 0],
        ],
      }),
    );
    const loaded = loadWasteSettings(file('road.yaml', 'roadMatrixFile: table.json\n'));
    expect(loaded.road?.ids).toEqual(ids);
    expect(loaded.road?.distances[2]?.[0]).toBe(420);
    expect(applyWasteSettings(DEFAULT_WASTE_CONFIG, loaded).road).toEqual(loaded.road);

    file('no-ids.json', JSON.stringify({ code: 'Ok', distances: [[0]] }));
    expect(() => loadWasteSettings(file('r2.yaml', 'roadMatrixFile: no-ids.json\n'))).toThrow(/needs "ids"/);
    file(
      'hole.json',
      JSON.stringify({
        ids,
        distances: [
          [0, 1, null],
          [1, 0, 1],
          [1, 1, 0],
        ],
      }),
    );
    expect(() => loadWasteSettings(file('r3.yaml', 'roadMatrixFile: hole.json\n'))).toThrow(
      /no route depot -> bin-1/,
    );
  });

  it('the cloud config reads WASTE_CONFIG, WASTE_POLICY overrides its policy, a bad file stops the start', () => {
    const prize = file('prize.yaml', 'policy: prize\nfleet:\n  vehicleIds: [van-a]\n');
    expect(loadCloudConfig({ WASTE_CONFIG: prize }).waste).toMatchObject({
      policy: 'prize',
      file: prize,
      settings: { policy: 'prize', fleet: { vehicleIds: ['van-a'] } },
    });
    expect(loadCloudConfig({ WASTE_CONFIG: prize, WASTE_POLICY: 'trips' }).waste.policy).toBe('trips');
    expect(loadCloudConfig({}).waste.settings).toEqual({});

    const bad = file('bad.yaml', 'fleet:\n  speedKmh: 0\n  colour: green\n');
    let message = '';
    try {
      loadCloudConfig({ WASTE_CONFIG: bad });
    } catch (err) {
      message = (err as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe('invalid cloud configuration');
    expect(lines).toContain(`  WASTE_CONFIG: ${bad}:2: fleet.speedKmh: must be > 0`);
    expect(
      lines.some((l) => l.startsWith(`  WASTE_CONFIG: ${bad}:3: fleet.colour: unknown setting "colour"`)),
    ).toBe(true);
    expect(() => loadCloudConfig({ WASTE_CONFIG: join(dir.path, 'missing.yaml') })).toThrow(
      /WASTE_CONFIG: cannot read waste settings .*missing\.yaml/,
    );
  });
});
