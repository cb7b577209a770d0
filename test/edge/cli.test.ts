import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../firmware-sim/src/simulator.js';
import { type Pipeline, startPipeline, waitFor } from '../support/pipeline.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the installer CLI as an installer would, returning its exit code and output. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'edge/src/cli.ts', ...args],
      { cwd: root, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('linli-edge installer CLI', () => {
  let sim: RunningSimulator;
  let dir: string;
  let configPath: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-cli-'));
    sim = await startSimulator({ port: 0, waterMeters: 3 });
    sim.community.devices.get(3)!.fault = 'silent';
    configPath = join(dir, 'edge.yaml');
    writeFileSync(
      configPath,
      `gateway: { id: gw-cli }
mqtt: { url: "mqtt://127.0.0.1:1" }
outbox: { path: "${join(dir, 'outbox.db')}" }
buses: [{ id: sim, type: tcp, host: 127.0.0.1, port: ${sim.port}, timeoutMs: 300 }]
devices:
  - { id: wm-001, bus: sim, unitId: 1, profile: linli-wm-100, pollIntervalMs: 1000 }
  - { id: wm-003, bus: sim, unitId: 3, profile: linli-wm-100, pollIntervalMs: 1000 }
`,
    );
  });
  afterAll(async () => {
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scan lists the responding units and their likely profile', async () => {
    const r = await cli([
      'scan',
      '--tcp',
      `127.0.0.1:${sim.port}`,
      '--from',
      '1',
      '--to',
      '4',
      '--timeout',
      '200',
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2); // units 1 and 2; 3 is silent, 4 does not exist
    expect(lines[0]).toMatch(/unit 1 .*linli-wm-100/);
    expect(lines[1]).toMatch(/unit 2 .*linli-wm-100/);
  });

  it('read shows decoded values with units for a wiring test', async () => {
    const r = await cli(['read', '--config', configPath, '--device', 'wm-001', '--count', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wm-001 .*total_litres=\d+ L .*water_temp_c=-?[\d.]+ °C .*leak=(true|false)/);
  });

  it('read of a silent device explains what to check', async () => {
    const r = await cli(['read', '--config', configPath, '--device', 'wm-003', '--count', '1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no response from unit 3 .*baud rate, parity, and the A\/B wiring/);
  });

  it('helpful errors: unknown device, missing serial port, bad config', async () => {
    const unknown = await cli(['read', '--config', configPath, '--device', 'nope', '--count', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no device "nope" .*devices: wm-001, wm-003/);
    const port = await cli(['scan', '--port', '/dev/ttyNOPE0', '--to', '1']);
    expect(port.code).not.toBe(0);
    expect(port.stderr).toMatch(/no such serial port|cannot open/);
    writeFileSync(join(dir, 'bad.yaml'), 'gateway: { id: "bad id" }\n');
    const bad = await cli(['run', '--config', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:1: gateway\.id: must match pattern/);
  });
});

describe('linli-edge status', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ meters: 2, gatewayId: 'gw-status' });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it("shows the running agent's broker link, outbox and devices", async () => {
    await waitFor(() => p.edge.pollers.every((x) => x.counters.ok > 0), 10_000, 'both meters polled');
    const r = await cli(['status', '--url', p.edge.healthUrl!]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gateway gw-status .*broker connected/);
    expect(r.stdout).toMatch(/outbox: \d+ pending, dropped 0 routine \/ 0 events/);
    expect(r.stdout).toMatch(/wm-001 +ok +ok=\d+/);
    expect(r.stdout).toMatch(/wm-002 +ok +ok=\d+/);
  });

  it('reports "not running" with the fix when nothing answers', async () => {
    const r = await cli(['status', '--url', 'http://127.0.0.1:1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the agent is not running .*linli-edge run/);
  });
});
