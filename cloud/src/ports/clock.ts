/** Time as a port, so services can be tested at any instant (expiry, rotation, SLAs). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
