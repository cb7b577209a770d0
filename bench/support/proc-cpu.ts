/**
 * CPU time of other processes from /proc (Linux): the ingest bench splits the 2 cores between
 * influxd, the cloud and the publishers, and notes how busy the machine was with everything else.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc's tick counts, 100 on every Linux the bench runs on. */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process in seconds, or undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The pid of the first process whose command line contains every one of `parts`. */
export function findPid(...parts: string[]): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (parts.every((p) => cmdline.includes(p))) return Number(entry);
    } catch {
      // exited between readdir and read
    }
  }
  return undefined;
}

/** Busy and total CPU seconds of the whole machine (all cores) since boot. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = cpu[3]! + cpu[4]!;
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/**
 * CPU seconds of this process's main thread (the event loop: JS and its system calls) and of all
 * its other threads together (V8's compiler and GC helpers, libuv's pool), from /proc/self/task.
 * Node 20 names them all "node", so the main thread is told apart by its id, the process id.
 */
export function threadCpuSeconds(): { main: number; others: number } {
  const split = { main: 0, others: 0 };
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      if (Number(tid) === process.pid) split.main += seconds;
      else split.others += seconds;
    } catch {
      // the thread ended between readdir and read
    }
  }
  return split;
}
