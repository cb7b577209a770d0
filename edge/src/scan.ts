import type { DeviceProfile } from '../../protocols/src/index.js';
import type { ModbusBus } from './bus/modbus-bus.js';
import { pollDevice } from './poller.js';
import { planReads } from './read-plan.js';

export interface ScanHit {
  unitId: number;
  /** Profiles whose every register block this unit answered and decoded. */
  likelyProfiles: string[];
}

export interface ScanOptions {
  fromUnit: number;
  toUnit: number;
  timeoutMs: number;
  onProgress?: (unitId: number, hit: ScanHit | undefined) => void;
}

/**
 * Sweeps unit ids on one bus. A unit "responds" when any profile's read plan succeeds on it; a
 * Modbus exception also proves a device is there (it answered), so it is listed with no profile.
 */
export async function scanBus(
  bus: ModbusBus,
  profiles: Iterable<DeviceProfile>,
  opts: ScanOptions,
): Promise<ScanHit[]> {
  const plans = [...profiles].map((p) => ({ model: p.model, blocks: planReads(p) }));
  const hits: ScanHit[] = [];
  for (let unitId = opts.fromUnit; unitId <= opts.toUnit; unitId++) {
    const likely: string[] = [];
    let answered = false;
    for (const plan of plans) {
      try {
        await pollDevice(bus, unitId, plan.blocks, { timeoutMs: opts.timeoutMs });
        likely.push(plan.model);
        answered = true;
      } catch (err) {
        const { kind, exceptionCode } = err as { kind?: string; exceptionCode?: number };
        // The port or endpoint itself is unusable: scanning further units cannot help.
        if (kind === 'connection') throw err;
        // 0x0A/0x0B come from a TCP gateway saying nothing answers behind it: not a device.
        if (kind === 'exception' && exceptionCode !== 0x0a && exceptionCode !== 0x0b) answered = true;
        else if (kind === 'exception' && !answered) break;
        // Silence on the first profile means nobody is there: do not wait out every other profile.
        else if (kind === 'timeout' && !answered) break;
      }
    }
    const hit = answered ? { unitId, likelyProfiles: likely } : undefined;
    if (hit) hits.push(hit);
    opts.onProgress?.(unitId, hit);
  }
  return hits;
}
