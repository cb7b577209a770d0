import { PRIORITY_ROUTINE } from '../../edge/src/outbox.js';

/** A polled reading whose one value is its timestamp, so a test can tell readings apart by value. */
export const reading = (device: string, ts: number, priority = PRIORITY_ROUTINE) => ({
  device,
  ts,
  values: { x: ts },
  quality: 'good' as const,
  priority,
});
