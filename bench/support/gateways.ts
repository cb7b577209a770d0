/**
 * Bench helper process: simulated gateways publishing telemetry batches at QoS 1 to a broker.
 * argv: url gateways batchSize seconds ratePerSecond(0 = as fast as acks allow) inflightPerGateway
 * Prints one JSON line: {published, acked, readings, ackLatencyMs: [...sample]} when done.
 */
import mqtt from 'mqtt';
import { topics } from '../../protocols/src/index.js';
import { batchEncoder } from './telemetry-batches.js';

const [url, gwArg, batchArg, secondsArg, rateArg, inflightArg] = process.argv.slice(2);
const GATEWAYS = Number(gwArg ?? 4);
const BATCH = Number(batchArg ?? 500);
const SECONDS = Number(secondsArg ?? 10);
const RATE = Number(rateArg ?? 0); // batches per second over all gateways
const INFLIGHT = Number(inflightArg ?? 8);
const latencies: number[] = [];
let acked = 0;
let readings = 0;
const runTag = Date.now();

async function connect(g: number) {
  const client = await mqtt.connectAsync(url!, { clientId: `bench-gw-bench-${g}-${runTag}` });
  // Nagle would hold small PUBLISH frames back (ARCHITECTURE.md §7).
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  return client;
}

async function gateway(g: number, client: mqtt.MqttClient): Promise<void> {
  const id = `gw-bench-${g}`;
  const topic = topics.telemetry(id);
  const nextBatch = batchEncoder(id, BATCH, runTag);
  let seq = 0;
  const until = Date.now() + SECONDS * 1000;
  const interval = RATE > 0 ? (1000 * GATEWAYS) / RATE : 0;
  let next = Date.now();
  const inflight = new Set<Promise<void>>();
  while (Date.now() < until) {
    if (interval > 0) {
      next += interval;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    while (inflight.size >= INFLIGHT) await Promise.race(inflight);
    const base = seq;
    const payload = nextBatch(base, Date.now());
    seq += BATCH;
    const started = performance.now();
    const p = client.publishAsync(topic, payload, { qos: 1 }).then(() => {
      latencies.push(performance.now() - started);
      acked++;
      readings += BATCH;
      inflight.delete(p);
    });
    inflight.add(p);
  }
  await Promise.all(inflight);
  await client.endAsync();
}

const clients = await Promise.all(Array.from({ length: GATEWAYS }, (_, g) => connect(g)));
// CPU from here on: publishing, not loading modules or connecting (once per gateway session).
const cpuAtStart = process.cpuUsage();
await Promise.all(clients.map((client, g) => gateway(g, client)));
const cpu = process.cpuUsage(cpuAtStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// Exit once the line is out: a pipe may take a long line in several writes.
process.stdout.write(`${JSON.stringify({ acked, readings, latencies, cpuSeconds })}\n`, () =>
  process.exit(0),
);
