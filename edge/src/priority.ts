import type { DeviceProfile, FieldValue } from '../../protocols/src/index.js';
import { PRIORITY_EVENT, PRIORITY_ROUTINE } from './outbox.js';
import type { PolledReading } from './poller.js';

/**
 * Decides which readings the outbox keeps longest: a comm failure, a raised event (door opened,
 * leak, tamper) or a changed state is what elder care and alerts need after a long outage; a
 * routine sample can be re-derived or missed.
 */
export class PriorityClassifier {
  private readonly eventFields: string[];
  private readonly stateFields: string[];
  private readonly lastState = new Map<string, Record<string, FieldValue>>();

  constructor(profile: DeviceProfile) {
    this.eventFields = profile.registers.filter((r) => r.kind === 'event').map((r) => r.name);
    this.stateFields = profile.registers.filter((r) => r.kind === 'state').map((r) => r.name);
  }

  classify(reading: PolledReading): number {
    if (reading.quality !== 'good') return PRIORITY_EVENT;
    const v = reading.values;
    // Plain loops: this runs for every reading, and a closure per call showed in profiles.
    let priority = PRIORITY_ROUTINE;
    for (const f of this.eventFields) {
      const x = v[f];
      if (x === true || (typeof x === 'number' && x !== 0)) priority = PRIORITY_EVENT;
    }
    if (this.stateFields.length === 0) return priority;
    const previous = this.lastState.get(reading.device);
    if (previous) for (const f of this.stateFields) if (previous[f] !== v[f]) priority = PRIORITY_EVENT;
    this.lastState.set(reading.device, Object.fromEntries(this.stateFields.map((f) => [f, v[f]!])));
    return priority;
  }
}
