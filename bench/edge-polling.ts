/**
 * tsx bench/edge-polling.ts — the polling half of bench/edge.ts alone: the same 1,000 simulated
 * water meters over Modbus TCP, polled by a PollingSet whose readings go nowhere (no outbox, no
 * MQTT), so the CPU per reading is what Modbus framing, decoding, scheduling and reading creation
 * cost. Prints one JSON object. Options: --devices 1000 --interval 1000 --seconds 20 --warmup 3
 * --cpu-prof FILE (measured window only) --cpu-prof-interval 100 (µs)
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { PollingSet } from '../edge/src/polling.js';
import { loadProfiles } from '../protocols/src/index.js';
import { machine, startChild } from './support/child.js';
import {
  METERS_PER_ENDPOINT,
  meterFleetConfig,
  meterFleetOptions,
  profileWindow,
} from './support/meter-fleet.js';

const { values: args } = parseArgs({ options: meterFleetOptions });
const DEVICES = Number(args.devices);
const sims = await startChild('bench/support/sims.ts', [
  String(Math.ceil(DEVICES / METERS_PER_ENDPOINT)),
  String(METERS_PER_ENDPOINT),
]);
const ports = (JSON.parse(sims.firstLine) as { ports: number[] }).ports;
try {
  const config = meterFleetConfig(
    { ports, devices: DEVICES, intervalMs: Number(args.interval), inflight: Number(args.inflight) },
    { mqtt: { url: 'mqtt://127.0.0.1:1' }, outbox: { path: '/nonexistent' } },
  );
  let sunk = 0;
  const polling = new PollingSet(
    config,
    loadProfiles(),
    () => sunk++,
    pino({ level: 'warn' }, pino.destination(2)),
  );
  polling.start();
  await new Promise((r) => setTimeout(r, Number(args.warmup) * 1000));
  process.stderr.write('measuring\n');
  const stopProfile = await profileWindow(args['cpu-prof'], Number(args['cpu-prof-interval']));
  const ok0 = polling.pollers.reduce((n, p) => n + p.counters.ok, 0);
  const io = () =>
    [...polling.buses.values()].reduce(
      (t, b) => ({ writes: t.writes + (b.tcpStats?.writes ?? 0), reads: t.reads + (b.tcpStats?.reads ?? 0) }),
      { writes: 0, reads: 0 },
    );
  const io0 = io();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, Number(args.seconds) * 1000));
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = (performance.now() - t0) / 1000;
  const readings = polling.pollers.reduce((n, p) => n + p.counters.ok, 0) - ok0;
  const io1 = io();
  await stopProfile();
  await polling.stop();
  const r1 = (x: number) => Math.round(x * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'edge-polling',
      machine: await machine(),
      devices: DEVICES,
      seconds: r1(elapsedS),
      readingsPerSecond: Math.round(readings / elapsedS),
      sunk,
      socketWritesPerSecond: Math.round((io1.writes - io0.writes) / elapsedS),
      socketReadsPerSecond: Math.round((io1.reads - io0.reads) / elapsedS),
      cpuPerReadingUs: r1((cpu.user + cpu.system) / readings),
      cpuSplitPerReadingUs: { user: r1(cpu.user / readings), system: r1(cpu.system / readings) },
    })}\n`,
  );
} finally {
  sims.child.kill('SIGTERM');
}
