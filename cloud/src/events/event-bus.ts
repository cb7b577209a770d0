/** What the bus needs from a logger (pino's Logger satisfies it). */
export interface BusLogger {
  error(obj: object, msg: string): void;
}

type Listener<P> = (payload: P) => void | Promise<void>;

/**
 * A typed in-process event bus. The event map (event name → payload type) is the contract between
 * modules, so emitters and listeners cannot drift apart.
 *
 * As in zigbee2mqtt, every listener is wrapped: one that throws or rejects is logged with its name
 * and the event, and neither the emitter nor the other listeners notice. `emit` resolves once all
 * listeners settled, so a caller (or a test) may await the consequences; it never rejects.
 */
export class EventBus<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Map<string, Listener<never>>>();

  constructor(private readonly logger: BusLogger) {}

  /** Subscribes a named listener (the name is what the log shows); returns the unsubscribe. */
  on<K extends keyof Events>(event: K, name: string, listener: Listener<Events[K]>): () => void {
    const named = this.listeners.get(event) ?? new Map<string, Listener<never>>();
    this.listeners.set(event, named);
    if (named.has(name)) throw new Error(`listener ${name} is already subscribed to ${String(event)}`);
    named.set(name, listener as Listener<never>);
    return () => {
      named.delete(name);
    };
  }

  async emit<K extends keyof Events>(event: K, payload: Events[K]): Promise<void> {
    const named = this.listeners.get(event);
    if (!named || named.size === 0) return;
    await Promise.all(
      [...named].map(async ([name, listener]) => {
        try {
          await (listener as Listener<Events[K]>)(payload);
        } catch (err) {
          this.logger.error({ err, event: String(event), listener: name }, 'event listener failed');
        }
      }),
    );
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
