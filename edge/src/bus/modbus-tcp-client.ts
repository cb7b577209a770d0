import net from 'node:net';
import { exceptionError, explainOpenError, ModbusRequestError } from './errors.js';
import { type ReadGate, sharedReadGate } from './read-gate.js';

/**
 * A lean Modbus TCP client (Modbus Messaging on TCP/IP Implementation Guide v1.0b): MBAP framing,
 * several transactions in flight on one connection matched by transaction id, one socket write per
 * event-loop turn for everything queued in that turn, and no per-request timer.
 *
 * Why not modbus-serial: it costs ~80 µs of CPU per request (a Promise chain, a timer, several
 * Buffers and a debug call per frame) and allows one transaction at a time; the edge polls a
 * thousand devices per gateway, three requests each, every second.
 */

export interface ModbusTcpClientOptions {
  host: string;
  port: number;
  /**
   * Transactions awaiting an answer at once. Many devices and TCP-to-RTU gateways handle only one
   * (the default); servers that queue requests (firmware-sim, most PLCs) take more.
   */
  maxInFlight?: number;
  /** Default per-request timeout, ms; also bounds connecting. */
  timeoutMs?: number;
  /** Least time between connect attempts while the server is unreachable, so polls do not storm it. */
  reconnectDelayMs?: number;
  /**
   * After writing a burst of at least `burst` requests, stop reading for `delayMs` so the answers,
   * which a server sends one by one, are read in one wakeup instead of one per arriving packet
   * (each wakeup costs more CPU than parsing a hundred answers); while answers to the burst are
   * still due, each read is followed by another such pause. Default: 16 requests, 4 ms; delayMs 0
   * turns it off. Small exchanges (a command, a scan) are never delayed. The pauses of all the
   * connections share one timer (`gate`, default the process's), so they are read in one wakeup.
   */
  readCoalescing?: { burst?: number; delayMs?: number; gate?: ReadGate };
}

export interface ClientStats {
  requests: number;
  timeouts: number;
  /** Answers whose transaction id matches nothing pending (late answers after a timeout). */
  strays: number;
  connects: number;
  /** Socket writes: fewer than requests when several go out in one turn. */
  writes: number;
}

/** Function codes this client speaks. */
export const FC = {
  readCoils: 1,
  readDiscreteInputs: 2,
  readHoldingRegisters: 3,
  readInputRegisters: 4,
  writeSingleCoil: 5,
  writeSingleRegister: 6,
  writeMultipleCoils: 15,
  writeMultipleRegisters: 16,
} as const;

interface Transaction {
  tid: number;
  unitId: number;
  fc: number;
  address: number;
  /** Registers or bits asked for (reads), or written (writes). */
  count: number;
  /** PDU bytes after the function code, for writes; reads are encoded from address and count. */
  body?: Buffer;
  timeoutMs: number;
  deadline: number;
  done: ReadCallback;
}

/** Called once per request: with an error, or with the words (or bits as 0/1) read. */
export type ReadCallback = (err: Error | undefined, values?: number[]) => void;

const MBAP_LENGTH = 7;
const NO_TIMER = Number.POSITIVE_INFINITY;

export class ModbusTcpClient {
  readonly stats: ClientStats = { requests: 0, timeouts: 0, strays: 0, connects: 0, writes: 0 };
  private socket?: net.Socket;
  private connected = false;
  private closed = false;
  private connectTimer?: NodeJS.Timeout;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private lastFailure = '';
  private readonly pending = new Map<number, Transaction>();
  /** Transactions waiting for a free in-flight slot or for the connection, in order. */
  private queue: Array<Transaction | undefined> = [];
  private queueHead = 0;
  private nextTid = 0;
  /** Frames encoded this turn, written in one go by flush(). */
  private staging = Buffer.allocUnsafe(1024);
  private readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  private staged = 0;
  private flushScheduled = false;
  private rest?: Buffer;
  private timer?: NodeJS.Timeout;
  private timerAt = NO_TIMER;
  private drained?: () => void;
  private framesStaged = 0;
  /** Reading is paused until the gate releases it. */
  private readHeld = false;
  /** A burst was written and its answers are still due: keep reading in gated steps. */
  private inBurst = false;
  private readonly coalesceBurst: number;
  private readonly coalesceDelayMs: number;
  private readonly gate: ReadGate;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly reconnectDelayMs: number;
  private readonly where: string;

  constructor(private readonly options: ModbusTcpClientOptions) {
    this.maxInFlight = options.maxInFlight ?? 1;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 250;
    this.coalesceBurst = options.readCoalescing?.burst ?? 16;
    this.coalesceDelayMs = options.readCoalescing?.delayMs ?? 4;
    this.gate = options.readCoalescing?.gate ?? sharedReadGate;
    this.where = `Modbus TCP ${options.host}:${options.port}`;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Transactions sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Reads registers (FC 3/4) as words, or bits (FC 1/2) as 0/1. */
  read(
    unitId: number,
    fc: 1 | 2 | 3 | 4,
    address: number,
    count: number,
    timeoutMs?: number,
  ): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.submit(unitId, fc, address, count, undefined, timeoutMs, (err, values) =>
        err ? reject(err) : resolve(values!),
      );
    });
  }

  /** read() without a Promise per request, for the polling hot path. */
  readCb(
    unitId: number,
    fc: 1 | 2 | 3 | 4,
    address: number,
    count: number,
    timeoutMs: number | undefined,
    done: ReadCallback,
  ): void {
    this.submit(unitId, fc, address, count, undefined, timeoutMs, done);
  }

  /** Writes registers (FC 6 for one, 16 for several) or coils (FC 5 / 15); values are words or 0/1. */
  write(
    unitId: number,
    area: 'holding' | 'coil',
    address: number,
    values: readonly number[],
    timeoutMs?: number,
  ): Promise<void> {
    const { fc, body } = encodeWrite(area, address, values);
    return new Promise((resolve, reject) => {
      this.submit(unitId, fc, address, values.length, body, timeoutMs, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }

  private submit(
    unitId: number,
    fc: number,
    address: number,
    count: number,
    body: Buffer | undefined,
    timeoutMs: number | undefined,
    done: ReadCallback,
  ): void {
    if (this.closed) {
      failSoon(done, new ModbusRequestError('connection', `${this.where}: client is closed`));
      return;
    }
    const timeout = timeoutMs ?? this.timeoutMs;
    if (!this.socket) {
      // While the server is unreachable, fail at once rather than opening a socket per request.
      if (Date.now() - this.lastFailureAt < this.reconnectDelayMs) {
        failSoon(done, new ModbusRequestError('connection', this.lastFailure));
        return;
      }
      this.connect(timeout);
    }
    this.stats.requests++;
    const tx: Transaction = {
      tid: 0,
      unitId,
      fc,
      address,
      count,
      body,
      timeoutMs: timeout,
      deadline: 0,
      done,
    };
    if (this.connected && this.pending.size < this.maxInFlight && this.queueHead === this.queue.length)
      this.send(tx);
    else this.queue.push(tx);
  }

  private connect(timeoutMs: number): void {
    // onread: the kernel's bytes land in one buffer per client (no Buffer per read), and pause()
    // really stops reading (see flush), which read coalescing needs.
    const socket = net.connect({
      host: this.options.host,
      port: this.options.port,
      onread: {
        buffer: this.readBuffer,
        callback: (n: number, buf: Uint8Array): boolean => {
          if (this.socket === socket) this.onData(buf as Buffer, n);
          return true; // keep reading (pausing is done with socket.pause())
        },
      },
    });
    this.socket = socket;
    socket.setNoDelay(true);
    this.connectTimer = setTimeout(
      () => socket.destroy(new Error(`connect timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    let failure: Error | undefined;
    socket.on('connect', () => {
      clearTimeout(this.connectTimer);
      this.connected = true;
      this.stats.connects++;
      this.pump();
    });
    socket.on('error', (err) => {
      failure = err;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      clearTimeout(this.connectTimer);
      const message = this.connected
        ? `${this.where}: connection lost${failure ? ` (${failure.message})` : ''}`
        : `cannot open ${this.where}: ${explainOpenError(failure ?? new Error('connection closed'))}`;
      if (!this.connected) {
        this.lastFailureAt = Date.now();
        this.lastFailure = message;
      }
      this.teardown(new ModbusRequestError('connection', message));
    });
  }

  /** Forgets the socket and fails everything pending or queued; the next request reconnects. */
  private teardown(err: ModbusRequestError): void {
    this.unholdReads();
    this.framesStaged = 0;
    this.socket = undefined;
    this.connected = false;
    this.rest = undefined;
    this.staged = 0;
    const failed = [...this.pending.values(), ...(this.queue.slice(this.queueHead) as Transaction[])];
    this.pending.clear();
    this.queue = [];
    this.queueHead = 0;
    this.disarmTimer();
    for (const tx of failed) tx.done(err);
    this.checkDrained();
  }

  /** Sends queued transactions while there is room in flight. */
  private pump(): void {
    while (this.connected && this.pending.size < this.maxInFlight && this.queueHead < this.queue.length) {
      const tx = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined; // let it be collected
      this.send(tx);
    }
    if (this.queueHead === this.queue.length && this.queueHead > 0) {
      this.queue = [];
      this.queueHead = 0;
    }
  }

  private send(tx: Transaction): void {
    let tid = this.nextTid;
    while (this.pending.has(tid)) tid = (tid + 1) & 0xffff;
    this.nextTid = (tid + 1) & 0xffff;
    tx.tid = tid;
    tx.deadline = Date.now() + tx.timeoutMs;
    this.pending.set(tid, tx);
    this.encode(tx);
    this.framesStaged++;
    if (tx.deadline < this.timerAt) this.armTimer(tx.deadline);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // setImmediate, not a microtask: polls that fire in the same timers phase, and answers that
      // arrive in the same read, all leave in one write.
      setImmediate(this.flush);
    }
  }

  private encode(tx: Transaction): void {
    const pduLength = 1 + (tx.body ? tx.body.length : 4);
    const size = MBAP_LENGTH + pduLength;
    if (this.staged + size > this.staging.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.staging.length * 2, this.staged + size));
      this.staging.copy(bigger, 0, 0, this.staged);
      this.staging = bigger;
    }
    const b = this.staging;
    let o = this.staged;
    b[o] = tx.tid >> 8;
    b[o + 1] = tx.tid & 0xff;
    b[o + 2] = 0;
    b[o + 3] = 0;
    b[o + 4] = (pduLength + 1) >> 8;
    b[o + 5] = (pduLength + 1) & 0xff;
    b[o + 6] = tx.unitId;
    b[o + 7] = tx.fc;
    o += 8;
    if (tx.body) {
      tx.body.copy(b, o);
    } else {
      b[o] = tx.address >> 8;
      b[o + 1] = tx.address & 0xff;
      b[o + 2] = tx.count >> 8;
      b[o + 3] = tx.count & 0xff;
    }
    this.staged += size;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.staged === 0 || !this.socket) return;
    // A copy: the socket may hold on to what it is given until the kernel takes it.
    const out = Buffer.allocUnsafe(this.staged);
    this.staging.copy(out, 0, 0, this.staged);
    this.staged = 0;
    this.stats.writes++;
    this.socket.write(out);
    if (this.framesStaged >= this.coalesceBurst && this.coalesceDelayMs > 0) {
      this.inBurst = true;
      this.holdReads();
    }
    this.framesStaged = 0;
  };

  /** Stops reading until the gate lets this connection read again (with the others due then). */
  private holdReads(): void {
    if (this.readHeld || !this.socket) return;
    this.readHeld = true;
    this.socket.pause();
    this.gate.hold(this.coalesceDelayMs, this.releaseReads);
  }

  private readonly releaseReads = (): void => {
    this.readHeld = false;
    this.socket?.resume();
  };

  private unholdReads(): void {
    if (!this.readHeld) return;
    this.readHeld = false;
    this.gate.cancel(this.releaseReads);
  }

  /** `n` new bytes at the start of the shared read buffer. */
  private onData(readBuffer: Buffer, n: number): void {
    let buf = readBuffer.subarray(0, n);
    if (this.rest) {
      buf = Buffer.concat([this.rest, buf]);
      this.rest = undefined;
    }
    let off = 0;
    while (buf.length - off >= MBAP_LENGTH + 1) {
      const length = (buf[off + 4]! << 8) | buf[off + 5]!;
      if (buf[off + 2] !== 0 || buf[off + 3] !== 0 || length < 2 || length > 254) {
        // Not Modbus (or out of step): nothing after this can be trusted.
        this.socket?.destroy(new Error('malformed MBAP header'));
        return;
      }
      if (buf.length - off < 6 + length) break;
      this.onFrame(buf, off, length);
      off += 6 + length;
    }
    // A copy: the read buffer is overwritten by the next read.
    if (off < buf.length) this.rest = Buffer.from(buf.subarray(off));
    // Answers to a burst still due: read the next ones in one gated step, not packet by packet.
    if (this.inBurst) {
      if (this.pending.size === 0) this.inBurst = false;
      else this.holdReads();
    }
    this.pump();
    this.checkDrained();
  }

  /** One complete frame at buf[off..off+6+length). */
  private onFrame(buf: Buffer, off: number, length: number): void {
    const tid = (buf[off]! << 8) | buf[off + 1]!;
    const tx = this.pending.get(tid);
    if (!tx) {
      this.stats.strays++;
      return;
    }
    this.pending.delete(tid);
    // The unit id in the answer is not checked: the transaction id identifies the request, and
    // some devices answer with unit 0 or 255 whatever was asked.
    const fc = buf[off + 7]!;
    const pdu = off + 8; // first byte after the function code
    const pduBytes = length - 2;
    if (fc === (tx.fc | 0x80)) {
      if (pduBytes >= 1) tx.done(exceptionError(buf[pdu]!));
      else tx.done(this.malformed(tx, 'exception without a code'));
      return;
    }
    if (fc !== tx.fc) {
      tx.done(this.malformed(tx, `answer has function code ${fc}`));
      return;
    }
    if (tx.body) {
      // Writes echo the address (and value or quantity): 4 bytes.
      if (pduBytes < 4) tx.done(this.malformed(tx, `${pduBytes}-byte answer to a write`));
      else tx.done(undefined, []);
      return;
    }
    const bits = fc <= 2;
    const expected = bits ? (tx.count + 7) >> 3 : tx.count * 2;
    const byteCount = buf[pdu]!;
    if (pduBytes < 1 || byteCount !== expected || pduBytes !== 1 + byteCount) {
      tx.done(
        this.malformed(
          tx,
          `short or long answer: ${pduBytes - 1} data bytes, byte count ${byteCount}, expected ${expected}`,
        ),
      );
      return;
    }
    const values = new Array<number>(tx.count);
    const data = pdu + 1;
    if (bits) {
      for (let i = 0; i < tx.count; i++) values[i] = (buf[data + (i >> 3)]! >> (i & 7)) & 1;
    } else {
      for (let i = 0; i < tx.count; i++) values[i] = (buf[data + 2 * i]! << 8) | buf[data + 2 * i + 1]!;
    }
    tx.done(undefined, values);
  }

  private malformed(tx: Transaction, what: string): ModbusRequestError {
    return new ModbusRequestError('malformed', `${this.where} unit ${tx.unitId} FC ${tx.fc}: ${what}`);
  }

  private armTimer(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.onTimer, Math.max(0, at - Date.now()));
  }

  private disarmTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = NO_TIMER;
  }

  /**
   * One timer per connection, set for the earliest deadline, instead of one per request: answers
   * just leave the pending map, and the timer, when it fires, fails what is overdue and re-arms.
   */
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = NO_TIMER;
    const now = Date.now();
    let next = NO_TIMER;
    const overdue: Transaction[] = [];
    for (const tx of this.pending.values()) {
      if (tx.deadline <= now) overdue.push(tx);
      else if (tx.deadline < next) next = tx.deadline;
    }
    for (const tx of overdue) {
      this.pending.delete(tx.tid);
      this.stats.timeouts++;
      tx.done(new ModbusRequestError('timeout', `no response (timed out after ${tx.timeoutMs} ms)`));
    }
    if (next !== NO_TIMER) this.armTimer(next);
    this.pump();
    this.checkDrained();
  };

  private checkDrained(): void {
    if (this.drained && this.pending.size === 0 && this.queueHead === this.queue.length) {
      this.drained();
      this.drained = undefined;
    }
  }

  /** Waits for the transactions in flight to settle, then closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pending.size > 0 || this.queueHead < this.queue.length)
      await new Promise<void>((resolve) => {
        this.drained = resolve;
      });
    this.disarmTimer();
    this.unholdReads();
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    this.connected = false;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
    clearTimeout(this.connectTimer);
  }
}

/** Fails a request after the caller's turn, as a rejected Promise would. */
function failSoon(done: ReadCallback, err: ModbusRequestError): void {
  queueMicrotask(() => done(err));
}

function encodeWrite(
  area: 'holding' | 'coil',
  address: number,
  values: readonly number[],
): { fc: number; body: Buffer } {
  if (values.length === 0) throw new RangeError('nothing to write');
  if (area === 'coil' && values.length === 1) {
    const body = Buffer.alloc(4);
    body.writeUInt16BE(address, 0);
    body.writeUInt16BE(values[0] ? 0xff00 : 0, 2);
    return { fc: FC.writeSingleCoil, body };
  }
  if (area === 'holding' && values.length === 1) {
    const body = Buffer.alloc(4);
    body.writeUInt16BE(address, 0);
    body.writeUInt16BE(values[0]! & 0xffff, 2);
    return { fc: FC.writeSingleRegister, body };
  }
  if (area === 'coil') {
    const bytes = (values.length + 7) >> 3;
    const body = Buffer.alloc(5 + bytes);
    body.writeUInt16BE(address, 0);
    body.writeUInt16BE(values.length, 2);
    body[4] = bytes;
    values.forEach((v, i) => {
      if (v) body[5 + (i >> 3)]! |= 1 << (i & 7);
    });
    return { fc: FC.writeMultipleCoils, body };
  }
  const body = Buffer.alloc(5 + values.length * 2);
  body.writeUInt16BE(address, 0);
  body.writeUInt16BE(values.length, 2);
  body[4] = values.length * 2;
  values.forEach((v, i) => {
    body.writeUInt16BE(v & 0xffff, 5 + i * 2);
  });
  return { fc: FC.writeMultipleRegisters, body };
}
