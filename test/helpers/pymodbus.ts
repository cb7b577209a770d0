import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnManaged } from './child.js';
import { freePort, LOOPBACK, withPortRetry } from './ports.js';
import { requireDebianPackage } from './require-tool.js';
import { type ServiceControl, serviceControl, waitReady } from './service.js';
import { makeTempDir } from './temp-dir.js';

// Debian's python3-pymodbus (3.0.0rc1) as an independent third-party Modbus peer: a slave that
// our master must read, and a master that must read our simulator. Only /usr/bin/python3 has it:
// another python3 (pyenv) may come first on PATH.

export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Where the peer is: Modbus TCP on loopback, or Modbus RTU over a serial device (e.g. a socat pty). */
export type ModbusLink =
  | { transport: 'tcp'; host?: string; port: number }
  | { transport: 'rtu'; serialPath: string; baud?: number };

export type PymodbusServerOptions = (
  | { transport: 'tcp' /** default: a free port */; port?: number }
  | { transport: 'rtu'; serialPath: string; baud?: number }
) & {
  unitId: number;
  /** Values from address 0. A table given here has exactly this many entries (reads past it get
   * exception 2, illegal data address); a table left out is 65536 zeros. */
  holding?: number[];
  input?: number[];
  coils?: boolean[];
  discrete?: boolean[];
};

export interface PymodbusServerHandle extends ServiceControl {
  readonly transport: 'tcp' | 'rtu';
  /** TCP only. */
  readonly host?: string;
  readonly port?: number;
  /** RTU only. */
  readonly serialPath?: string;
  readonly unitId: number;
}

export type ReadOptions = ModbusLink & {
  unitId: number;
  address: number;
  count: number;
  /** Seconds (pymodbus 3.0 truncates to an integer; minimum 1). Default 3. */
  timeoutS?: number;
};

// String.raw so a future backslash in the Python source reaches Python unchanged.
const SERVER_SCRIPT = String.raw`
import asyncio, json, logging, os, sys, threading

logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.framer.rtu_framer import ModbusRtuFramer
from pymodbus.server import StartAsyncSerialServer, StartAsyncTcpServer

with open(sys.argv[1]) as f:
    cfg = json.load(f)

def watch_parent():
    # stdin is a pipe held by the test process: EOF means it died, so don't linger.
    # Raw os.read: a daemon thread blocked in sys.stdin's buffered reader aborts the interpreter
    # at shutdown ("could not acquire lock for <stdin>").
    while os.read(0, 4096):
        pass
    os._exit(0)

threading.Thread(target=watch_parent, daemon=True).start()

def block(values):
    if values is None:
        return ModbusSequentialDataBlock.create()  # 65536 zeros from address 0
    return ModbusSequentialDataBlock(0, values)

# zero_mode=True: request address N is table entry N (the default adds 1 to every address).
slave = ModbusSlaveContext(
    hr=block(cfg.get("holding")),
    ir=block(cfg.get("input")),
    co=block(cfg.get("coils")),
    di=block(cfg.get("discrete")),
    zero_mode=True,
)
context = ModbusServerContext(slaves={cfg["unitId"]: slave}, single=False)

async def main():
    if cfg["transport"] == "tcp":
        server = await StartAsyncTcpServer(
            context=context,
            address=(cfg["host"], cfg["port"]),
            allow_reuse_address=True,  # restart on the same port despite TIME_WAIT
            defer_start=True,
        )
        task = asyncio.create_task(server.serve_forever())
        await asyncio.wait([task, server.serving], return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # raises the bind error
            raise SystemExit("server stopped before serving")
    else:
        # The serial factory defaults to the ASCII framer: RTU must be asked for.
        server = await StartAsyncSerialServer(
            context=context,
            framer=ModbusRtuFramer,
            port=cfg["serialPath"],
            baudrate=cfg["baud"],
            defer_start=True,
        )
        await server.start()
        if server.transport is None:
            raise SystemExit("could not open serial port " + cfg["serialPath"])
        task = asyncio.create_task(server.serve_forever())
    print("READY", flush=True)
    await task

asyncio.run(main())
`;

const CLIENT_SCRIPT = String.raw`
import json, logging, sys

logging.basicConfig(level=logging.ERROR, stream=sys.stderr)

from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.framer.rtu_framer import ModbusRtuFramer

cfg = json.loads(sys.argv[1])
timeout = max(1, int(cfg["timeout"]))
if cfg["transport"] == "tcp":
    client = ModbusTcpClient(cfg["host"], port=cfg["port"], timeout=timeout, retries=1)
else:
    client = ModbusSerialClient(
        cfg["serialPath"], framer=ModbusRtuFramer, baudrate=cfg["baud"], timeout=timeout, retries=1
    )
if not client.connect():
    sys.exit("pymodbus client: cannot connect")
read = {
    1: client.read_coils,
    2: client.read_discrete_inputs,
    3: client.read_holding_registers,
    4: client.read_input_registers,
}[cfg["fc"]]
# pymodbus 3.0 names the unit id "slave=" ("unit=" still works but logs an error).
rr = read(cfg["address"], cfg["count"], slave=cfg["unitId"])
client.close()
if rr.isError():
    sys.exit("pymodbus client: " + str(rr))
# Bits come back padded to a multiple of 8.
values = rr.bits[: cfg["count"]] if cfg["fc"] in (1, 2) else rr.registers
print(json.dumps(values))
`;

async function requirePymodbus(): Promise<void> {
  const DIST = '/usr/lib/python3/dist-packages';
  await requireDebianPackage(
    'pymodbus for /usr/bin/python3',
    'python3-pymodbus',
    () => existsSync(SYSTEM_PYTHON) && existsSync(`${DIST}/pymodbus/__init__.py`),
  );
  // pymodbus.server imports pyserial and its asyncio transport, which python3-pymodbus only
  // recommends: an install without recommends (as CI's) has pymodbus but no server.
  await requireDebianPackage('pyserial for /usr/bin/python3', 'python3-serial', () =>
    existsSync(`${DIST}/serial/__init__.py`),
  );
  await requireDebianPackage('pyserial-asyncio for /usr/bin/python3', 'python3-serial-asyncio', () =>
    existsSync(`${DIST}/serial_asyncio/__init__.py`),
  );
}

/** Runs a pymodbus slave with the given tables; resolves once it prints READY. */
export async function startPymodbusServer(options: PymodbusServerOptions): Promise<PymodbusServerHandle> {
  await requirePymodbus();
  return withPortRetry(async () => {
    const dir = makeTempDir('pymodbus');
    try {
      const scriptPath = join(dir.path, 'server.py');
      const configPath = join(dir.path, 'config.json');
      writeFileSync(scriptPath, SERVER_SCRIPT);
      const port = options.transport === 'tcp' ? (options.port ?? (await freePort())) : undefined;
      const baud = options.transport === 'rtu' ? (options.baud ?? 19_200) : undefined;
      writeFileSync(configPath, JSON.stringify({ ...options, host: LOOPBACK, port, baud }));
      const where = options.transport === 'tcp' ? `${LOOPBACK}:${port}` : options.serialPath;
      const launch = () => {
        const child = spawnManaged('pymodbus server', SYSTEM_PYTHON, [scriptPath, configPath], {
          cwd: dir.path,
          stdinPipe: true,
        });
        return waitReady(child, () => child.output().includes('READY'), {
          what: `pymodbus ${options.transport} server on ${where}`,
        });
      };
      const control = serviceControl({ launch, first: await launch(), dir });
      return options.transport === 'tcp'
        ? { ...control, transport: 'tcp', host: LOOPBACK, port, unitId: options.unitId }
        : { ...control, transport: 'rtu', serialPath: options.serialPath, unitId: options.unitId };
    } catch (err) {
      dir.remove();
      throw err;
    }
  });
}

function runPython(code: string, arg: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(SYSTEM_PYTHON, ['-c', code, arg], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message.split('\n')[0]}\n${stderr.trim()}`));
      else resolve(stdout);
    });
  });
}

/** A third-party master (pymodbus) reads `count` values: bits for fc 1/2, registers for fc 3/4. */
export function pymodbusRead(options: ReadOptions & { fc: 1 | 2 }): Promise<boolean[]>;
export function pymodbusRead(options: ReadOptions & { fc: 3 | 4 }): Promise<number[]>;
export async function pymodbusRead(
  options: ReadOptions & { fc: 1 | 2 | 3 | 4 },
): Promise<number[] | boolean[]> {
  await requirePymodbus();
  const timeoutS = options.timeoutS ?? 3;
  const config = {
    ...options,
    host: options.transport === 'tcp' ? (options.host ?? LOOPBACK) : undefined,
    baud: options.transport === 'rtu' ? (options.baud ?? 19_200) : undefined,
    timeout: timeoutS,
  };
  const stdout = await runPython(CLIENT_SCRIPT, JSON.stringify(config), (timeoutS + 10) * 1_000);
  return JSON.parse(stdout) as number[] | boolean[];
}
