import type { Logger } from 'pino';
import type { DeviceProfile } from '../../protocols/src/index.js';
import { ModbusBus } from './bus/modbus-bus.js';
import type { EdgeConfig } from './config.js';
import { DevicePoller, type PolledReading } from './poller.js';
import { PriorityClassifier } from './priority.js';

export type ReadingSink = (reading: PolledReading & { priority: number }) => void;

/** Checks that every device names a known profile; the message lists what is known. */
export function checkProfiles(config: EdgeConfig, profiles: Map<string, DeviceProfile>): void {
  const missing = config.devices.filter((d) => !profiles.has(d.profile));
  if (missing.length)
    throw new Error(
      `unknown device profile(s): ${missing.map((d) => `${d.id} -> ${d.profile}`).join(', ')}; known: ${[...profiles.keys()].join(', ')}`,
    );
}

/**
 * The buses and pollers of one configuration. Remote config swaps a whole PollingSet, leaving
 * the outbox and the MQTT connection untouched.
 */
export class PollingSet {
  readonly buses: Map<string, ModbusBus>;
  readonly pollers: DevicePoller[];

  constructor(
    readonly config: EdgeConfig,
    profiles: Map<string, DeviceProfile>,
    sink: ReadingSink,
    logger: Logger,
  ) {
    checkProfiles(config, profiles);
    this.buses = new Map(config.buses.map((b) => [b.id, new ModbusBus(b)]));
    const classifiers = new Map<string, PriorityClassifier>();
    this.pollers = config.devices.map((d) => {
      const profile = profiles.get(d.profile)!;
      const c = classifiers.get(d.profile) ?? new PriorityClassifier(profile);
      classifiers.set(d.profile, c);
      return new DevicePoller(
        this.buses.get(d.bus)!,
        d,
        profile,
        (reading) => sink({ ...reading, priority: c.classify(reading) }),
        logger.child({ device: d.id }),
      );
    });
  }

  /** Starts the pollers with their first polls spread over each device's interval, so a bus never gets a burst. */
  start(now = Date.now()): void {
    const perBus = new Map<string, DevicePoller[]>();
    for (const p of this.pollers) perBus.set(p.device.bus, [...(perBus.get(p.device.bus) ?? []), p]);
    for (const group of perBus.values()) {
      group.forEach((p, i) => {
        p.start(now + Math.floor((i * p.device.pollIntervalMs) / group.length));
      });
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
    await Promise.all([...this.buses.values()].map((b) => b.close()));
  }
}
