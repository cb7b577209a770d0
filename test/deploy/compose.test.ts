import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireTool } from '../helpers/require-tool.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('docker-compose.yml', () => {
  it('is accepted by docker-compose config and wires cloud to the broker and InfluxDB', async () => {
    const bin = await requireTool('docker-compose', 'docker-compose');
    const { stdout } = await run(bin, ['config'], { cwd: root });
    const config = parse(stdout) as { services: Record<string, { environment?: Record<string, string> }> };
    expect(Object.keys(config.services).sort()).toEqual(['broker', 'cloud', 'edge', 'influxdb', 'sim']);
    expect(config.services.cloud!.environment).toMatchObject({
      MQTT_URL: 'mqtt://broker:1883',
      INFLUX_URL: 'http://influxdb:8086',
    });
  });
});
