import type { Logger } from 'pino';
import { type DeviceProfile, loadProfiles } from '../../protocols/src/index.js';
import { BUILTIN_PROFILES_DIR } from '../../protocols/src/profiles/loader.js';
import { ModbusBus } from './bus/modbus-bus.js';
import type { EdgeConfig } from './config.js';
import { Outbox } from './outbox.js';
import { DevicePoller, type PolledReading } from './poller.js';
import { Publisher } from './publisher.js';

export interface RunningAgent {
  outbox: Outbox;
  publisher: Publisher;
  pollers: DevicePoller[];
  stop(): Promise<void>;
}

/** Composition root of the edge agent: buses, pollers, outbox, publisher. */
export function startAgent(config: EdgeConfig, logger: Logger): RunningAgent {
  const profiles = loadProfiles([BUILTIN_PROFILES_DIR, ...(config.profileDirs ?? [])]);
  const missing = config.devices.filter((d) => !profiles.has(d.profile));
  if (missing.length)
    throw new Error(
      `unknown device profile(s): ${missing.map((d) => `${d.id} -> ${d.profile}`).join(', ')}; known: ${[...profiles.keys()].join(', ')}`,
    );
  const outbox = new Outbox(config.outbox.path, config.outbox.sync);
  const publisher = new Publisher(config, outbox, logger);
  const buses = new Map(config.buses.map((b) => [b.id, new ModbusBus(b)]));
  const onReading = (reading: PolledReading) => {
    outbox.append([reading]);
    publisher.kick();
  };
  const pollers = config.devices.map(
    (d) =>
      new DevicePoller(
        buses.get(d.bus)!,
        d,
        profiles.get(d.profile) as DeviceProfile,
        onReading,
        logger.child({ device: d.id }),
      ),
  );
  publisher.start();
  for (const p of pollers) p.start();
  logger.info(
    { gateway: config.gateway.id, devices: pollers.length, buses: buses.size },
    'edge agent started',
  );
  return {
    outbox,
    publisher,
    pollers,
    async stop() {
      for (const p of pollers) p.stop();
      await Promise.all([...buses.values()].map((b) => b.close()));
      await publisher.stop();
      outbox.close();
    },
  };
}
