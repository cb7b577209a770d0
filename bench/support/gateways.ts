/**
 * Bench helper process: simulated gateways publishing telemetry batches at QoS 1 to a broker.
 * argv: url gateways batchSize seconds ratePerSecond(0 = as fast as acks allow) inflightPerGateway
 * Prints one JSON line: {published, acked, readings, ackLatencyMs: [...sample]} when done.
 */
import mqtt from 'mqtt';
import { type TelemetryBatch, topics } from '../../protocols/src/index.js';

const [url, gwArg, batchArg, secondsArg, rateArg, inflightArg] = process.argv.slice(2);
const GATEWAYS = Number(gwArg ?? 4);
const BATCH = Number(batchArg ?? 500);
const SECONDS = Number(secondsArg ?? 10);
const RATE = Number(rateArg ?? 0); // batches per second over all gateways
const INFLIGHT = Number(inflightArg ?? 8);
// CPU from here on: publishing only, not loading the modules.
const cpuAtStart = process.cpuUsage();
const latencies: number[] = [];
let acked = 0;
let readings = 0;
const runTag = Date.now();

async function gateway(g: number): Promise<void> {
  const id = `gw-bench-${g}`;
  const client = await mqtt.connectAsync(url!, { clientId: `bench-${id}-${runTag}` });
  // Nagle would hold small PUBLISH frames back (ARCHITECTURE.md §7).
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const topic = topics.telemetry(id);
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
    const batch: TelemetryBatch = {
      v: 1,
      gatewayId: id,
      seq: base + 1,
      sentAt: Date.now(),
      readings: Array.from({ length: BATCH }, (_, i) => ({
        seq: base + i + 1,
        device: `${id}-d${i % 100}`,
        ts: runTag + base + i, // unique per reading: a distinct point in the store
        quality: 'good' as const,
        values: { total_litres: base + i, flow_lpm: (i % 17) * 0.5, battery_pct: 90, leak: false },
      })),
    };
    seq += BATCH;
    const started = performance.now();
    const p = client.publishAsync(topic, JSON.stringify(batch), { qos: 1 }).then(() => {
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

await Promise.all(Array.from({ length: GATEWAYS }, (_, g) => gateway(g)));
const cpu = process.cpuUsage(cpuAtStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ acked, readings, latencies, cpuSeconds })}\n`);
process.exit(0);
