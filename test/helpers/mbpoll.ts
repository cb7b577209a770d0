import { execFile } from 'node:child_process';
import { LOOPBACK } from './ports.js';
import type { ReadOptions } from './pymodbus.js';
import { requireTool } from './require-tool.js';

// mbpoll (libmodbus based) as a second, independent third-party Modbus master.

// Function code → mbpoll -t (its numbering follows the 0x/1x/3x/4x reference tables, not the FC):
// fc1 coils = 0, fc2 discrete inputs = 1, fc3 holding registers = 4, fc4 input registers = 3.
const MBPOLL_TYPE = { 1: '0', 2: '1', 3: '4', 4: '3' } as const;

/** Reads `count` values with `mbpoll -1` (one poll): bits for fc 1/2, registers for fc 3/4. */
export function mbpollRead(options: ReadOptions & { fc: 1 | 2 }): Promise<boolean[]>;
export function mbpollRead(options: ReadOptions & { fc: 3 | 4 }): Promise<number[]>;
export async function mbpollRead(
  options: ReadOptions & { fc: 1 | 2 | 3 | 4 },
): Promise<number[] | boolean[]> {
  const mbpoll = await requireTool('mbpoll', 'mbpoll');
  const timeoutS = options.timeoutS ?? 3;
  const args = [
    ...['-a', String(options.unitId), '-t', MBPOLL_TYPE[options.fc]],
    // -0: PDU addressing (reference 0 is address 0, like our other helpers); -1: poll once.
    ...['-0', '-r', String(options.address), '-c', String(options.count), '-1'],
    ...['-o', String(Math.min(10, timeoutS))],
  ];
  if (options.transport === 'tcp') {
    args.unshift('-m', 'tcp', '-p', String(options.port));
    args.push(options.host ?? LOOPBACK);
  } else {
    // mbpoll defaults to even parity; everything else here (pymodbus, modbus-serial) uses 8N1.
    args.unshift('-m', 'rtu', '-b', String(options.baud ?? 19_200), '-d', '8', '-s', '1', '-P', 'none');
    args.push(options.serialPath);
  }
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(mbpoll, args, { timeout: (timeoutS + 10) * 1_000 }, (err, out, stderr) => {
      if (err) reject(new Error(`mbpoll ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(out);
    });
  });
  // Output lines look like "[3]: \t40000 (-25536)": unsigned value first, signed in parentheses.
  const values = [...stdout.matchAll(/^\[(\d+)\]:\s+(\d+)/gm)].map((m) => Number(m[2]));
  if (values.length !== options.count) {
    throw new Error(`mbpoll returned ${values.length} values, expected ${options.count}:\n${stdout}`);
  }
  return options.fc <= 2 ? values.map((v) => v !== 0) : values;
}
