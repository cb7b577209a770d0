/**
 * Per-device circuit breaker. After `threshold` consecutive failures the device is "open": its
 * polls are skipped (so a dead device stops eating bus time) except one probe when the cooldown
 * has passed. Each failed probe doubles the cooldown, up to `maxCooldownMs`.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  threshold?: number;
  cooldownMs?: number;
  maxCooldownMs?: number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private cooldown: number;
  state: BreakerState = 'closed';
  private readonly threshold: number;
  private readonly baseCooldown: number;
  private readonly maxCooldown: number;

  constructor(options: BreakerOptions = {}) {
    this.threshold = options.threshold ?? 3;
    this.baseCooldown = options.cooldownMs ?? 5_000;
    this.maxCooldown = options.maxCooldownMs ?? 300_000;
    this.cooldown = this.baseCooldown;
  }

  /** Whether to send a request now; moves an open breaker to half-open when its cooldown is over. */
  allow(now: number): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && now - this.openedAt >= this.cooldown) {
      this.state = 'half-open';
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    this.state = 'closed';
    this.cooldown = this.baseCooldown;
  }

  failure(now: number): void {
    this.failures++;
    if (this.state === 'half-open') {
      this.cooldown = Math.min(this.maxCooldown, this.cooldown * 2);
      this.state = 'open';
      this.openedAt = now;
    } else if (this.failures >= this.threshold) {
      this.state = 'open';
      this.openedAt = now;
    }
  }
}
