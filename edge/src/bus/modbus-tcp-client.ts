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
  /** Socket reads (wakeups with answers): fewer than answers when several arrive together. */
  reads: number;
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

const MBAP_LENGTH = 7;
/** The longest Modbus TCP ADU: MBAP (7) + 253 PDU bytes. */
const MAX_ADU = 260;
const NO_TIMER = Number.POSITIVE_INFINITY;
/** Outgoing frames are encoded into a slab and written as views of it (no copy per write). */
const SLAB_SIZE = 64 * 1024;
const NO_BYTES = Buffer.alloc(0);

/**
 * One Modbus request that its owner may send again once it has been answered: the poller keeps one
 * per block of its read plan, so a poll allocates no request record, no frame and no closure. The
 * frame (MBAP header and PDU) is built once; sending patches in the transaction id.
 */
export abstract class ModbusTransaction {
  /** MBAP header + PDU; bytes 0-1 (the transaction id) are written when it is sent. */
  readonly frame: Buffer;
  /** Set while sent or queued; cleared before answered() is called, so that may send it again. */
  busy = false;
  tid = 0;
  deadline = 0;
  /** Effective timeout of the current send, ms. */
  timeoutMs = 0;
  readonly isWrite: boolean;

  constructor(
    readonly unitId: number,
    readonly fc: number,
    readonly address: number,
    /** Registers or bits asked for (reads), or written (writes). */
    readonly count: number,
    /** Per-request timeout, ms; undefined: the client's. */
    readonly requestTimeoutMs?: number,
    /** PDU bytes after the function code, for writes; reads are encoded from address and count. */
    body?: Buffer,
  ) {
    this.isWrite = body !== undefined;
    const pduLength = 1 + (body ? body.length : 4);
    const f = Buffer.alloc(MBAP_LENGTH + pduLength);
    f[4] = (pduLength + 1) >> 8;
    f[5] = (pduLength + 1) & 0xff;
    f[6] = unitId;
    f[7] = fc;
    if (body) body.copy(f, 8);
    else {
      f[8] = address >> 8;
      f[9] = address & 0xff;
      f[10] = count >> 8;
      f[11] = count & 0xff;
    }
    this.frame = f;
  }

  /**
   * Called once per send: with an error, or with the answer. For reads the data bytes (words
   * big-endian, or bits packed LSB first) are at buf[off..off + byteCount), checked against the
   * count asked for; `buf` is the client's receive buffer, valid only during the call.
   */
  abstract answered(err: Error | undefined, buf: Uint8Array, off: number): void;
}

/** Called once per request: with an error, or with the words (or bits as 0/1) read. */
export type ReadCallback = (err: Error | undefined, values?: number[]) => void;

/** A one-off request answered through a ReadCallback (read(), write()). */
class CallbackTransaction extends ModbusTransaction {
  constructor(
    unitId: number,
    fc: number,
    address: number,
    count: number,
    timeoutMs: number | undefined,
    body: Buffer | undefined,
    private readonly done: ReadCallback,
  ) {
    super(unitId, fc, address, count, timeoutMs, body);
  }

  answered(err: Error | undefined, buf: Uint8Array, off: number): void {
    if (err) this.done(err);
    else if (this.isWrite) this.done(undefined, []);
    else this.done(undefined, unpackValues(this.fc, buf, off, this.count));
  }
}

/** The words (FC 3/4) or bits as 0/1 (FC 1/2) of an answer's data bytes. */
export function unpackValues(fc: number, buf: Uint8Array, off: number, count: number): number[] {
  const values = new Array<number>(count);
  if (fc <= 2) for (let i = 0; i < count; i++) values[i] = (buf[off + (i >> 3)]! >> (i & 7)) & 1;
  else for (let i = 0; i < count; i++) values[i] = (buf[off + 2 * i]! << 8) | buf[off + 2 * i + 1]!;
  return values;
}

export class ModbusTcpClient {
  readonly stats: ClientStats = { requests: 0, timeouts: 0, strays: 0, connects: 0, writes: 0, reads: 0 };
  private socket?: net.Socket;
  private connected = false;
  private closed = false;
  private connectTimer?: NodeJS.Timeout;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private lastFailure = '';
  /**
   * Transactions in flight, at their transaction id modulo the table size (a power of two, at
   * least twice maxInFlight, so a free id is found at once): an array index instead of a Map.
   */
  private readonly table: Array<ModbusTransaction | undefined>;
  private readonly mask: number;
  private pendingCount = 0;
  /** Transactions waiting for a free in-flight slot or for the connection, in order. */
  private queue: Array<ModbusTransaction | undefined> = [];
  private queueHead = 0;
  private nextTid = 0;
  /**
   * Frames encoded this turn are at slab[slabStart..staged), written by flush() as one view of
   * the slab; written bytes are never touched again (the socket may hold them until the kernel
   * takes them): a full slab is replaced, not reused.
   */
  private slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
  private slabStart = 0;
  private staged = 0;
  private readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  /** The start of a frame split across reads (at most one ADU). */
  private readonly partial = Buffer.allocUnsafe(MAX_ADU);
  private partialLength = 0;
  private flushScheduled = false;
  /** Date.now() when the pending flush was scheduled: the send time of the frames it writes. */
  private sendNow = 0;
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
    this.maxInFlight = Math.max(1, Math.min(options.maxInFlight ?? 1, 0x8000));
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 250;
    this.coalesceBurst = options.readCoalescing?.burst ?? 16;
    this.coalesceDelayMs = options.readCoalescing?.delayMs ?? 4;
    this.gate = options.readCoalescing?.gate ?? sharedReadGate;
    this.where = `Modbus TCP ${options.host}:${options.port}`;
    let size = 16;
    while (size < 2 * this.maxInFlight) size *= 2;
    this.table = new Array<ModbusTransaction | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Transactions sent and not yet answered. */
  get inFlight(): number {
    return this.pendingCount;
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
      this.submit(
        new CallbackTransaction(unitId, fc, address, count, timeoutMs, undefined, (err, values) =>
          err ? reject(err) : resolve(values!),
        ),
      );
    });
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
      this.submit(
        new CallbackTransaction(unitId, fc, address, values.length, timeoutMs, body, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    });
  }

  /**
   * Sends a transaction (the polling hot path: the caller keeps it and sends it again after it
   * was answered). Its answered() is called exactly once, never synchronously with an error.
   */
  submit(tx: ModbusTransaction): void {
    if (tx.busy) throw new Error('transaction already sent and not yet answered');
    if (this.closed) {
      failSoon(tx, new ModbusRequestError('connection', `${this.where}: client is closed`));
      return;
    }
    const timeout = tx.requestTimeoutMs ?? this.timeoutMs;
    if (!this.socket) {
      // While the server is unreachable, fail at once rather than opening a socket per request.
      if (Date.now() - this.lastFailureAt < this.reconnectDelayMs) {
        failSoon(tx, new ModbusRequestError('connection', this.lastFailure));
        return;
      }
      this.connect(timeout);
    }
    this.stats.requests++;
    tx.busy = true;
    tx.timeoutMs = timeout;
    if (this.connected && this.pendingCount < this.maxInFlight && this.queueHead === this.queue.length)
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
          if (this.socket === socket) this.onData(buf, n);
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
    this.partialLength = 0;
    this.slabStart = this.staged;
    const failed: ModbusTransaction[] = [];
    for (let i = 0; i < this.table.length; i++) {
      const tx = this.table[i];
      if (tx) {
        failed.push(tx);
        this.table[i] = undefined;
      }
    }
    this.pendingCount = 0;
    for (let i = this.queueHead; i < this.queue.length; i++) failed.push(this.queue[i]!);
    this.queue = [];
    this.queueHead = 0;
    this.disarmTimer();
    for (const tx of failed) {
      tx.busy = false;
      tx.answered(err, NO_BYTES, 0);
    }
    this.checkDrained();
  }

  /** Sends queued transactions while there is room in flight. */
  private pump(): void {
    while (this.connected && this.pendingCount < this.maxInFlight && this.queueHead < this.queue.length) {
      const tx = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined; // let it be collected
      this.send(tx);
    }
    if (this.queueHead === this.queue.length && this.queueHead > 0) {
      this.queue = [];
      this.queueHead = 0;
    }
  }

  private send(tx: ModbusTransaction): void {
    let tid = this.nextTid;
    while (this.table[tid & this.mask] !== undefined) tid = (tid + 1) & 0xffff;
    this.nextTid = (tid + 1) & 0xffff;
    tx.tid = tid;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // One clock reading for everything sent before the flush (the same event-loop turn).
      this.sendNow = Date.now();
      // setImmediate, not a microtask: polls that fire in the same timers phase, and answers that
      // arrive in the same read, all leave in one write.
      setImmediate(this.flush);
    }
    tx.deadline = this.sendNow + tx.timeoutMs;
    this.table[tid & this.mask] = tx;
    this.pendingCount++;
    this.encode(tx);
    this.framesStaged++;
    if (tx.deadline < this.timerAt) this.armTimer(tx.deadline);
  }

  private encode(tx: ModbusTransaction): void {
    const frame = tx.frame;
    const size = frame.length;
    if (this.staged + size > this.slab.length) {
      // A fresh slab: the old one may still be held by the socket for bytes already written.
      const waiting = this.staged - this.slabStart;
      const next = Buffer.allocUnsafeSlow(Math.max(SLAB_SIZE, 2 * (waiting + size)));
      this.slab.copy(next, 0, this.slabStart, this.staged);
      this.slab = next;
      this.slabStart = 0;
      this.staged = waiting;
    }
    const b = this.slab;
    const o = this.staged;
    b[o] = tx.tid >> 8;
    b[o + 1] = tx.tid & 0xff;
    for (let i = 2; i < size; i++) b[o + i] = frame[i]!;
    this.staged = o + size;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.staged === this.slabStart || !this.socket) return;
    // A view, not a copy: these bytes of the slab are never written again.
    const out = this.slab.subarray(this.slabStart, this.staged);
    this.slabStart = this.staged;
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

  /**
   * `n` new bytes at the start of the shared read buffer. Frames are handled where they lie; only
   * a frame split across reads is assembled, in a fixed buffer.
   */
  private onData(buf: Uint8Array, n: number): void {
    this.stats.reads++;
    let off = 0;
    if (this.partialLength > 0) {
      off = this.completePartial(buf, n);
      if (off < 0) return;
    }
    while (n - off >= 6) {
      const length = (buf[off + 4]! << 8) | buf[off + 5]!;
      if (buf[off + 2] !== 0 || buf[off + 3] !== 0 || length < 2 || length > 254) {
        this.outOfStep();
        return;
      }
      if (n - off < 6 + length) break;
      this.onFrame(buf, off, length);
      off += 6 + length;
    }
    // The start of the next frame (shorter than one ADU): the read buffer is overwritten next read.
    if (off < n) {
      this.partial.set(buf.subarray(off, n), 0);
      this.partialLength = n - off;
    }
    // Answers to a burst still due: read the next ones in one gated step, not packet by packet.
    if (this.inBurst) {
      if (this.pendingCount === 0) this.inBurst = false;
      else this.holdReads();
    }
    this.pump();
    this.checkDrained();
  }

  /**
   * Adds bytes of a new read to the split frame; handles it once whole. Returns how many bytes of
   * the read it took (all of them if the frame is still not whole), or -1 if the stream is broken.
   */
  private completePartial(buf: Uint8Array, n: number): number {
    const p = this.partial;
    let used = 0;
    if (this.partialLength < 6) {
      used = Math.min(6 - this.partialLength, n);
      p.set(buf.subarray(0, used), this.partialLength);
      this.partialLength += used;
      if (this.partialLength < 6) return used;
    }
    const length = (p[4]! << 8) | p[5]!;
    if (p[2] !== 0 || p[3] !== 0 || length < 2 || length > 254) {
      this.outOfStep();
      return -1;
    }
    const take = Math.min(6 + length - this.partialLength, n - used);
    p.set(buf.subarray(used, used + take), this.partialLength);
    this.partialLength += take;
    used += take;
    if (this.partialLength === 6 + length) {
      this.partialLength = 0;
      this.onFrame(p, 0, length);
    }
    return used;
  }

  /** Not Modbus (or out of step): nothing after this can be trusted. */
  private outOfStep(): void {
    this.partialLength = 0;
    this.socket?.destroy(new Error('malformed MBAP header'));
  }

  /** One complete frame at buf[off..off+6+length). */
  private onFrame(buf: Uint8Array, off: number, length: number): void {
    const tid = (buf[off]! << 8) | buf[off + 1]!;
    const slot = tid & this.mask;
    const tx = this.table[slot];
    if (tx === undefined || tx.tid !== tid) {
      this.stats.strays++;
      return;
    }
    this.table[slot] = undefined;
    this.pendingCount--;
    tx.busy = false;
    // The unit id in the answer is not checked: the transaction id identifies the request, and
    // some devices answer with unit 0 or 255 whatever was asked.
    const fc = buf[off + 7]!;
    const pdu = off + 8; // first byte after the function code
    const pduBytes = length - 2;
    if (fc === (tx.fc | 0x80)) {
      if (pduBytes >= 1) tx.answered(exceptionError(buf[pdu]!), NO_BYTES, 0);
      else tx.answered(this.malformed(tx, 'exception without a code'), NO_BYTES, 0);
      return;
    }
    if (fc !== tx.fc) {
      tx.answered(this.malformed(tx, `answer has function code ${fc}`), NO_BYTES, 0);
      return;
    }
    if (tx.isWrite) {
      // Writes echo the address (and value or quantity): 4 bytes.
      if (pduBytes < 4) tx.answered(this.malformed(tx, `${pduBytes}-byte answer to a write`), NO_BYTES, 0);
      else tx.answered(undefined, buf, pdu);
      return;
    }
    const expected = fc <= 2 ? (tx.count + 7) >> 3 : tx.count * 2;
    const byteCount = buf[pdu]!;
    if (pduBytes < 1 || byteCount !== expected || pduBytes !== 1 + byteCount) {
      tx.answered(
        this.malformed(
          tx,
          `short or long answer: ${pduBytes - 1} data bytes, byte count ${byteCount}, expected ${expected}`,
        ),
        NO_BYTES,
        0,
      );
      return;
    }
    tx.answered(undefined, buf, pdu + 1);
  }

  private malformed(tx: ModbusTransaction, what: string): ModbusRequestError {
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
   * just leave the table, and the timer, when it fires, fails what is overdue and re-arms.
   */
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = NO_TIMER;
    const now = Date.now();
    let next = NO_TIMER;
    const overdue: ModbusTransaction[] = [];
    for (let i = 0; i < this.table.length; i++) {
      const tx = this.table[i];
      if (tx === undefined) continue;
      if (tx.deadline <= now) {
        overdue.push(tx);
        this.table[i] = undefined;
        this.pendingCount--;
      } else if (tx.deadline < next) next = tx.deadline;
    }
    for (const tx of overdue) {
      this.stats.timeouts++;
      tx.busy = false;
      tx.answered(
        new ModbusRequestError('timeout', `no response (timed out after ${tx.timeoutMs} ms)`),
        NO_BYTES,
        0,
      );
    }
    if (next !== NO_TIMER && next < this.timerAt) this.armTimer(next);
    this.pump();
    this.checkDrained();
  };

  private checkDrained(): void {
    if (this.drained && this.pendingCount === 0 && this.queueHead === this.queue.length) {
      this.drained();
      this.drained = undefined;
    }
  }

  /** Waits for the transactions in flight to settle, then closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pendingCount > 0 || this.queueHead < this.queue.length)
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
function failSoon(tx: ModbusTransaction, err: ModbusRequestError): void {
  tx.busy = true;
  queueMicrotask(() => {
    tx.busy = false;
    tx.answered(err, NO_BYTES, 0);
  });
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
