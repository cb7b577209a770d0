/**
 * npm run bench:ingest — end-to-end ingest into a real InfluxDB: simulated gateways publish
 * telemetry batches at QoS 1 to the cloud's embedded broker, whose PUBACK waits until the batch is
 * written to InfluxDB. Prints JSON: end-to-end points/s at saturation, ack latency p50/p99 at half
 * of that load, and InfluxDB's raw write ceiling measured in the same run (the baseline).
 * Options: --seconds 10 --gateways 4 --batch 500 --inflight 8 --cpu-prof file (the cloud, saturation run only)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { readingLinesUtf8 } from '../cloud/src/adapters/influx-line.js';
import { loadCloudConfig } from '../cloud/src/config.js';
import type { StoredReading } from '../cloud/src/ports/timeseries-store.js';
import { startCloud } from '../cloud/src/server.js';
import { percentile } from '../edge/src/stats.js';
import type { TelemetryBatch } from '../protocols/src/index.js';
import { startInfluxDB } from '../test/helpers/influxdb.js';
import { machine, startChild } from './support/child.js';
import { findPid, loadAverage, machineCpuSeconds, processCpuSeconds } from './support/proc-cpu.js';
import { batchEncoder } from './support/telemetry-batches.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    gateways: { type: 'string', default: '4' },
    batch: { type: 'string', default: '500' },
    /** QoS 1 publishes each gateway keeps unacknowledged (the edge's mqtt.inflight). */
    inflight: { type: 'string', default: '8' },
    /** Writes a CPU profile of the cloud during the saturation run (open it in Chrome DevTools). */
    'cpu-prof': { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const GATEWAYS = Number(args.gateways);
const BATCH = Number(args.batch);
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/**
 * The raw writer's bodies: exactly the lines ingest writes for the bench's gateways (the same
 * batches decoded, then the same line builder: measurement, tag, fields, lengths, precision=ms),
 * 10 batches of 4 gateways interleaved per 5,000-line body, UTF-8 encoded beforehand.
 */
function rawBodies(tsBase: number, count: number): Buffer[] {
  const encoders = Array.from({ length: 4 }, (_, g) => batchEncoder(`gw-bench-${g}`, 500, tsBase));
  const bases = [0, 0, 0, 0];
  return Array.from({ length: count }, () => {
    const readings: StoredReading[] = [];
    for (let j = 0; j < 10; j++) {
      const g = j % 4;
      const batch = JSON.parse(encoders[g]!(bases[g]!, Date.now()).toString()) as TelemetryBatch;
      bases[g]! += 500;
      for (const r of batch.readings) readings.push({ ...r, gatewayId: batch.gatewayId });
    }
    return readingLinesUtf8('readings', readings);
  });
}

/** InfluxDB alone: pre-built 5,000-point bodies POSTed back to back with `parallel` in flight. */
async function rawCeiling(
  url: string,
  db: string,
  bodies: Buffer[],
  parallel: number,
  seconds: number,
): Promise<{ pointsPerSecond: number; points: number }> {
  let points = 0;
  let next = 0;
  // The same HTTP client as ingest's writes: node:http with keep-alive.
  const agent = new http.Agent({ keepAlive: true });
  const post = (body: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${url}/write?db=${db}&precision=ms`,
        { method: 'POST', agent, headers: { 'content-length': body.length } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () =>
            res.statusCode === 204
              ? resolve()
              : reject(new Error(`raw write failed: ${res.statusCode} ${text}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const until = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      await post(bodies[next++ % bodies.length]!);
      points += 5000;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: parallel }, worker));
  const pointsPerSecond = points / ((performance.now() - t0) / 1000);
  agent.destroy();
  return { pointsPerSecond, points };
}

async function runGateways(mqttUrl: string, ratePerSecond: number) {
  const { firstLine } = await startChild('bench/support/gateways.ts', [
    mqttUrl,
    String(GATEWAYS),
    String(BATCH),
    String(SECONDS),
    String(ratePerSecond),
    args.inflight,
  ]);
  return JSON.parse(firstLine) as {
    acked: number;
    readings: number;
    latencies: number[];
    cpuSeconds: number;
  };
}

/** InfluxDB's own counters of /write requests (from /debug/vars). */
async function influxWrites(url: string) {
  const vars = (await (await fetch(`${url}/debug/vars`)).json()) as Record<
    string,
    { name?: string; values?: Record<string, number> }
  >;
  const httpd = Object.values(vars).find((v) => v?.name === 'httpd')?.values ?? {};
  return {
    requests: httpd.writeReq ?? 0,
    points: httpd.pointsWrittenOK ?? 0,
    durationMs: (httpd.writeReqDurationNs ?? 0) / 1e6,
  };
}

/**
 * CPU seconds spent by influxd, this process (the cloud, or the raw writer) and the whole machine
 * between two calls, and the write requests InfluxDB served: where the 2 cores go in each phase.
 */
async function cpuMeter(influxUrl: string, influxPid: number | undefined) {
  const snap = async () => {
    const self = process.cpuUsage();
    return {
      wall: performance.now() / 1000,
      influxd: influxPid ? (processCpuSeconds(influxPid) ?? 0) : 0,
      node: (self.user + self.system) / 1e6,
      machine: machineCpuSeconds(),
      writes: await influxWrites(influxUrl),
    };
  };
  const start = await snap();
  return async (points: number, publishersCpuSeconds = 0) => {
    const end = await snap();
    const wall = end.wall - start.wall;
    const perPoint = (seconds: number) => Math.round((seconds / points) * 1e7) / 10;
    const busy = end.machine.busy - start.machine.busy;
    const influxd = end.influxd - start.influxd;
    const node = end.node - start.node;
    const requests = end.writes.requests - start.writes.requests;
    return {
      seconds: Math.round(wall * 100) / 100,
      cpuUsPerPoint: {
        influxd: perPoint(influxd),
        node: perPoint(node),
        publishers: perPoint(publishersCpuSeconds),
      },
      coresBusy: {
        influxd: Math.round((influxd / wall) * 100) / 100,
        node: Math.round((node / wall) * 100) / 100,
        publishers: Math.round((publishersCpuSeconds / wall) * 100) / 100,
        // Everything else on the machine: the other engineers' benchmarks.
        others: Math.round(((busy - influxd - node - publishersCpuSeconds) / wall) * 100) / 100,
      },
      influxWrites: {
        requests,
        pointsPerRequest: Math.round((end.writes.points - start.writes.points) / Math.max(1, requests)),
        meanMs:
          Math.round(((end.writes.durationMs - start.writes.durationMs) / Math.max(1, requests)) * 10) / 10,
      },
      loadAverage: loadAverage(),
    };
  };
}

const dir = mkdtempSync(join(tmpdir(), 'linli-bench-ingest-'));
log('starting InfluxDB');
const influx = await startInfluxDB();
const influxPid = findPid('influxd', influx.dir);
try {
  await fetch(`${influx.url}/query?q=${encodeURIComponent('CREATE DATABASE bench')}`, { method: 'POST' });
  log('raw InfluxDB ceiling, 1 request in flight');
  // Fresh points for 5 s at up to 100k points/s; beyond that the bodies are written again.
  let bodies = rawBodies(Date.UTC(2026, 0, 1), 100);
  let meter = await cpuMeter(influx.url, influxPid);
  const raw1 = await rawCeiling(influx.url, 'bench', bodies, 1, Math.min(5, SECONDS));
  const raw1Cpu = await meter(raw1.points);
  log('raw InfluxDB ceiling, 4 requests in flight');
  bodies = rawBodies(Date.UTC(2026, 1, 1), 100);
  meter = await cpuMeter(influx.url, influxPid);
  const raw4 = await rawCeiling(influx.url, 'bench', bodies, 4, Math.min(5, SECONDS));
  const raw4Cpu = await meter(raw4.points);
  const ceiling = Math.max(raw1.pointsPerSecond, raw4.pointsPerSecond);

  const cloud = await startCloud(
    // Anonymous gateways: authentication costs once per connection; this measures per message.
    loadCloudConfig({
      PORT: '0',
      MQTT_PORT: '0',
      MQTT_ALLOW_ANONYMOUS: 'true',
      DATA_DIR: join(dir, 'cloud'),
      INFLUX_URL: influx.url,
      INFLUX_DB: 'linli',
    }),
    // Logs go to stderr: stdout carries only the JSON result.
    pino({ level: 'warn' }, pino.destination(2)),
  );
  try {
    log(`end to end at saturation: ${GATEWAYS} gateways, ${BATCH}-reading batches, ${SECONDS} s`);
    const profiler = args['cpu-prof'] ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const t0 = performance.now();
    meter = await cpuMeter(influx.url, influxPid);
    const sat = await runGateways(cloud.mqttUrl, 0);
    const ackedSeconds = (performance.now() - t0) / 1000;
    const metric = async (name: string) =>
      Number(
        new RegExp(`^${name} (\\d+)`, 'm').exec(
          (await cloud.app.inject({ method: 'GET', url: '/metrics' })).body,
        )?.[1] ?? 0,
      );
    // Points count as ingested only once they are in InfluxDB: wait for the local spool to drain.
    const spooledAtAckEnd = await metric('linli_ingest_spooled_readings');
    while ((await metric('linli_ingest_spooled_readings')) > 0) await new Promise((r) => setTimeout(r, 50));
    const satSeconds = (performance.now() - t0) / 1000;
    const satCpu = await meter(sat.readings, sat.cpuSeconds);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(args['cpu-prof']!, JSON.stringify(profile));
      profiler.disconnect();
    }
    const e2e = sat.readings / satSeconds;
    const spooled = await metric('linli_ingest_spooled_readings');
    const storeErrors = await metric('linli_ingest_store_errors_total');
    const countRes = await fetch(
      `${influx.url}/query?db=linli&q=${encodeURIComponent('SELECT count("_seq") FROM "readings"')}`,
    );
    const stored = (
      (await countRes.json()) as { results: Array<{ series?: Array<{ values: Array<[string, number]> }> }> }
    ).results[0]?.series?.[0]?.values[0]?.[1];

    // Wait for the half-load run's points too before measuring the next figure.
    const halfRate = e2e / 2 / BATCH;
    log(`half load: ${Math.round(e2e / 2)} points/s (${halfRate.toFixed(1)} batches/s)`);
    meter = await cpuMeter(influx.url, influxPid);
    const half = await runGateways(cloud.mqttUrl, halfRate);
    const halfCpu = await meter(half.readings, half.cpuSeconds);
    const result = {
      bench: 'ingest',
      machine: await machine(),
      setup: {
        gateways: GATEWAYS,
        batchReadings: BATCH,
        seconds: SECONDS,
        broker: 'embedded aedes, PUBACK after the InfluxDB write',
        store: 'InfluxDB 1.6.7 (v1 HTTP API)',
      },
      endToEndPointsPerSecond: Math.round(e2e),
      halfLoad: {
        pointsPerSecond: Math.round(half.readings / SECONDS),
        ackLatencyMs: {
          p50: Math.round(percentile(half.latencies, 50) * 10) / 10,
          p99: Math.round(percentile(half.latencies, 99) * 10) / 10,
        },
      },
      baseline: {
        rawInfluxPointsPerSecond1InFlight: Math.round(raw1.pointsPerSecond),
        rawInfluxPointsPerSecond4InFlight: Math.round(raw4.pointsPerSecond),
      },
      ratioToRawCeiling: Math.round((e2e / ceiling) * 100) / 100,
      integrity: {
        readingsAcked: sat.readings,
        readingsInInflux: stored,
        spooledAtEnd: spooled,
        storeErrors,
      },
      ackedPointsPerSecond: Math.round(sat.readings / ackedSeconds),
      spooledWhenPublishersStopped: spooledAtAckEnd,
      // node = the raw writer in the raw phases, the cloud in the others.
      cpu: { raw1InFlight: raw1Cpu, raw4InFlight: raw4Cpu, saturation: satCpu, halfLoad: halfCpu },
      goal: { ratioToRawCeiling: 0.5 },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await cloud.stop();
  }
} finally {
  await influx.stop();
  rmSync(dir, { recursive: true, force: true });
}
