import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeConfig } from '../../edge/src/config.js';
import { PollingSet } from '../../edge/src/polling.js';
import { percentile } from '../../edge/src/stats.js';
import { type RunningSimulator, startSimulator } from '../../firmware-sim/src/simulator.js';
import { loadProfiles } from '../../protocols/src/index.js';
import { type PtyPair, startPtyPair } from '../helpers/socat.js';
import { quietLogger } from '../support/pipeline.js';

const DEVICES = 16;
const INTERVAL_MS = 1000;
const RUN_MS = 14_000;
const BAUD = 38_400;

interface Line {
  pty: PtyPair;
  sim: RunningSimulator;
  polling: PollingSet;
  answers: Map<string, number[]>;
}

async function startLine(dir: string, name: string, deadUnit?: number): Promise<Line> {
  const pty = await startPtyPair();
  const sim = await startSimulator({
    port: 0,
    waterMeters: DEVICES,
    rtu: [{ path: pty.pathA, baudRate: BAUD }],
  });
  if (deadUnit) sim.community.devices.get(deadUnit)!.fault = 'silent';
  const config: EdgeConfig = {
    gateway: { id: `gw-${name}` },
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    outbox: { path: join(dir, `${name}.db`) },
    buses: [{ id: 'rs485', type: 'rtu', path: pty.pathB, baudRate: BAUD, timeoutMs: 60 }],
    devices: Array.from({ length: DEVICES }, (_, i) => ({
      id: `wm-${String(i + 1).padStart(3, '0')}`,
      bus: 'rs485',
      unitId: i + 1,
      profile: 'linli-wm-100',
      pollIntervalMs: INTERVAL_MS,
    })),
  };
  const answers = new Map<string, number[]>();
  const polling = new PollingSet(
    config,
    loadProfiles(),
    (r) => {
      if (r.quality === 'good') answers.set(r.device, [...(answers.get(r.device) ?? []), r.ts]);
    },
    quietLogger(),
  );
  return { pty, sim, polling, answers };
}

/** Relative deviation of every interval between consecutive answers of the live devices. */
function deviations(line: Line, skip?: string): number[] {
  const out: number[] = [];
  for (const [device, times] of line.answers) {
    if (device === skip) continue;
    for (let i = 1; i < times.length; i++)
      out.push(Math.abs(times[i]! - times[i - 1]! - INTERVAL_MS) / INTERVAL_MS);
  }
  return out;
}

describe('Modbus RTU over real pty pairs (socat): one dead device among 16', () => {
  let dir: string;
  let healthy: Line;
  let withDead: Line;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-rtu-'));
    // Two identical lines polled at the same time; one has wm-007 dead. The healthy line is the
    // baseline of what this (shared, noisy) machine's timers do on their own.
    healthy = await startLine(dir, 'healthy');
    withDead = await startLine(dir, 'dead', 7);
    healthy.polling.start();
    withDead.polling.start();
    await new Promise((r) => setTimeout(r, RUN_MS));
    await Promise.all([healthy.polling.stop(), withDead.polling.stop()]);
  }, RUN_MS + 30_000);

  afterAll(async () => {
    for (const line of [healthy, withDead]) {
      await line?.sim.stop();
      await line?.pty.stop();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads every live device over RTU, and opens the dead one's circuit breaker", () => {
    for (let unit = 1; unit <= DEVICES; unit++) {
      const id = `wm-${String(unit).padStart(3, '0')}`;
      if (unit === 7) expect(withDead.answers.get(id)).toBeUndefined();
      else expect(withDead.answers.get(id)?.length ?? 0).toBeGreaterThanOrEqual(RUN_MS / INTERVAL_MS - 2);
    }
    const dead = withDead.polling.pollers[6]!;
    expect(dead.breaker.state).not.toBe('closed');
    expect(dead.counters.timeouts).toBeGreaterThanOrEqual(3);
    expect(dead.counters.skipped).toBeGreaterThan(0);
  });

  it("keeps the other devices' poll intervals within 10% of schedule", () => {
    const base = deviations(healthy);
    const dev = deviations(withDead, 'wm-007');
    const summary = (d: number[]) =>
      `p50 ${(percentile(d, 50) * 100).toFixed(1)}% p95 ${(percentile(d, 95) * 100).toFixed(1)}% max ${(Math.max(...d) * 100).toFixed(1)}%`;
    console.info(
      `RTU poll-interval deviation: healthy line ${summary(base)}; line with a dead device ${summary(dev)}`,
    );
    expect(dev.length).toBeGreaterThan(150);
    // On a quiet machine (healthy p95 around 3%) this is the absolute goal: p95 within 10% of the
    // interval. When the shared machine is busy its own timer noise (the healthy line, measured at
    // the same time) can exceed that, and the bound grows with it: the dead device may not make
    // things much worse than the machine already does.
    expect(percentile(dev, 95)).toBeLessThanOrEqual(Math.max(0.1, percentile(base, 95) * 1.5 + 0.05));
    expect(Math.max(...dev)).toBeLessThanOrEqual(Math.max(...base) * 1.5 + 0.1);
  });
});
