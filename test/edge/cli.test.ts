import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { type RunningCloud, startCloud } from '../../cloud/src/server.js';
import { loadEdgeConfig } from '../../edge/src/config.js';
import { type RunningSimulator, startSimulator } from '../../firmware-sim/src/simulator.js';
import { startPtyPair } from '../helpers/socat.js';
import { type Pipeline, quietLogger, startPipeline, waitFor } from '../support/pipeline.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the installer CLI as an installer would, returning its exit code and output. */
function cli(args: string[], lang = 'C.UTF-8'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'edge/src/cli.ts', ...args],
      { cwd: root, timeout: 60_000, env: { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '' } },
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
    // A Chinese shell gets Chinese.
    const zh = await cli(['read', '--config', configPath, '--device', 'nope', '--count', '1'], 'zh_CN.UTF-8');
    expect(zh.stderr).toMatch(/中没有设备“nope”；已配置的设备：wm-001, wm-003/);
    const port = await cli(['scan', '--port', '/dev/ttyNOPE0', '--to', '1']);
    expect(port.code).not.toBe(0);
    expect(port.stderr).toMatch(/cannot open serial \/dev\/ttyNOPE0 .*no such serial port: check the cable/);
    writeFileSync(join(dir, 'bad.yaml'), 'gateway: { id: "bad id" }\n');
    const bad = await cli(['run', '--config', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:1: gateway\.id: must match pattern/);
  });

  it("a serial port another program holds: says so, in the shell's language", async () => {
    const pty = await startPtyPair();
    const held = new SerialPort({ path: pty.pathA, baudRate: 9600 });
    try {
      await new Promise((resolve, reject) => held.once('open', resolve).once('error', reject));
      const zh = await cli(['scan', '--port', pty.pathA, '--to', '1'], 'zh_CN.UTF-8');
      expect(zh.code).not.toBe(0);
      expect(zh.stderr).toMatch(
        /Cannot lock port — 串口被占用：另一个程序正在使用它（用 fuser -v <串口> 查看）/,
      );
      const en = await cli(['scan', '--port', pty.pathA, '--to', '1']);
      expect(en.stderr).toMatch(/Cannot lock port — the port is busy: another program has it open/);
    } finally {
      if (held.isOpen) await new Promise((resolve) => held.close(resolve));
      await pty.stop();
    }
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

describe('linli-edge provision against the real cloud', () => {
  let cloud: RunningCloud;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-provision-'));
    cloud = await startCloud(
      loadCloudConfig({ PORT: '0', MQTT_PORT: '0', DATA_DIR: join(dir, 'cloud') }),
      quietLogger(),
    );
    await cloud.registry.module.registry.createGateway({ id: 'gw-field-7', name: 'Building 7 gateway' });
  });
  afterAll(async () => {
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exchanges a one-time code for credentials stored 0600, which the agent config then uses', async () => {
    const { code } = await cloud.registry.module.provisioning.issueCode('gw-field-7', null);
    const out = join(dir, 'etc', 'credentials.json');
    const r = await cli(['provision', '--cloud', cloud.url, '--code', code, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/provisioned gateway gw-field-7/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(readFileSync(out, 'utf8')) as {
      gatewayId: string;
      mqtt: { username: string; password: string };
    };
    expect(creds.gatewayId).toBe('gw-field-7');
    expect(
      await cloud.registry.module.gatewayAuth.authenticate(creds.mqtt.username, creds.mqtt.password),
    ).toEqual({ gatewayId: 'gw-field-7' });

    const configPath = join(dir, 'edge.yaml');
    writeFileSync(
      configPath,
      `gateway: { id: placeholder }\nmqtt: { url: "${cloud.mqttUrl}", credentialsFile: "${out}" }\noutbox: { path: "${join(dir, 'o.db')}" }\nbuses: [{ id: b, type: tcp, host: 127.0.0.1, port: 502 }]\ndevices: []\n`,
    );
    const config = loadEdgeConfig(configPath, {});
    expect(config.gateway.id).toBe('gw-field-7');
    expect(config.mqtt.username).toBe(creds.mqtt.username);

    // The code is one-time: a second claim is refused with the reason.
    const again = await cli([
      'provision',
      '--cloud',
      cloud.url,
      '--code',
      code,
      '--out',
      join(dir, 'other.json'),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/provisioning refused \(410\): this provisioning code was already used/);
    // In a Chinese shell the cloud's refusal comes in Chinese too (Accept-Language from LANG).
    const zh = await cli(
      ['provision', '--cloud', cloud.url, '--code', code, '--out', join(dir, 'other.json')],
      'zh_CN.UTF-8',
    );
    expect(zh.stderr).toMatch(/配网被拒绝（410）：该配网码已被使用/);
  });
});
