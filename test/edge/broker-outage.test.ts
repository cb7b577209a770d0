import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { type RunningCloud, startCloud } from '../../cloud/src/server.js';
import { type RunningSimulator, startSimulator } from '../../firmware-sim/src/simulator.js';
import { type MosquittoHandle, startMosquitto } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/ports.js';
import { startTcpRelay, type TcpRelay } from '../helpers/tcp-relay.js';
import { getReadings, quietLogger, waitFor } from '../support/pipeline.js';

interface HealthBody {
  broker: { ok: boolean };
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const METERS = 4;
/** Outage length: "several minutes" (issue 4) by default; LINLI_OUTAGE_MS=8000 for a quick local run. */
const OUTAGE_MS = Number(process.env.LINLI_OUTAGE_MS ?? 180_000);

function startEdgeProcess(configPath: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'edge/src/cli.ts', 'run', '--config', configPath], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function edgeStatus(
  healthPort: number,
): Promise<{ outbox: { pending: number }; mqttConnected: boolean } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${healthPort}/status`);
    return (await res.json()) as { outbox: { pending: number }; mqttConnected: boolean };
  } catch {
    return undefined;
  }
}

describe('broker down for a while, edge killed with SIGKILL during the outage', () => {
  let dir: string;
  let broker: MosquittoHandle;
  let cloud: RunningCloud;
  let sim: RunningSimulator;
  let edge: ChildProcess | undefined;
  let healthPort: number;
  let configPath: string;
  let subscribedAt: number;
  let cloudRelay: TcpRelay;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-outage-'));
    // Autosave every second (deployments: cloud/deploy/mosquitto.conf) so the crash below comes
    // after Mosquitto has saved the cloud's session, as it would after the first seconds in production.
    broker = await startMosquitto({ autosaveIntervalS: 1 });
    cloudRelay = await startTcpRelay(broker.port);
    cloud = await startCloud(
      loadCloudConfig({
        PORT: '0',
        DATA_DIR: join(dir, 'cloud'),
        // Through a relay, so the test can keep the cloud away while the agent replays its outbox.
        MQTT_URL: `mqtt://127.0.0.1:${cloudRelay.port}`,
        MQTT_CLIENT_ID: 'cloud-outage-test',
      }),
      quietLogger(),
    );
    subscribedAt = Date.now();
    sim = await startSimulator({ port: 0, waterMeters: METERS });
    healthPort = await freePort();
    configPath = join(dir, 'edge.yaml');
    writeFileSync(
      configPath,
      [
        'gateway: { id: gw-outage }',
        `mqtt: { url: "${broker.url}", batchSize: 50 }`,
        `outbox: { path: "${join(dir, 'edge', 'outbox.db')}" }`,
        `health: { port: ${healthPort} }`,
        `buses: [{ id: sim, type: tcp, host: 127.0.0.1, port: ${sim.port}, timeoutMs: 500 }]`,
        'devices:',
        ...Array.from(
          { length: METERS },
          (_, i) =>
            `  - { id: wm-${String(i + 1).padStart(3, '0')}, bus: sim, unitId: ${i + 1}, profile: linli-wm-100, pollIntervalMs: 200 }`,
        ),
      ].join('\n'),
    );
  }, 60_000);

  afterAll(async () => {
    edge?.kill('SIGKILL');
    await cloud?.stop();
    await sim?.stop();
    await cloudRelay?.close();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'delivers every polled reading exactly once it can: no gap, no duplicate, by sequence number',
    async () => {
      edge = startEdgeProcess(configPath);
      await waitFor(
        async () => (await getReadings(cloud, 'wm-001')).length >= 5,
        20_000,
        'readings before the outage',
      );

      // A crash: Mosquitto restores what it saved last, so the cloud's session must be in that save.
      await broker.waitForSave(subscribedAt);
      await broker.kill();
      const outageStart = Date.now();
      // Mid-outage the agent is killed hard, then started again: the outbox must carry everything over.
      await new Promise((r) => setTimeout(r, OUTAGE_MS / 2));
      const beforeKill = await edgeStatus(healthPort);
      expect(beforeKill?.mqttConnected).toBe(false);
      expect(beforeKill?.outbox.pending).toBeGreaterThan(0);
      edge.kill('SIGKILL');
      await new Promise<void>((resolve) => edge!.once('exit', () => resolve()));
      edge = startEdgeProcess(configPath);
      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - outageStart))));
      // The restarted agent carries the old outbox over and keeps polling into it.
      const duringOutage = await waitFor(
        async () => {
          const s = await edgeStatus(healthPort);
          return s && s.outbox.pending > beforeKill!.outbox.pending ? s : undefined;
        },
        30_000,
        'the restarted agent to add to the carried-over outbox',
      );
      expect(duringOutage.mqttConnected).toBe(false);

      // The broker comes back while the cloud is still away: the agent replays its whole outbox into
      // the session the broker restored for the cloud, and only then does the cloud reconnect.
      cloudRelay.cut();
      await broker.restart();
      await waitFor(
        async () => {
          const s = await edgeStatus(healthPort);
          return s?.mqttConnected && s.outbox.pending === 0 ? s : undefined;
        },
        60_000,
        'the outbox to drain after the broker came back',
      );
      expect(
        ((await cloud.app.inject({ method: 'GET', url: '/health' })).json() as HealthBody).broker.ok,
      ).toBe(false);
      cloudRelay.mend();

      // Stop the agent so no new reading is polled, then compare what it numbered with what arrived.
      edge.kill('SIGTERM');
      await new Promise<void>((resolve) => edge!.once('exit', () => resolve()));
      edge = undefined;
      const db = new Database(join(dir, 'edge', 'outbox.db'), { readonly: true });
      // Chunked outbox (edge/src/outbox.ts): the highest seq ever assigned is in outbox_meta, the
      // readings still pending are counted per chunk.
      const lastSeq = (
        db.prepare("SELECT value AS seq FROM outbox_meta WHERE key = 'last_seq'").get() as { seq: number }
      ).seq;
      const pending = (
        db.prepare('SELECT coalesce(sum(n), 0) AS n FROM outbox_chunks').get() as { n: number }
      ).n;
      db.close();
      expect(pending).toBe(0);

      const seqs: number[] = [];
      await waitFor(
        async () => {
          seqs.length = 0;
          for (let i = 1; i <= METERS; i++) {
            for (const r of await getReadings(cloud, `wm-${String(i).padStart(3, '0')}`, 10_000))
              seqs.push(r.seq);
          }
          return seqs.length >= lastSeq;
        },
        20_000,
        `all ${lastSeq} readings stored`,
      ).catch((err: Error) => {
        const have = new Set(seqs);
        const missing = Array.from({ length: lastSeq }, (_, i) => i + 1).filter((n) => !have.has(n));
        throw new Error(`${err.message}; missing sequence numbers: ${missing.join(',')}`);
      });
      seqs.sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
      console.info(
        `outage ${OUTAGE_MS} ms with a SIGKILL of the agent: ${lastSeq} readings, all delivered, none duplicated`,
      );
    },
    OUTAGE_MS + 150_000,
  );
});
