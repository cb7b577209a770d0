import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModbusRequestError } from '../../edge/src/bus/errors.js';
import { ModbusTcpClient } from '../../edge/src/bus/modbus-tcp-client.js';
import { SimDevice } from '../../firmware-sim/src/devices/sim-device.js';
import { handlePdu, SILENCE } from '../../firmware-sim/src/modbus/pdu.js';
import { ModbusTcpServer } from '../../firmware-sim/src/modbus/tcp-server.js';
import { type RunningSimulator, startSimulator } from '../../firmware-sim/src/simulator.js';
import { loadProfiles } from '../../protocols/src/index.js';
import { freePort } from '../helpers/ports.js';
import { type PymodbusServerHandle, startPymodbusServer } from '../helpers/pymodbus.js';

const clients: ModbusTcpClient[] = [];
function client(port: number, opts: { maxInFlight?: number; timeoutMs?: number } = {}): ModbusTcpClient {
  const c = new ModbusTcpClient({ host: '127.0.0.1', port, reconnectDelayMs: 50, ...opts });
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

async function rejection(p: Promise<unknown>): Promise<ModbusRequestError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModbusRequestError);
    return err as ModbusRequestError;
  }
  throw new Error('expected the request to fail');
}

describe('ModbusTcpClient against firmware-sim', () => {
  let sim: RunningSimulator;
  const device = (unit: number) => sim.community.devices.get(unit)!;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, waterMeters: 20 });
    // Frozen values, so what the client reads can be compared with the device's own registers.
    for (let u = 1; u <= 20; u++) device(u).fault = 'stuck';
  });
  afterAll(async () => {
    await sim?.stop();
  });
  afterEach(() => {
    for (let u = 1; u <= 20; u++) device(u).fault = 'stuck';
  });

  it('pipelines up to maxInFlight transactions and matches each answer to its request', async () => {
    const c = client(sim.port, { maxInFlight: 8 });
    await c.read(1, 3, 0, 5); // connects
    const writesBefore = c.stats.writes;
    const reads = Array.from({ length: 60 }, (_, i) => {
      const unit = (i % 20) + 1;
      return i % 2 === 0 ? c.read(unit, 3, 0, 5) : c.read(unit, 4, 0, 1);
    });
    // Sent synchronously up to the limit, the rest queued.
    expect(c.inFlight).toBe(8);
    const answers = await Promise.all(reads);
    answers.forEach((words, i) => {
      const unit = (i % 20) + 1;
      expect(words).toEqual(
        i % 2 === 0 ? device(unit).read('holding', 0, 5) : device(unit).read('input', 0, 1),
      );
    });
    // Frames queued in one turn leave in one write: far fewer writes than requests.
    expect(c.stats.writes - writesBefore).toBeLessThan(60 / 4);
    expect(c.stats.requests).toBe(61);
    expect(c.inFlight).toBe(0);
  });

  it('reads bits as 0/1 (discrete inputs, coils)', async () => {
    const c = client(sim.port);
    device(3).set('leak', true);
    expect(await c.read(3, 2, 0, 1)).toEqual([1]);
    device(3).set('leak', false);
    expect(await c.read(3, 2, 0, 1)).toEqual([0]);
  });

  it('classifies exception answers with their code and keeps the connection', async () => {
    const c = client(sim.port, { maxInFlight: 4 });
    device(2).fault = 'busy';
    device(4).fault = 'failure';
    const [busy, failure, address, noUnit, ok] = await Promise.allSettled([
      c.read(2, 3, 0, 5),
      c.read(4, 3, 0, 5),
      c.read(5, 3, 10, 5), // past the meter's register map
      c.read(200, 3, 0, 1), // no device behind this unit id: the gateway answers 0x0B
      c.read(6, 3, 0, 5),
    ]);
    const code = (r: PromiseSettledResult<unknown>) =>
      r.status === 'rejected'
        ? [(r.reason as ModbusRequestError).kind, (r.reason as ModbusRequestError).exceptionCode]
        : 'ok';
    expect([code(busy), code(failure), code(address), code(noUnit)]).toEqual([
      ['exception', 6],
      ['exception', 4],
      ['exception', 2],
      ['exception', 11],
    ]);
    expect(ok.status).toBe('fulfilled');
    expect(c.stats.connects).toBe(1);
  });

  it('times out a silent device without holding up the answers pipelined behind it', async () => {
    const c = client(sim.port, { maxInFlight: 4, timeoutMs: 300 });
    device(7).fault = 'silent';
    const started = Date.now();
    const silent = rejection(c.read(7, 3, 0, 5));
    const others = await Promise.all([c.read(8, 3, 0, 5), c.read(9, 4, 0, 1), c.read(10, 2, 0, 1)]);
    expect(Date.now() - started).toBeLessThan(250);
    expect(others[0]).toEqual(device(8).read('holding', 0, 5));
    const err = await silent;
    expect(err.kind).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(c.stats.timeouts).toBe(1);
    // The connection is still good afterwards.
    expect(await c.read(8, 4, 0, 1)).toEqual(device(8).read('input', 0, 1));
  });

  it('a per-request timeout overrides the default', async () => {
    const c = client(sim.port, { timeoutMs: 5_000 });
    device(11).fault = 'silent';
    const started = Date.now();
    expect((await rejection(c.read(11, 3, 0, 5, 150))).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('with maxInFlight 1 sends one transaction at a time, in order', async () => {
    const c = client(sim.port, { maxInFlight: 1 });
    await c.read(1, 3, 0, 1);
    const order: number[] = [];
    const reads = [12, 13, 14].map((u) =>
      c.read(u, 3, 0, 5).then((w) => {
        order.push(u);
        return w;
      }),
    );
    expect(c.inFlight).toBe(1);
    await Promise.all(reads);
    expect(order).toEqual([12, 13, 14]);
  });

  it('writes a register and a coil (echo answers)', async () => {
    const c = client(sim.port);
    // The water meter has no writable register: the device refuses with 0x02, as real ones do.
    const err = await rejection(c.write(1, 'holding', 4, [50]));
    expect([err.kind, err.exceptionCode]).toEqual(['exception', 2]);
  });
});

describe('ModbusTcpClient: connection loss and bad answers', () => {
  const profile = loadProfiles().get('linli-ds-200')!;
  const door = new SimDevice('door', 1, profile);
  door.set('open_count', 123_456);
  const handle = (unit: number, pdu: Buffer) => (unit === 1 ? handlePdu(pdu, door) : SILENCE);

  it('fails what is pending with kind connection when the server goes away, and reconnects on next use', async () => {
    const port = await freePort();
    let server = new ModbusTcpServer({ port, handle });
    await server.start();
    const c = client(port, { maxInFlight: 2, timeoutMs: 2_000 });
    expect(await c.read(1, 3, 0, 2)).toEqual([0xe240, 0x0001]);
    // A request the server never answers is pending when the server stops.
    const pending = rejection(c.read(9, 3, 0, 1));
    await new Promise((r) => setTimeout(r, 50));
    await server.stop();
    const lost = await pending;
    expect(lost.kind).toBe('connection');
    expect(lost.message).toMatch(/connection lost/);
    // Nothing listens: a clear error, fast.
    await new Promise((r) => setTimeout(r, 60));
    const refused = await rejection(c.read(1, 3, 0, 2));
    expect(refused.kind).toBe('connection');
    expect(refused.message).toMatch(
      /cannot open Modbus TCP 127\.0\.0\.1:\d+: .*ECONNREFUSED.*nothing listens/,
    );
    server = new ModbusTcpServer({ port, handle });
    await server.start();
    try {
      await new Promise((r) => setTimeout(r, 60)); // past the reconnect delay
      expect(await c.read(1, 2, 1, 1)).toEqual([0]);
      expect(c.stats.connects).toBe(2);
    } finally {
      await server.stop();
    }
  });

  /** A server that answers every request with what `reply` makes of it. */
  async function rawServer(
    reply: (req: Buffer, socket: net.Socket) => void,
  ): Promise<{ port: number; close(): Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('data', (d) => reply(d, s));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      port: (server.address() as net.AddressInfo).port,
      close: () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
    };
  }

  const mbap = (tid: number, unit: number, pdu: number[]) =>
    Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, pdu.length + 1, unit, ...pdu]);

  it('rejects a short answer (byte count too small) as malformed, and the connection stays usable', async () => {
    let n = 0;
    const srv = await rawServer((req, s) => {
      const tid = req.readUInt16BE(0);
      // First answer: 2 registers asked, 1 given. Second: right.
      s.write(n++ === 0 ? mbap(tid, 1, [3, 2, 0, 7]) : mbap(tid, 1, [3, 4, 0, 7, 0, 8]));
    });
    try {
      const c = client(srv.port);
      const err = await rejection(c.read(1, 3, 0, 2));
      expect(err.kind).toBe('malformed');
      expect(err.message).toMatch(/byte count 2, expected 4/);
      expect(await c.read(1, 3, 0, 2)).toEqual([7, 8]);
    } finally {
      await srv.close();
    }
  });

  it('rejects an answer with the wrong function code as malformed', async () => {
    const srv = await rawServer((req, s) => s.write(mbap(req.readUInt16BE(0), 1, [4, 2, 0, 1])));
    try {
      const err = await rejection(client(srv.port).read(1, 3, 0, 1));
      expect([err.kind, err.message]).toEqual(['malformed', expect.stringMatching(/function code 4/)]);
    } finally {
      await srv.close();
    }
  });

  it('ignores answers to no pending transaction, and assembles frames split across packets', async () => {
    const srv = await rawServer((req, s) => {
      const tid = req.readUInt16BE(0);
      const frame = mbap(tid, 1, [3, 2, 0x12, 0x34]);
      s.write(mbap((tid + 100) & 0xffff, 1, [3, 2, 0, 1])); // a stray
      s.write(frame.subarray(0, 5));
      setTimeout(() => s.write(frame.subarray(5)), 20);
    });
    try {
      const c = client(srv.port);
      expect(await c.read(1, 3, 0, 1)).toEqual([0x1234]);
      expect(c.stats.strays).toBe(1);
    } finally {
      await srv.close();
    }
  });

  it('reassembles answers however TCP cuts them: split at every byte, several in one read, byte by byte', async () => {
    // The client pipelines three reads; the server answers all three (words, bits, an exception)
    // as one byte stream, written in two chunks cut at byte `cut` (each chunk holds a frame's end
    // and/or whole frames and/or a frame's start), or one byte per chunk when cut is 0.
    let cut = 0;
    let round = 0;
    let pendingReq = Buffer.alloc(0);
    const srv = await rawServer((data, s) => {
      s.setNoDelay(true);
      pendingReq = Buffer.concat([pendingReq, data]);
      const reqs: Array<{ tid: number; fc: number; count: number }> = [];
      while (pendingReq.length >= 12) {
        reqs.push({
          tid: pendingReq.readUInt16BE(0),
          fc: pendingReq[7]!,
          count: pendingReq.readUInt16BE(10),
        });
        pendingReq = pendingReq.subarray(12);
      }
      if (reqs.length < 3) return;
      const r = round++;
      const answers = reqs.map(({ tid, fc, count }) => {
        if (fc === 3)
          return mbap(tid, 1, [3, count * 2, ...Array.from({ length: count }, (_, i) => [r, i]).flat()]);
        if (fc === 2) return mbap(tid, 1, [2, (count + 7) >> 3, r & 1 ? 0b101 : 0b010, 0b1]);
        return mbap(tid, 1, [fc | 0x80, 2]);
      });
      const stream = Buffer.concat(answers);
      const chunks =
        cut === 0
          ? [...stream].map((b) => Buffer.from([b]))
          : [stream.subarray(0, cut), stream.subarray(cut)];
      let i = 0;
      const next = () => {
        if (s.destroyed) return;
        s.write(chunks[i++]!);
        if (i < chunks.length) setTimeout(next, cut === 0 ? 1 : 3);
      };
      next();
    });
    try {
      const c = client(srv.port, { maxInFlight: 3 });
      const streamLength = 9 + 10 + (9 + 2) + 9; // FC 3 x5 words, FC 2 x9 bits, an exception
      for (cut = 0; cut < streamLength; cut++) {
        const expected = round;
        const [words, bits, failure] = await Promise.allSettled([
          c.read(1, 3, 0, 5),
          c.read(1, 2, 0, 9),
          c.read(1, 4, 0, 1),
        ]);
        expect(words, `cut ${cut}`).toEqual({
          status: 'fulfilled',
          value: [0, 1, 2, 3, 4].map((i) => (expected << 8) | i),
        });
        expect(bits, `cut ${cut}`).toEqual({
          status: 'fulfilled',
          value: expected & 1 ? [1, 0, 1, 0, 0, 0, 0, 0, 1] : [0, 1, 0, 0, 0, 0, 0, 0, 1],
        });
        expect(failure.status).toBe('rejected');
        expect((failure as PromiseRejectedResult).reason.exceptionCode, `cut ${cut}`).toBe(2);
      }
      expect(round).toBe(streamLength);
      expect([c.stats.strays, c.stats.timeouts, c.stats.connects]).toEqual([0, 0, 1]);
    } finally {
      await srv.close();
    }
  });

  it('drops the connection on garbage that is not Modbus at all, failing what is pending', async () => {
    let n = 0;
    const srv = await rawServer((req, s) => {
      if (n++ === 0) s.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
      else s.write(mbap(req.readUInt16BE(0), 1, [3, 2, 0, 42]));
    });
    try {
      const c = client(srv.port);
      const err = await rejection(c.read(1, 3, 0, 1));
      expect([err.kind, err.message]).toEqual(['connection', expect.stringMatching(/malformed MBAP header/)]);
      await new Promise((r) => setTimeout(r, 60));
      expect(await c.read(1, 3, 0, 1)).toEqual([42]);
    } finally {
      await srv.close();
    }
  });
});

describe('ModbusTcpClient against a third-party server (pymodbus)', () => {
  let server: PymodbusServerHandle;

  beforeAll(async () => {
    server = await startPymodbusServer({
      transport: 'tcp',
      unitId: 1,
      holding: Array.from({ length: 100 }, (_, i) => i * 3),
      input: [0xffff, 0x8000],
      coils: [true, false, true, true, false, false, false, false, true],
      discrete: [false, true],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads every area, pipelined, with the values pymodbus holds', async () => {
    const c = client(server.port!, { maxInFlight: 4, timeoutMs: 2_000 });
    const [holding, input, coils, discrete, many] = await Promise.all([
      c.read(1, 3, 10, 3),
      c.read(1, 4, 0, 2),
      c.read(1, 1, 0, 9),
      c.read(1, 2, 0, 2),
      c.read(1, 3, 0, 100),
    ]);
    expect(holding).toEqual([30, 33, 36]);
    expect(input).toEqual([0xffff, 0x8000]);
    expect(coils).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 1]);
    expect(discrete).toEqual([0, 1]);
    expect(many).toEqual(Array.from({ length: 100 }, (_, i) => i * 3));
  });

  it('writes registers and coils, then reads them back', async () => {
    const c = client(server.port!, { timeoutMs: 2_000 });
    await c.write(1, 'holding', 50, [0xbeef]);
    await c.write(1, 'holding', 60, [1, 2, 3]);
    await c.write(1, 'coil', 1, [1]);
    await c.write(1, 'coil', 4, [1, 0, 1]);
    expect(await c.read(1, 3, 50, 1)).toEqual([0xbeef]);
    expect(await c.read(1, 3, 60, 3)).toEqual([1, 2, 3]);
    expect(await c.read(1, 1, 0, 7)).toEqual([1, 1, 1, 1, 1, 0, 1]);
  });

  it('reports an illegal data address exception with code 2', async () => {
    const err = await rejection(client(server.port!, { timeoutMs: 2_000 }).read(1, 4, 1, 10));
    expect([err.kind, err.exceptionCode]).toEqual(['exception', 2]);
  });

  it('reconnects after the server restarts', async () => {
    const c = client(server.port!, { timeoutMs: 2_000 });
    expect(await c.read(1, 3, 1, 1)).toEqual([3]);
    await server.restart();
    // The first request after the restart may find the old socket closed; the next one reconnects.
    let words: number[] | undefined;
    for (let i = 0; i < 20 && !words; i++) {
      words = await c.read(1, 3, 2, 1).catch((err: ModbusRequestError) => {
        expect(err.kind).toBe('connection');
        return new Promise<undefined>((r) => setTimeout(() => r(undefined), 100));
      });
    }
    expect(words).toEqual([6]);
    expect(c.stats.connects).toBe(2);
  });
});
