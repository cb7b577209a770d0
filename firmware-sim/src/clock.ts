/** Time source shared by the simulator's behaviours; accelerated runs and tests drive it. */
export interface Clock {
  now(): number;
}

/** Real time, optionally accelerated: simulated time runs `speed` times faster from `start`. */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();
  constructor(
    private readonly speed = 1,
    private readonly simStart = Date.now(),
  ) {}
  now(): number {
    return this.simStart + (Date.now() - this.realStart) * this.speed;
  }
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
