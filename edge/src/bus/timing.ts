/**
 * Modbus RTU inter-frame silence (Modbus over Serial Line v1.02, §2.5.1.1): 3.5 character times,
 * with a fixed 1.75 ms above 19200 baud. A character is 11 bits on the wire (start, 8 data,
 * parity or second stop bit, stop).
 */
export function silentIntervalMs(baudRate: number): number {
  if (baudRate > 19_200) return 1.75;
  return (3.5 * 11 * 1000) / baudRate;
}

/** Time a frame of `bytes` occupies on a serial line. */
export function frameTimeMs(baudRate: number, bytes: number): number {
  return (bytes * 11 * 1000) / baudRate;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
