/**
 * npm run bench:outbox — CPU per reading of the storage half alone (edge/src/outbox.ts), in
 * process: appends shaped like bench:edge's (batches of 143 water-meter readings, each with its
 * counter state, as AppendBatcher hands them over) and acks in publisher-sized ranges (500), as
 * PUBACKs would. Prints JSON. Options: --readings 200000 --batch 143 --ack 500
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type AppendItem, type CounterRow, Outbox } from '../edge/src/outbox.js';

const { values: args } = parseArgs({
  options: {
    readings: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '143' },
    ack: { type: 'string', default: '500' },
  },
});
const TOTAL = Number(args.readings);
const BATCH = Number(args.batch);
const ACK = Number(args.ack);

const dir = mkdtempSync(join(tmpdir(), 'linli-bench-outbox-'));
try {
  const box = new Outbox(join(dir, 'outbox.db'));
  let device = 0;
  let acked = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let n = 0; n < TOTAL; n += BATCH) {
    const readings: AppendItem[] = [];
    const counters: CounterRow[] = [];
    for (let i = 0; i < BATCH; i++) {
      const id = `wm-${device++ % 1000}`;
      readings.push({
        device: id,
        ts: Date.now(),
        quality: 'good',
        values: { total_litres: 123_456 + n, flow_lpm: 1.5, battery_pct: 87, leak: false, temp_c: 21.5 },
      });
      counters.push({ device: id, field: 'total_litres', last: 123_456 + n, offset: 0 });
    }
    box.append(readings, Date.now(), counters);
    const last = box.lastSeq();
    while (last - acked >= ACK) {
      box.ack(acked + 1, acked + ACK);
      acked += ACK;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const elapsedMs = performance.now() - t0;
  box.close();
  process.stdout.write(
    `${JSON.stringify({
      bench: 'outbox',
      readings: TOTAL,
      batch: BATCH,
      ackRange: ACK,
      cpuPerReadingUs: Math.round(((cpu.user + cpu.system) / TOTAL) * 100) / 100,
      wallMs: Math.round(elapsedMs),
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
