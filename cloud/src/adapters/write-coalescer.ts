/**
 * Merges concurrent small writes into fewer, larger requests: ingest hands over one MQTT message
 * (a few hundred lines) at a time, while InfluxDB is most efficient at thousands of lines per
 * request. Each caller's promise settles with the request that carried its lines, so an MQTT ack
 * still waits for its own data to be durable.
 */
export interface CoalescerOptions {
  /** Lines per request at most (InfluxDB's docs recommend 5,000-10,000). */
  maxLines: number;
  /** Requests in flight at once. */
  maxInFlight: number;
  send: (body: Buffer) => Promise<void>;
}

interface Pending {
  /** Newline-separated lines, without a trailing newline. */
  chunk: Buffer;
  lines: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class WriteCoalescer {
  private queue: Pending[] = [];
  private queuedLines = 0;
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly options: CoalescerOptions) {}

  /** `chunk` holds `lines` lines of line protocol, newline-separated. */
  write(chunk: Buffer, lines: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ chunk, lines, resolve, reject });
      this.queuedLines += lines;
      if (this.queuedLines >= this.options.maxLines) this.pump();
      else if (!this.scheduled) {
        // Wait one turn of the event loop so messages parsed in the same turn share a request.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch: Pending[] = [];
      let lines = 0;
      while (
        this.queue.length > 0 &&
        (batch.length === 0 || lines + this.queue[0]!.lines <= this.options.maxLines)
      ) {
        const next = this.queue.shift()!;
        batch.push(next);
        lines += next.lines;
      }
      this.queuedLines -= lines;
      this.inFlight++;
      const parts: Buffer[] = [];
      for (const p of batch) {
        if (parts.length > 0) parts.push(NEWLINE);
        parts.push(p.chunk);
      }
      const body = Buffer.concat(parts);
      this.options
        .send(body)
        .then(
          () => {
            for (const p of batch) p.resolve();
          },
          (err: unknown) => {
            for (const p of batch) p.reject(err);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}

const NEWLINE = Buffer.from('\n');
