import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { loadProfiles } from '../../protocols/src/index.js';
import { BUILTIN_PROFILES_DIR } from '../../protocols/src/profiles/loader.js';
import { startAgent } from './agent.js';
import { describeBus, ModbusBus, ModbusRequestError } from './bus/modbus-bus.js';
import { cliText } from './cli-text.js';
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
    throw new InvalidArgumentError(cliText('wholeNumber', { min, max }));
  return n;
};

/** Prints one clear line and exits non-zero: installers read this on a console, not a log. */
function fail(message: string, code = 1): never {
  process.stderr.write(`linli-edge: ${message}\n`);
  process.exit(code);
}

function explainModbus(err: unknown, where: string, unitId: number): string {
  if (err instanceof ModbusRequestError && err.kind === 'timeout')
    return cliText('noResponse', { unit: unitId, where });
  return cliText('unitError', { where, unit: unitId, message: (err as Error).message });
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
      fail(cliText('cannotReach', { cloud: opts.cloud, message: (err as Error).message }));
    }
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    if (!res.ok) fail(cliText('refused', { status: res.status, message: body.message }));
    const creds = credentialsParser.parse(body);
    try {
      saveCredentials(opts.out, creds);
    } catch (err) {
      fail(cliText('cannotWrite', { file: opts.out, message: (err as Error).message }));
    }
    process.stdout.write(`${cliText('provisioned', { gateway: creds.gatewayId, file: opts.out })}\n`);
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
      if (!opts.port === !opts.tcp) fail(cliText('portOrTcp'), 2);
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
        process.stderr.write(
          `${cliText('scanning', { bus: describeBus(config), from: opts.from, to: opts.to })}\n`,
        );
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
              `${describeBus(config)}  unit ${h.unitId}  ${h.likelyProfiles.join(', ') || cliText('noProfileMatch')}\n`,
            );
          total += hits.length;
        } catch (err) {
          fail((err as Error).message);
        } finally {
          await bus.close();
        }
      }
      if (total === 0) fail(cliText('nothingAnswered'), 3);
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
        cliText('noDevice', {
          device: opts.device,
          file: opts.config,
          devices: config.devices.map((d) => d.id).join(', '),
        }),
        2,
      );
    const profile = loadProfiles([BUILTIN_PROFILES_DIR, ...(config.profileDirs ?? [])]).get(device.profile);
    if (!profile) fail(cliText('unknownProfile', { profile: device.profile }), 2);
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
          `${new Date().toISOString()}  ${device.id}  ${cliText('readError')} ${explainModbus(err, describeBus(busConfig), device.unitId)}\n`,
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
      if (!config.health) fail(cliText('noHealth', { file: opts.config }), 2);
      url = `http://${config.health.host ?? '127.0.0.1'}:${config.health.port}`;
    }
    let res: Response;
    try {
      res = await fetch(new URL('/status', url), { signal: AbortSignal.timeout(5000) });
    } catch {
      fail(cliText('notRunning', { url }), 3);
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
      cliText('statusGateway', {
        gateway: s.gatewayId,
        uptime: s.uptimeS,
        connected: s.mqttConnected,
        config: s.configVersion,
      }),
      cliText('statusOutbox', {
        pending: s.outbox.pending,
        routine: s.outbox.droppedRoutine ?? 0,
        events: s.outbox.droppedEvents ?? 0,
        hours: s.outbox.hoursLeft ?? undefined,
      }),
      ...s.deviceDetails.map((d) =>
        cliText('statusDevice', {
          id: d.id,
          healthy: d.breaker === 'closed',
          ok: d.ok,
          timeouts: d.timeouts,
          exceptions: d.exceptions,
          late: d.latenessP99Ms,
        }),
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!res.ok) process.exitCode = 1;
  });

await program.parseAsync();
