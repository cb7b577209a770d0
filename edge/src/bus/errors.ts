import { type CliLang, type CliText, cliText } from '../cli-text.js';

/**
 * How a Modbus request failed, so counters, retries and the circuit breaker can tell causes apart:
 * - timeout: no answer in time (a lost frame may succeed on retry);
 * - exception: the device answered with an exception code (retrying will not change it);
 * - connection: the link is down or refused (the next request reconnects);
 * - malformed: an answer arrived but does not fit the request (wrong length, unit or function).
 */
export type ModbusFailure = 'timeout' | 'exception' | 'connection' | 'malformed';

/** A failed Modbus request, classified so counters and the circuit breaker can tell causes apart. */
export class ModbusRequestError extends Error {
  override name = 'ModbusRequestError';
  constructor(
    readonly kind: ModbusFailure,
    message: string,
    readonly exceptionCode?: number,
  ) {
    super(message);
  }
}

const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

export function exceptionError(code: number): ModbusRequestError {
  const name = EXCEPTION_NAMES[code] ?? 'unknown';
  return new ModbusRequestError(
    'exception',
    `Modbus exception 0x${code.toString(16).padStart(2, '0')} (${name})`,
    code,
  );
}

/**
 * Adds the likely fix to an error from opening a serial port or a TCP connection, in the
 * installer's language (LANG): the system's own message stays as it is, for searching.
 */
export function explainOpenError(err: unknown, lang?: CliLang): string {
  const msg = (err as Error)?.message ?? String(err);
  const hint = (key: CliText) => `${msg} — ${cliText(key, {}, lang)}`;
  if (/EACCES|Permission denied/i.test(msg)) return hint('portPermission');
  if (/EBUSY|Resource busy|Cannot lock port/i.test(msg)) return hint('portBusy');
  if (/ENOENT|No such file/i.test(msg)) return hint('portMissing');
  if (/ECONNREFUSED/.test(msg)) return hint('tcpRefused');
  return msg;
}
