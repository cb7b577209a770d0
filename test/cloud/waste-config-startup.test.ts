import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { DEFAULT_WASTE_CONFIG } from '../../cloud/src/modules/waste-routing/waste-routing.config.js';
import { type RunningCloud, startCloud } from '../../cloud/src/server.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';
import { quietLogger } from '../support/pipeline.js';

/** The composition root hands the settings file (WASTE_CONFIG) and WASTE_POLICY to the waste service. */
describe('cloud start with a waste settings file', () => {
  let dir: TempDir;
  let cloud: RunningCloud;

  beforeAll(async () => {
    dir = makeTempDir('waste-startup');
    writeFileSync(
      join(dir.path, 'table.json'),
      JSON.stringify({
        ids: ['depot', 'dump'],
        distances: [
          [0, 5],
          [5, 0],
        ],
      }),
    );
    const file = join(dir.path, 'waste.yaml');
    writeFileSync(
      file,
      [
        'depot: { lat: 31.1, lon: 121.2 }',
        'fleet:',
        '  vehicleIds: [hw-01, hw-02, hw-03]',
        '  capacityLiters: 4500',
        '  planLoadPct: 85',
        'roundTime: "07:00"',
        'cron: "0 5 * * *"',
        'policy: trips',
        'intradayChecks: ["14:00"]',
        'roadMatrixFile: table.json',
      ].join('\n'),
    );
    cloud = await startCloud(
      loadCloudConfig({
        PORT: '0',
        MQTT_PORT: '0',
        DATA_DIR: dir.path,
        LINLI_TZ: 'Asia/Shanghai',
        WASTE_CONFIG: file,
        WASTE_POLICY: 'prize',
      }),
      quietLogger(),
    );
  });
  afterAll(async () => {
    await cloud?.stop();
    dir?.remove();
  });

  it('runs the service on the file over the defaults, with WASTE_POLICY over the file', () => {
    const cfg = cloud.wasteRouting.config;
    expect(cfg.fleet).toEqual({
      ...DEFAULT_WASTE_CONFIG.fleet,
      vehicleIds: ['hw-01', 'hw-02', 'hw-03'],
      capacityLiters: 4500,
      planLoadPct: 85,
    });
    expect(cfg.depot).toEqual({ lat: 31.1, lon: 121.2 });
    expect(cfg.dump).toBeUndefined();
    expect(cfg).toMatchObject({ roundTime: '07:00', cron: '0 5 * * *', intradayChecks: ['14:00'] });
    expect(cfg.policy).toBe('prize');
    expect(cfg.road?.ids).toEqual(['depot', 'dump']);
    // Untouched settings keep their defaults, the zone its offset.
    expect(cfg.thresholdPct).toBe(DEFAULT_WASTE_CONFIG.thresholdPct);
    expect(cfg).toMatchObject({ timezone: 'Asia/Shanghai', utcOffsetHours: 8 });
  });

  it('a bad settings file stops the cloud process at start, naming the field (exit 2, nothing started)', () => {
    const bad = join(dir.path, 'bad.yaml');
    writeFileSync(bad, 'fleet:\n  capacityLiters: 0\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'cloud/src/main.ts'], {
      env: { PATH: process.env.PATH, DATA_DIR: join(dir.path, 'never'), WASTE_CONFIG: bad },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      `invalid cloud configuration\n  WASTE_CONFIG: ${bad}:2: fleet.capacityLiters: must be > 0`,
    );
  });
});
