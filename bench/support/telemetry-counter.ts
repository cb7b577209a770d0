/**
 * Bench helper process (bench:edge): subscribes to a gateway's telemetry on the broker given and
 * counts the readings that really got there: distinct sequence numbers, and all of them (resends
 * included). Prints "ready" once subscribed; a line `counts` on stdin makes it print the counts
 * as one JSON line. In its own process, so the agent's CPU figure does not include it.
 */
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { topics } from '../../protocols/src/index.js';

const [url, gatewayId] = process.argv.slice(2) as [string, string];
const seqs = new Set<number>();
let readings = 0;
let batches = 0;
const client = await mqtt.connectAsync(url, { clientId: `bench-counter-${process.pid}` });
client.on('message', (_topic, payload) => {
  const batch = JSON.parse(payload.toString()) as { readings: Array<{ seq: number }> };
  batches++;
  for (const r of batch.readings) {
    readings++;
    seqs.add(r.seq);
  }
});
await client.subscribeAsync(topics.telemetry(gatewayId), { qos: 1 });
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'counts')
    process.stdout.write(`${JSON.stringify({ batches, readings, distinct: seqs.size })}\n`);
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => process.exit(0));
