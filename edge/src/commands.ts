import type { Logger } from 'pino';
import {
  type CommandError,
  type CommandRequest,
  type CommandResponse,
  commandRequestParser,
  type DeviceProfile,
  decodeRegister,
  encodeRegister,
  registerSpan,
} from '../../protocols/src/index.js';
import { ModbusRequestError } from './bus/modbus-bus.js';
import type { PollingSet } from './polling.js';
import { scanBus } from './scan.js';

class CommandFailure extends Error {
  constructor(
    readonly code: CommandError['code'],
    message: string,
  ) {
    super(message);
  }
}

export interface CommandContext {
  gatewayId: string;
  polling: () => PollingSet;
  profiles: () => Map<string, DeviceProfile>;
  reload: () => Promise<string | undefined>;
  logger: Logger;
}

function deviceOf(ctx: CommandContext, id: string) {
  const set = ctx.polling();
  const device = set.config.devices.find((d) => d.id === id);
  if (!device) throw new CommandFailure('unknown_device', `no device "${id}" on this gateway`);
  return { device, bus: set.buses.get(device.bus)!, profile: ctx.profiles().get(device.profile)! };
}

async function execute(ctx: CommandContext, req: CommandRequest): Promise<Record<string, unknown>> {
  switch (req.op) {
    case 'read_register': {
      const { device, bus, profile } = deviceOf(ctx, req.args.device);
      if (req.args.register !== undefined) {
        const reg = profile.registers.find((r) => r.name === req.args.register);
        if (!reg)
          throw new CommandFailure(
            'unknown_register',
            `${profile.model} has no register "${req.args.register}"`,
          );
        const raw = await bus.read(device.unitId, reg.area, reg.address, registerSpan(reg));
        return { value: decodeRegister(reg, raw), raw };
      }
      const raw = await bus.read(device.unitId, req.args.area!, req.args.address!, req.args.count ?? 1);
      return { raw };
    }
    case 'write_register': {
      const { device, bus, profile } = deviceOf(ctx, req.args.device);
      const reg = profile.registers.find((r) => r.name === req.args.register);
      if (!reg)
        throw new CommandFailure(
          'unknown_register',
          `${profile.model} has no register "${req.args.register}"`,
        );
      if (!reg.writable || (reg.area !== 'holding' && reg.area !== 'coil'))
        throw new CommandFailure('not_writable', `${profile.model} register "${reg.name}" is not writable`);
      await bus.write(device.unitId, reg.area, reg.address, encodeRegister(reg, req.args.value));
      return { value: req.args.value };
    }
    case 'rescan': {
      const set = ctx.polling();
      const buses = req.args.bus ? [req.args.bus] : [...set.buses.keys()];
      const found: Array<{ bus: string; unitId: number; model?: string }> = [];
      for (const id of buses) {
        const bus = set.buses.get(id);
        if (!bus) throw new CommandFailure('invalid_args', `no bus "${id}"`);
        const hits = await scanBus(bus, ctx.profiles().values(), {
          fromUnit: req.args.fromUnit ?? 1,
          toUnit: req.args.toUnit ?? 32,
          timeoutMs: 200,
        });
        for (const h of hits) {
          const entry: { bus: string; unitId: number; model?: string } = { bus: id, unitId: h.unitId };
          if (h.likelyProfiles[0]) entry.model = h.likelyProfiles[0];
          found.push(entry);
        }
      }
      return { found };
    }
    case 'reload': {
      const version = await ctx.reload();
      return version ? { configVersion: version } : {};
    }
  }
}

function toError(err: unknown): CommandError {
  if (err instanceof CommandFailure) return { code: err.code, message: err.message };
  if (err instanceof ModbusRequestError)
    return {
      code: err.kind === 'timeout' ? 'timeout' : err.kind === 'exception' ? 'modbus_exception' : 'busy',
      message: err.message,
    };
  return { code: 'internal', message: (err as Error).message ?? String(err) };
}

/** Answers one command request (cmd/{op}); never throws, every failure becomes an error response. */
export async function handleCommand(
  ctx: CommandContext,
  payload: Buffer,
  now = Date.now(),
): Promise<CommandResponse | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch {
    ctx.logger.warn('command with malformed JSON ignored (no correlation id to answer)');
    return undefined;
  }
  const base = { v: 1 as const, gatewayId: ctx.gatewayId, ts: now };
  const envelope = raw as { id?: unknown; op?: unknown };
  let req: CommandRequest;
  try {
    req = commandRequestParser.parse(raw);
  } catch (err) {
    if (typeof envelope.id !== 'string' || typeof envelope.op !== 'string') return undefined;
    return {
      ...base,
      id: envelope.id,
      op: envelope.op,
      status: 'error',
      error: { code: 'invalid_args', message: (err as Error).message },
    } as CommandResponse;
  }
  if (req.timeoutMs !== undefined && req.issuedAt + req.timeoutMs < now)
    return {
      ...base,
      id: req.id,
      op: req.op,
      status: 'error',
      error: { code: 'expired', message: 'request expired before it was handled' },
    };
  try {
    const result = await execute(ctx, req);
    return { ...base, id: req.id, op: req.op, status: 'ok', result } as CommandResponse;
  } catch (err) {
    return { ...base, id: req.id, op: req.op, status: 'error', error: toError(err) };
  }
}
