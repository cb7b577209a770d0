import type { SimDevice } from './sim-device.js';

/** Drives one device's registers from the community model, lazily: `step` catches up to `now`. */
export interface Behaviour {
  /** Mains-powered devices go silent in a power outage; battery devices keep answering. */
  readonly mainsPowered: boolean;
  step(device: SimDevice, now: number): void;
}

/** ASSUMPTION: battery devices lose ~1 % a month (a lithium cell lasting 6-8 years). */
export function batteryPct(startPct: number, since: number, now: number): number {
  return Math.max(0, startPct - (now - since) / (30 * 86_400_000));
}
