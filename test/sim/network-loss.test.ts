import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../cloud/src/config.js';
import { provisionLocalGateway } from '../../cloud/src/modules/provisioning/provision-locally.js';
import { type RunningCloud, startCloud } from '../../cloud/src/server.js';
import { type RunningAgent, startAgent } from '../../edge/src/agent.js';
import { ManualClock } from '../../firmware-sim/src/clock.js';
import { followNetworkLoss, networkLostAt } from '../../firmware-sim/src/network/network-loss.js';
import { startUplink, type Uplink } from '../../firmware-sim/src/network/uplink.js';
import { type RunningSimulator, startSimulator } from '../../firmware-sim/src/simulator.js';
import { getReadings, quietLogger, waitFor } from '../support/pipeline.js';

describe('gateway_network_loss cuts the gateway uplink; the edge buffers and catches up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linli-netloss-'));
  let cloud: RunningCloud | undefined;
  let sim: RunningSimulator | undefined;
  let uplink: Uplink | undefined;
  let edge: RunningAgent | undefined;
  let follower: { stop(): void } | undefined;

  afterAll(async () => {
    follower?.stop();
    await edge?.stop();
    await uplink?.stop();
    await sim?.stop();
    await cloud?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows when a gateway is cut off', () => {
    const incidents = [
      { id: 'n', kind: 'gateway_network_loss' as const, gateway: 'gw-1', start: 10, end: 20 },
    ];
    expect(networkLostAt(incidents, 'gw-1', 9)).toBe(false);
    expect(networkLostAt(incidents, 'gw-1', 10)).toBe(true);
    expect(networkLostAt(incidents, 'gw-2', 15)).toBe(false);
    expect(networkLostAt(incidents, 'gw-1', 20)).toBe(false);
  });

  it('no reading reaches the cloud while cut; afterwards every one arrives once, in sequence', async () => {
    cloud = await startCloud(
      loadCloudConfig({ PORT: '0', MQTT_PORT: '0', DATA_DIR: join(dir, 'cloud') }),
      quietLogger(),
    );
    // The simulation clock is moved by hand, so the outage starts and ends when the test says,
    // however slow the machine.
    const t0 = Date.now();
    const clock = new ManualClock(t0);
    const loss = { start: t0 + 600_000, end: t0 + 1_200_000 };
    sim = await startSimulator({
      port: 0,
      clock,
      community: {
        households: 2,
        envSensors: 0,
        bins: 0,
        gateways: 1,
        incidents: [{ id: 'loss-1', kind: 'gateway_network_loss', gateway: 'gw-1', ...loss }],
      },
    });
    const broker = new URL(cloud.mqttUrl);
    uplink = await startUplink({ target: { host: broker.hostname, port: Number(broker.port) } });
    follower = followNetworkLoss({
      incidents: sim.community.incidents,
      gateway: 'gw-1',
      clock: sim.clock,
      uplink,
      checkMs: 50,
    });
    const devices = sim.community.inventory.filter((d) => d.gateway === 'gw-1');
    expect(devices.length).toBeGreaterThan(2);
    edge = await startAgent(
      {
        gateway: { id: 'gw-1' },
        mqtt: {
          url: `mqtt://${uplink.host}:${uplink.port}`,
          ...(await provisionLocalGateway(cloud.registry.module, 'gw-1')),
        },
        outbox: { path: join(dir, 'edge', 'outbox.db') },
        buses: [{ id: 'sim', type: 'tcp', host: sim.host, port: sim.port, timeoutMs: 500 }],
        devices: devices.map((d) => ({
          id: d.id,
          bus: 'sim',
          unitId: d.unitId,
          profile: d.model,
          pollIntervalMs: 300,
        })),
      },
      quietLogger(),
    );
    const stored = async () =>
      (await Promise.all(devices.map((d) => getReadings(cloud!, d.id, 1000)))).flat();

    await waitFor(async () => (await stored()).length > 0, 20_000, 'readings before the outage');
    expect(uplink.isCut).toBe(false);
    clock.set(loss.start);
    await waitFor(() => uplink!.isCut, 5000, 'the scheduled network loss');
    const atCut = (await stored()).length;
    const seqAtCut = edge.outbox.lastSeq();
    await waitFor(
      () => edge!.outbox.lastSeq() - seqAtCut > devices.length * 3,
      20_000,
      'polling to go on during the outage',
    );
    expect(uplink.isCut).toBe(true);
    // Polling went on and buffered; nothing crossed the cut link.
    expect(edge.outbox.depth()).toBeGreaterThan(devices.length * 3);
    expect((await stored()).length).toBe(atCut);
    expect(uplink.stats.resets).toBeGreaterThan(0);

    clock.set(loss.end);
    await waitFor(() => !uplink!.isCut, 5000, 'the link to come back');
    const lastSeq = edge.outbox.lastSeq();
    const seqs = await waitFor(
      async () => {
        const all = (await stored()).map((r) => r.seq).filter((s) => s <= lastSeq);
        return all.length >= lastSeq && all;
      },
      30_000,
      'every buffered reading to arrive',
    );
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
  }, 60_000);
});
