import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { loadProfiles } from '../../protocols/src/index.js';
import { BUILTIN_PROFILES_DIR } from '../../protocols/src/profiles/loader.js';
import { startAgent } from './agent.js';
import { describeBus, ModbusBus, ModbusRequestError } from './bus/modbus-bus.js';
import { type BusConfig, loadEdgeConfig } from './config.js';
import { credentialsParser, saveCredentials } from './credentials.js';
import { acceptLanguageFromEnv } from './locale.js';
import { pollDevice } from './poller.js';
import { planReads } from './read-plan.js';
import { scanBus } from './scan.js';

const DEFAULT_CONFIG = process.env.LINLI_EDGE_CONFIG ?? '/etc/linli/edge.yaml';

const int = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
  return n;
};

/** Prints one clear line and exits non-zero: installers read this on a console, not a log. */
function fail(message: string, code = 1): never {
  process.stderr.write(`linli-edge: ${message}\n`);
  process.exit(code);
}

function explainModbus(err: unknown, where: string, unitId: number): string {
  if (err instanceof ModbusRequestError && err.kind === 'timeout')
    return `no response from unit ${unitId} on ${where}: check the unit id, baud rate, parity, and the A/B wiring (swapped A/B is the most common fault)`;
  return `${where}, unit ${unitId}: ${(err as Error).message}`;
}

const program = new Command('linli-edge').description('Linli edge gateway agent and installer tools');

program
  .command('run', { isDefault: true })
  .description('run the agent: poll devices, buffer readings on disk, publish to MQTT')
  .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
  .action(async (opts: { config: string }) => {
    const logger = pino({ name: 'linli-edge', level: process.env.LOG_LEVEL ?? 'info' });
    let config: ReturnType<typeof loadEdgeConfig>;
    try {
      config = loadEdgeConfig(opts.config);
    } catch (err) {
      fail((err as Error).message, 2);
    }
    const agent = await startAgent(config, logger, { reloadLocal: () => loadEdgeConfig(opts.config) }).catch(
      (err: Error) => fail(err.message, 2),
    );
    const shutdown = async () => {
      await agent.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown());
    process.once('SIGTERM', () => void shutdown());
  });

program
  .command('provision')
  .description('exchange a one-time code from the cloud for this gateway id and MQTT credentials')
  .requiredOption('--cloud <url>', 'cloud base URL, e.g. https://linli.example.org')
  .requiredOption('--code <code>', 'one-time provisioning code shown to the installer')
  .option('-o, --out <file>', 'where to store the credentials (mode 0600)', '/etc/linli/credentials.json')
  .action(async (opts: { cloud: string; code: string; out: string }) => {
    let res: Response;
    try {
      res = await fetch(new URL('/api/provision', opts.cloud), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': acceptLanguageFromEnv() },
        body: JSON.stringify({ code: opts.code }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      fail(`cannot reach ${opts.cloud}: ${(err as Error).message} (check the URL and the gateway's network)`);
    }
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    if (!res.ok)
      fail(
        `provisioning refused (${res.status}): ${body.message ?? 'no reason given'} — ask for a new code if it expired or was used`,
      );
    const creds = credentialsParser.parse(body);
    try {
      saveCredentials(opts.out, creds);
    } catch (err) {
      fail(`cannot write ${opts.out}: ${(err as Error).message} (run as root, or pass --out <file>)`);
    }
    process.stdout.write(
      `provisioned gateway ${creds.gatewayId}; credentials saved to ${opts.out} (0600)\n` +
        `next: set mqtt.credentialsFile: ${opts.out} in the edge config, then: linli-edge run --config <file>\n`,
    );
  });

program
  .command('scan')
  .description('sweep unit ids on a serial port (or Modbus TCP endpoint) and list responding devices')
  .option('--port <path>', 'serial port, e.g. /dev/ttyUSB0')
  .option('--tcp <host:port>', 'Modbus TCP endpoint instead of a serial port')
  .option('--baud <rates>', 'baud rate(s) to try, comma separated', '9600')
  .option('--parity <parity>', 'none | even | odd', 'none')
  .option('--from <unit>', 'first unit id', int(1, 247), 1)
  .option('--to <unit>', 'last unit id', int(1, 247), 32)
  .option('--timeout <ms>', 'per request', int(20, 10_000), 200)
  .action(
    async (opts: {
      port?: string;
      tcp?: string;
      baud: string;
      parity: 'none' | 'even' | 'odd';
      from: number;
      to: number;
      timeout: number;
    }) => {
      if (!opts.port === !opts.tcp) fail('give exactly one of --port <serial path> or --tcp <host:port>', 2);
      const profiles = loadProfiles([BUILTIN_PROFILES_DIR]);
      const buses: BusConfig[] = opts.tcp
        ? [
            {
              id: 'scan',
              type: 'tcp',
              host: opts.tcp.split(':')[0]!,
              port: Number(opts.tcp.split(':')[1] ?? 502),
            },
          ]
        : opts.baud.split(',').map((b) => ({
            id: 'scan',
            type: 'rtu' as const,
            path: opts.port!,
            baudRate: Number(b),
            parity: opts.parity,
          }));
      let total = 0;
      for (const config of buses) {
        const bus = new ModbusBus(config);
        process.stderr.write(`scanning ${describeBus(config)}, units ${opts.from}-${opts.to}\n`);
        try {
          const hits = await scanBus(bus, profiles.values(), {
            fromUnit: opts.from,
            toUnit: opts.to,
            timeoutMs: opts.timeout,
            onProgress: (unit) => process.stderr.write(`\r  unit ${unit}/${opts.to}`),
          });
          process.stderr.write('\n');
          for (const h of hits)
            process.stdout.write(
              `${describeBus(config)}  unit ${h.unitId}  ${h.likelyProfiles.join(', ') || '(answers, no matching profile)'}\n`,
            );
          total += hits.length;
        } catch (err) {
          fail((err as Error).message);
        } finally {
          await bus.close();
        }
      }
      if (total === 0) fail('no device answered: check wiring (A/B), termination, baud rate and parity', 3);
    },
  );

program
  .command('read')
  .description("show a configured device's decoded values live (wiring test)")
  .requiredOption('-d, --device <id>', 'device id from the config')
  .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
  .option('-n, --count <n>', 'how many reads (0 = until Ctrl-C)', int(0, 1_000_000), 0)
  .option('-i, --interval <ms>', 'between reads', int(100, 3_600_000), 1000)
  .action(async (opts: { device: string; config: string; count: number; interval: number }) => {
    let config: ReturnType<typeof loadEdgeConfig>;
    try {
      config = loadEdgeConfig(opts.config);
    } catch (err) {
      fail((err as Error).message, 2);
    }
    const device = config.devices.find((d) => d.id === opts.device);
    if (!device)
      fail(
        `no device "${opts.device}" in ${opts.config}; devices: ${config.devices.map((d) => d.id).join(', ')}`,
        2,
      );
    const profile = loadProfiles([BUILTIN_PROFILES_DIR, ...(config.profileDirs ?? [])]).get(device.profile);
    if (!profile) fail(`unknown profile "${device.profile}"`, 2);
    const busConfig = config.buses.find((b) => b.id === device.bus)!;
    const bus = new ModbusBus(busConfig);
    const blocks = planReads(profile);
    let stop = false;
    process.once('SIGINT', () => {
      stop = true;
    });
    for (let i = 0; !stop && (opts.count === 0 || i < opts.count); i++) {
      try {
        const values = await pollDevice(bus, device.unitId, blocks, { timeoutMs: device.timeoutMs });
        const shown = profile.registers
          .map((r) => `${r.name}=${values[r.name]}${r.unit ? ` ${r.unit}` : ''}`)
          .join('  ');
        process.stdout.write(`${new Date().toISOString()}  ${device.id}  ${shown}\n`);
      } catch (err) {
        process.stdout.write(
          `${new Date().toISOString()}  ${device.id}  ERROR ${explainModbus(err, describeBus(busConfig), device.unitId)}\n`,
        );
        if (opts.count === 1) {
          await bus.close();
          fail(explainModbus(err, describeBus(busConfig), device.unitId), 3);
        }
      }
      if (!stop && (opts.count === 0 || i + 1 < opts.count))
        await new Promise((r) => setTimeout(r, opts.interval));
    }
    await bus.close();
  });

program
  .command('status')
  .description("show the running agent's health (from its local health endpoint)")
  .option('-c, --config <file>', 'YAML config file (for the health port)', DEFAULT_CONFIG)
  .option('--url <url>', 'health endpoint, overrides the config')
  .action(async (opts: { config: string; url?: string }) => {
    let url = opts.url;
    if (!url) {
      const config = (() => {
        try {
          return loadEdgeConfig(opts.config);
        } catch (err) {
          fail((err as Error).message, 2);
        }
      })();
      if (!config.health)
        fail(`no health endpoint configured in ${opts.config} (add: health: { port: 9180 })`, 2);
      url = `http://${config.health.host ?? '127.0.0.1'}:${config.health.port}`;
    }
    let res: Response;
    try {
      res = await fetch(new URL('/status', url), { signal: AbortSignal.timeout(5000) });
    } catch {
      fail(
        `the agent is not running (nothing answers at ${url}); start it with: linli-edge run, or systemctl start linli-edge`,
        3,
      );
    }
    const s = (await res.json()) as {
      gatewayId: string;
      uptimeS: number;
      mqttConnected: boolean;
      configVersion?: string;
      outbox: { pending: number; droppedRoutine?: number; droppedEvents?: number; hoursLeft?: number | null };
      deviceDetails: Array<{
        id: string;
        breaker: string;
        ok: number;
        timeouts: number;
        exceptions: number;
        latenessP99Ms: number;
      }>;
    };
    const lines = [
      `gateway ${s.gatewayId}  up ${s.uptimeS}s  broker ${s.mqttConnected ? 'connected' : 'DISCONNECTED'}  config ${s.configVersion ?? 'local file'}`,
      `outbox: ${s.outbox.pending} pending, dropped ${s.outbox.droppedRoutine ?? 0} routine / ${s.outbox.droppedEvents ?? 0} events, ${s.outbox.hoursLeft ?? '?'} h of buffer left`,
      ...s.deviceDetails.map(
        (d) =>
          `  ${d.id.padEnd(16)} ${d.breaker === 'closed' ? 'ok     ' : 'FAILING'} ok=${d.ok} timeouts=${d.timeouts} exceptions=${d.exceptions} late p99=${d.latenessP99Ms}ms`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!res.ok) process.exitCode = 1;
  });

await program.parseAsync();
