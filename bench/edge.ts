/**
 * npm run bench:edge — the edge agent polling 1,000 simulated devices over Modbus TCP.
 * Prints JSON: CPU microseconds per reading (the agent's process only: polling, decoding, outbox,
 * MQTT) once the agent has run a minute (what a gateway pays for months), and the same for a
 * start-up window 3 s after start; polls/s, and poll-start lateness percentiles as a share of the
 * interval; with the cost of a bare modbus-serial read loop measured in the same run as the baseline. `delivery` checks that
 * every reading the outbox took reached the broker (counted by a subscriber in another process)
 * or is still in the outbox; the exit code is 1 if not.
 * Options: --devices 1000 --interval 1000 --seconds 20 --warmup 3 --steady-after 60 --steady-seconds 60
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import ModbusSerial from 'modbus-serial';
import { pino } from 'pino';
import { startAgent } from '../edge/src/agent.js';
import { Outbox } from '../edge/src/outbox.js';
import { percentile } from '../edge/src/stats.js';
import { machine, root, startChild } from './support/child.js';
import {
  METERS_PER_ENDPOINT,
  meterFleetConfig,
  meterFleetOptions,
  profileWindow,
} from './support/meter-fleet.js';
import { threadCpuSeconds } from './support/proc-cpu.js';

const { values: args } = parseArgs({
  options: {
    ...meterFleetOptions,
    /** How long routine readings wait to be appended (and published) together, ms; default the agent's. */
    linger: { type: 'string' },
    /** Seconds after the agent's start when a second window measures steady state (0: none). */
    'steady-after': { type: 'string', default: '60' },
    /**
     * Length of the steady-state window, s: long against the full GC that comes about once a
     * minute with the unit's flags, so the window neither always nor never holds one.
     */
    'steady-seconds': { type: 'string', default: '60' },
  },
});
const DEVICES = Number(args.devices);
const INTERVAL = Number(args.interval);
const SECONDS = Number(args.seconds);
const endpoints = Math.ceil(DEVICES / METERS_PER_ENDPOINT);
const log = (msg: string) => process.stderr.write(`${msg}\n`);

/**
 * The agent runs inside this process, so it should run with the node flags the gateway's systemd
 * unit gives it (`npm run bench:edge` does); the JSON says which were used, and a mismatch is logged.
 */
function nodeFlags() {
  const unit = readFileSync(join(root, 'edge/deploy/linli-edge.service'), 'utf8');
  const exec = /^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(unit);
  const wanted = (exec?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  // V8/node flags only: not the module loader (--import tsx) that runs the TypeScript.
  const used = process.execArgv.filter((a) => a.startsWith('--') && !/^--(import|require)\b/.test(a));
  const same = wanted.every((f) => used.includes(f));
  if (!same)
    log(
      `note: the systemd unit runs node with ${wanted.join(' ')}; this run has ${used.join(' ') || 'none'}`,
    );
  return { unit: wanted, bench: used, same };
}

const ModbusRTU = ModbusSerial as unknown as typeof ModbusSerial.default;

interface BrokerCounts {
  batches: number;
  readings: number;
  distinct: number;
}

/**
 * A subscriber in its own process counting the readings that reach the broker
 * (bench/support/telemetry-counter.ts); counts() asks it for them.
 */
async function startCounter(url: string, gatewayId: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/support/telemetry-counter.ts', url, gatewayId],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  if ((await next()) !== 'ready') throw new Error('telemetry counter did not start');
  return {
    child,
    counts: async (): Promise<BrokerCounts> => {
      const line = next();
      child.stdin!.write('counts\n');
      return JSON.parse(await line) as BrokerCounts;
    },
  };
}

/** Baseline: CPU per Modbus read request of modbus-serial alone, sequential, on the same sim. */
async function baselineCpuPerRequest(port: number, requests: number): Promise<number> {
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setTimeout(1000);
  for (let i = 0; i < 200; i++) await client.readHoldingRegisters(0, 5); // warm up
  const cpu = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    client.setID((i % METERS_PER_ENDPOINT) + 1);
    await client.readHoldingRegisters(0, 5);
  }
  const used = process.cpuUsage(cpu);
  await new Promise<void>((r) => client.close(() => r()));
  return (used.user + used.system) / requests;
}

const okReadings = (pollers: ReadonlyArray<{ counters: { ok: number } }>) =>
  pollers.reduce((n, p) => n + p.counters.ok, 0);

/**
 * CPU of this process while the agent polls for `seconds`: all threads (process.cpuUsage), the
 * event loop alone and V8's/libuv's helper threads (/proc), and the readings taken meanwhile.
 */
async function cpuWindow(seconds: number, pollers: ReadonlyArray<{ counters: { ok: number } }>) {
  const readings0 = okReadings(pollers);
  const threads0 = threadCpuSeconds();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let last = process.cpuUsage();
  for (let s = 0; s < seconds; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    const used = process.cpuUsage(last);
    last = process.cpuUsage();
    log(`  ${s + 1}/${seconds} s: ${Math.round((used.user + used.system) / 1000)} ms CPU`);
  }
  const cpu = process.cpuUsage(cpu0);
  const threads1 = threadCpuSeconds();
  return {
    cpu,
    threads: { main: threads1.main - threads0.main, others: threads1.others - threads0.others },
    readings: okReadings(pollers) - readings0,
    elapsedS: (performance.now() - t0) / 1000,
  };
}

/** µs per reading, one decimal. */
const perReading = (us: number, readings: number) => Math.round((us / readings) * 10) / 10;

/** A window's CPU per reading: all threads, user/system, and by thread (/proc: 10 ms ticks, ±0.5 µs at 20 s x 1,000 readings/s). */
function cpuFigures(w: Awaited<ReturnType<typeof cpuWindow>>) {
  return {
    cpuPerReadingUs: perReading(w.cpu.user + w.cpu.system, w.readings),
    user: perReading(w.cpu.user, w.readings),
    system: perReading(w.cpu.system, w.readings),
    eventLoop: perReading(w.threads.main * 1e6, w.readings),
    v8AndLibuvHelpers: perReading(w.threads.others * 1e6, w.readings),
  };
}

/** Poll-start lateness percentiles, % of the interval, one decimal. */
function jitter(lateness: readonly number[]) {
  const pct = (ms: number) => Math.round((ms / INTERVAL) * 1000) / 10;
  return {
    p50: pct(percentile(lateness, 50)),
    p99: pct(percentile(lateness, 99)),
    max: pct(Math.max(...lateness)),
  };
}

type Jitter = ReturnType<typeof jitter>;
const worstJitter = (a: Jitter, b: Jitter): Jitter => ({
  p50: Math.max(a.p50, b.p50),
  p99: Math.max(a.p99, b.p99),
  max: Math.max(a.max, b.max),
});

const dir = mkdtempSync(join(tmpdir(), 'linli-bench-edge-'));
log(`starting ${endpoints} simulated endpoints x ${METERS_PER_ENDPOINT} water meters`);
const sims = await startChild('bench/support/sims.ts', [String(endpoints), String(METERS_PER_ENDPOINT)]);
const ports = (JSON.parse(sims.firstLine) as { ports: number[] }).ports;
const brokerPort = 20_000 + Math.floor(Math.random() * 20_000);
const broker = await startChild('bench/support/broker.ts', [String(brokerPort)]);
const counter = await startCounter(`mqtt://127.0.0.1:${brokerPort}`, 'gw-bench');

try {
  log('baseline: bare modbus-serial read loop');
  const baselineUs = await baselineCpuPerRequest(ports[0]!, 5000);
  const config = meterFleetConfig(
    { ports, devices: DEVICES, intervalMs: INTERVAL, inflight: Number(args.inflight) },
    {
      mqtt: { url: `mqtt://127.0.0.1:${brokerPort}`, batchSize: 500, inflight: 8 },
      outbox: { path: join(dir, 'outbox.db') },
    },
  );
  const agentStarted = performance.now();
  const agent = await startAgent(config, pino({ level: 'warn' }, pino.destination(2)), {
    pollGridMs: args.grid ? Number(args.grid) : undefined,
    appendLingerMs: args.linger ? Number(args.linger) : undefined,
  });
  log(`agent polling ${DEVICES} devices every ${INTERVAL} ms; warming up`);
  await new Promise((r) => setTimeout(r, Number(args.warmup) * 1000));
  const io = () => ({
    modbusRequests: agent.buses.reduce((n, b) => n + (b.tcpStats?.requests ?? 0), 0),
    modbusWrites: agent.buses.reduce((n, b) => n + (b.tcpStats?.writes ?? 0), 0),
    outboxCommits: agent.outbox.commits,
    mqttBatches: agent.publisher.stats.batchesPublished,
  });
  const io0 = io();
  const polls0 = agent.pollers.reduce((n, p) => n + p.counters.polls, 0);
  for (const p of agent.pollers) p.counters.lateness.length = 0;
  const stopProfile = await profileWindow(args['cpu-prof'], Number(args['cpu-prof-interval']));
  const window = await cpuWindow(SECONDS, agent.pollers);
  await stopProfile();
  const { readings, elapsedS } = window;
  const polls = agent.pollers.reduce((n, p) => n + p.counters.polls, 0) - polls0;
  const failures = agent.pollers.reduce(
    (n, p) => n + p.counters.timeouts + p.counters.exceptions + p.counters.connectionErrors,
    0,
  );
  const startup = {
    afterSeconds: Number(args.warmup),
    ...cpuFigures(window),
    jitterPctOfInterval: jitter(agent.pollers.flatMap((p) => p.counters.lateness)),
  };
  const io1 = io();
  const perSecond = (k: keyof typeof io0) => Math.round((io1[k] - io0[k]) / elapsedS);
  // The same again once the agent has run for --steady-after seconds: V8 is still compiling the
  // poll path and collecting start-up garbage in the first half minute (README, bench:edge).
  const steadyAfter = Number(args['steady-after']);
  let steadyState:
    | (ReturnType<typeof cpuFigures> & {
        afterSeconds: number;
        seconds: number;
        jitterPctOfInterval: Jitter;
      })
    | undefined;
  if (steadyAfter > 0) {
    const wait = agentStarted + steadyAfter * 1000 - performance.now();
    const steadySeconds = Number(args['steady-seconds']);
    log(
      `steady state: waiting ${Math.max(0, Math.round(wait / 1000))} s more, then ${steadySeconds} s measured`,
    );
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (const p of agent.pollers) p.counters.lateness.length = 0;
    const w = await cpuWindow(steadySeconds, agent.pollers);
    steadyState = {
      afterSeconds: steadyAfter,
      seconds: Math.round(w.elapsedS * 10) / 10,
      ...cpuFigures(w),
      jitterPctOfInterval: jitter(agent.pollers.flatMap((p) => p.counters.lateness)),
    };
  }
  const published = agent.publisher.stats.readingsPublished;
  const rssMb = Math.round(process.memoryUsage().rss / 1e6);
  const pending = agent.outbox.depth();
  await agent.stop();
  // Every reading appended must be at the broker or still in the outbox: read the outbox file
  // again after the agent stopped, and wait (a little) for the broker's copies to be counted.
  const box = new Outbox(config.outbox.path);
  const appended = box.lastSeq(); // a fresh outbox: readings 1..appended, none dropped
  const leftInOutbox = box.depth();
  box.close();
  let atBroker = await counter.counts();
  for (let i = 0; i < 50 && atBroker.distinct + leftInOutbox < appended; i++) {
    await new Promise((r) => setTimeout(r, 100));
    atBroker = await counter.counts();
  }
  const delivery = {
    appended,
    atBroker: atBroker.distinct,
    resentCopies: atBroker.readings - atBroker.distinct,
    leftInOutbox,
    ok: atBroker.distinct + leftInOutbox === appended && agent.publisher.stats.readingsPublished <= appended,
  };
  if (!delivery.ok) {
    log(`delivery check FAILED: ${JSON.stringify(delivery)}`);
    process.exitCode = 1;
  }
  const requestsPerReading = 3; // the water meter's read plan: holding 0-4, input 0, discrete 0
  // What the goals are about: the steady state (the start-up window's when --steady-after 0);
  // jitter is the worse of the two windows.
  const cpuPerReadingUs = (steadyState ?? startup).cpuPerReadingUs;
  const jitterPctOfInterval = steadyState
    ? worstJitter(startup.jitterPctOfInterval, steadyState.jitterPctOfInterval)
    : startup.jitterPctOfInterval;
  const goals = { cpuPerReadingUs: 20, jitterP99Pct: 10 };
  const result = {
    bench: 'edge',
    machine: await machine(),
    nodeFlags: nodeFlags(),
    devices: DEVICES,
    intervalMs: INTERVAL,
    maxConcurrentPerEndpoint: Number(args.inflight),
    seconds: Math.round(elapsedS * 10) / 10,
    pollsPerSecond: Math.round(polls / elapsedS),
    readingsPerSecond: Math.round(readings / elapsedS),
    failures,
    cpuPerReadingUs,
    jitterPctOfInterval,
    steadyState,
    startup,
    perSecond: {
      modbusRequests: perSecond('modbusRequests'),
      modbusSocketWrites: perSecond('modbusWrites'),
      outboxCommits: perSecond('outboxCommits'),
      mqttBatches: perSecond('mqttBatches'),
    },
    rssMb,
    published,
    outboxPendingAtEnd: pending,
    delivery,
    baseline: {
      what: 'bare modbus-serial client, sequential holding-register reads on the same simulator',
      cpuPerRequestUs: Math.round(baselineUs * 10) / 10,
      cpuPerReadingUs: Math.round(baselineUs * requestsPerReading * 10) / 10,
    },
    ratioToBaseline: Math.round((cpuPerReadingUs / (baselineUs * requestsPerReading)) * 100) / 100,
    goals,
    goalsMet: {
      cpuPerReadingUs: cpuPerReadingUs <= goals.cpuPerReadingUs,
      jitterP99Pct: jitterPctOfInterval.p99 < goals.jitterP99Pct,
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  sims.child.kill('SIGTERM');
  counter.child.kill('SIGTERM');
  broker.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
