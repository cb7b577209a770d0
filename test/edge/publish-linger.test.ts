import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EdgeConfig } from '../../edge/src/config.js';
import { Outbox, PRIORITY_EVENT } from '../../edge/src/outbox.js';
import { Publisher } from '../../edge/src/publisher.js';
import { topics } from '../../protocols/src/index.js';
import { type MosquittoHandle, startMosquitto } from '../helpers/mosquitto.js';
import { reading } from '../support/outbox-readings.js';
import { quietLogger, waitFor } from '../support/pipeline.js';

interface Received {
  at: number;
  seqs: number[];
}

describe('publish linger (real Mosquitto)', () => {
  let broker: MosquittoHandle;
  let dir: string;
  let sub: MqttClient;
  let received: Received[];
  let box: Outbox | undefined;
  let pub: Publisher | undefined;

  beforeAll(async () => {
    broker = await startMosquitto();
  }, 60_000);
  afterAll(async () => {
    await broker?.stop();
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-linger-'));
    received = [];
    sub = await mqtt.connectAsync(broker.url, { clientId: `linger-sub-${Date.now()}` });
    await sub.subscribeAsync(topics.telemetry('gw-linger'), { qos: 1 });
    sub.on('message', (_t, payload) => {
      const batch = JSON.parse(payload.toString()) as { readings: Array<{ seq: number }> };
      received.push({ at: Date.now(), seqs: batch.readings.map((r) => r.seq) });
    });
  });
  afterEach(async () => {
    await pub?.stop();
    box?.close();
    await sub.endAsync();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(lingerMs: number | undefined, batchSize = 100) {
    const config: EdgeConfig = {
      gateway: { id: 'gw-linger' },
      mqtt: { url: broker.url, batchSize, ...(lingerMs === undefined ? {} : { lingerMs }) },
      outbox: { path: join(dir, 'o.db') },
      buses: [],
      devices: [],
    };
    box = new Outbox(config.outbox.path);
    pub = new Publisher(config, box, quietLogger());
    pub.start();
    await waitFor(async () => pub!.connected, 10_000, 'publisher connected');
    return { box, pub };
  }

  it('holds routine readings up to lingerMs and sends them as one message', async () => {
    const { box, pub } = await start(600);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      box.append([reading('m', i)]);
      pub.kick();
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]); // ~450 ms after the first append: still waiting
    await waitFor(async () => received.length > 0, 3000, 'the lingered message');
    expect(received[0]!.at - t0).toBeGreaterThanOrEqual(550);
    expect(received.flatMap((m) => m.seqs)).toEqual([1, 2, 3, 4, 5]);
    expect(received).toHaveLength(1);
    await waitFor(async () => box.depth() === 0, 3000, 'acked and deleted');
  });

  it('sends an event, and a full message, at once', async () => {
    const { box, pub } = await start(5000, 10);
    box.append([reading('m', 1), reading('door', 2, PRIORITY_EVENT)]);
    pub.kick();
    await waitFor(async () => received.length === 1, 1000, 'the event without linger');
    expect(received[0]!.seqs).toEqual([1, 2]);
    box.append(Array.from({ length: 10 }, (_, i) => reading('m', 10 + i)));
    pub.kick();
    await waitFor(async () => received.length === 2, 1000, 'the full message without linger');
    expect(received[1]!.seqs).toHaveLength(10);
  });

  it('lingerMs 0 publishes every append at once (the old behaviour)', async () => {
    const { box, pub } = await start(0);
    box.append([reading('m', 1)]);
    pub.kick();
    await waitFor(async () => received.length === 1, 1000, 'immediate message');
    box.append([reading('m', 2)]);
    pub.kick();
    await waitFor(async () => received.length === 2, 1000, 'second immediate message');
  });
});
