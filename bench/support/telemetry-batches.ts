import type { TelemetryBatch } from '../../protocols/src/index.js';

/** Numbers that change from batch to batch take this many characters in the template. */
const WIDTH = 13;
const PLACEHOLDER = 9_999_999_999_999; // WIDTH digits, found by its text

/**
 * The bench's telemetry batches as a gateway sends them. A real gateway's CPU is not on the
 * server, but here the publishers share its 2 cores, so they are made cheap: a batch is serialised
 * once as a template, and each batch copies it and writes its sequence numbers and timestamps over
 * fixed-width slots (right-aligned, padded with spaces, which JSON allows between tokens).
 * Batch at `base` holds readings seq base+1.. and ts tsBase+base.., one point each in the store.
 */
export function batchEncoder(gatewayId: string, size: number, tsBase: number) {
  const template: TelemetryBatch = {
    v: 1,
    gatewayId,
    seq: PLACEHOLDER,
    sentAt: PLACEHOLDER,
    readings: Array.from({ length: size }, (_, i) => ({
      seq: PLACEHOLDER,
      device: `${gatewayId}-d${i % 100}`,
      ts: PLACEHOLDER,
      quality: 'good' as const,
      values: { total_litres: i, flow_lpm: (i % 17) * 0.5, battery_pct: 90, leak: false },
    })),
  };
  const bytes = Buffer.from(JSON.stringify(template));
  const needle = Buffer.from(String(PLACEHOLDER));
  const slots: number[] = [];
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + WIDTH)) slots.push(at);
  if (slots.length !== 2 + 2 * size) throw new Error('template slots not found');
  const put = (buf: Buffer, at: number, n: number) => {
    const digits = String(n);
    buf.fill(0x20, at, at + WIDTH - digits.length);
    buf.write(digits, at + WIDTH - digits.length, 'latin1');
  };
  return (base: number, sentAt: number): Buffer => {
    const buf = Buffer.from(bytes);
    put(buf, slots[0]!, base + 1);
    put(buf, slots[1]!, sentAt);
    for (let i = 0; i < size; i++) {
      put(buf, slots[2 + 2 * i]!, base + i + 1);
      put(buf, slots[3 + 2 * i]!, tsBase + base + i);
    }
    return buf;
  };
}
