/**
 * Splits a serial byte stream into Modbus RTU frames the way the spec defines them: a frame ends
 * when the line stays silent for 3.5 character times (Modbus over Serial Line v1.02, §2.5.1.1).
 */

/** Bits per character on the wire: start + 8 data + parity or second stop + stop. */
const BITS_PER_CHAR = 11;

/** The inter-frame silence for a baud rate; the spec fixes it at 1.75 ms above 19,200 baud. */
export function silentIntervalMs(baudRate: number): number {
  return baudRate > 19_200 ? 1.75 : (3.5 * BITS_PER_CHAR * 1000) / baudRate;
}

/** Longest legal RTU frame: address + 253-byte PDU + CRC. Anything longer is line noise. */
export const MAX_RTU_FRAME = 256;

export class RtuFrameReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly waitMs: number;

  constructor(
    baudRate: number,
    private readonly onFrame: (frame: Buffer) => void,
  ) {
    // Node timers have 1 ms resolution; rounding up never splits a frame, it only delays the answer.
    this.waitMs = Math.max(1, Math.ceil(silentIntervalMs(baudRate)));
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.waitMs);
  }

  private flush(): void {
    this.timer = undefined;
    const frame = Buffer.concat(this.chunks, this.length);
    this.chunks = [];
    this.length = 0;
    if (frame.length <= MAX_RTU_FRAME) this.onFrame(frame);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.chunks = [];
    this.length = 0;
  }
}
