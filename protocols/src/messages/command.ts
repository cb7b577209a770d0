import { type Static, type TSchema, Type } from 'typebox';
import { FIELD_NAME_PATTERN, FunctionArea } from '../profiles/schema.js';
import { ID_PATTERN } from '../topics.js';
import { createParser, type Issue, type Parser } from '../validation.js';
import { withRules } from './refine.js';

/**
 * Request/response commands, cloud -> edge on linli/v1/{gw}/cmd/{op}, answered on .../cmd/{op}/result.
 * The correlation id ties a response to its request (several may be in flight). Each op has its own
 * args and result schema; the envelope is validated first, then the op's part, so an error names
 * the one bad field instead of every branch of a union.
 */
const Id = Type.String({ pattern: ID_PATTERN });
const FieldName = Type.String({ pattern: FIELD_NAME_PATTERN });
const Strict = { additionalProperties: false } as const;

/** Either a profile register by name (decoded), or raw words/bits at an address. */
const ReadRegisterArgs = Type.Object(
  {
    device: Id,
    register: Type.Optional(FieldName),
    area: Type.Optional(FunctionArea),
    address: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 125 })),
  },
  Strict,
);
const WriteRegisterArgs = Type.Object(
  { device: Id, register: FieldName, value: Type.Union([Type.Number(), Type.Boolean()]) },
  Strict,
);
const RescanArgs = Type.Object(
  {
    bus: Type.Optional(Id),
    fromUnit: Type.Optional(Type.Integer({ minimum: 1, maximum: 247 })),
    toUnit: Type.Optional(Type.Integer({ minimum: 1, maximum: 247 })),
  },
  Strict,
);
const ReloadArgs = Type.Object({}, Strict);

export const CommandArgs = {
  read_register: ReadRegisterArgs,
  write_register: WriteRegisterArgs,
  rescan: RescanArgs,
  reload: ReloadArgs,
} as const;

const FieldValue = Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 256 })]);

export const CommandResults = {
  read_register: Type.Object(
    { value: Type.Optional(FieldValue), raw: Type.Array(Type.Integer({ minimum: 0, maximum: 65535 })) },
    Strict,
  ),
  write_register: Type.Object({ value: Type.Union([Type.Number(), Type.Boolean()]) }, Strict),
  rescan: Type.Object(
    {
      found: Type.Array(
        Type.Object(
          {
            bus: Id,
            unitId: Type.Integer({ minimum: 1, maximum: 247 }),
            model: Type.Optional(Type.String()),
          },
          Strict,
        ),
      ),
    },
    Strict,
  ),
  reload: Type.Object({ configVersion: Type.Optional(Type.String({ maxLength: 128 })) }, Strict),
} as const;

export type CommandOp = keyof typeof CommandArgs;
export const COMMAND_OPS = Object.keys(CommandArgs) as CommandOp[];
const Op = Type.Union([
  Type.Literal('read_register'),
  Type.Literal('write_register'),
  Type.Literal('rescan'),
  Type.Literal('reload'),
]);

export type CommandArgsOf<K extends CommandOp> = Static<(typeof CommandArgs)[K]>;
export type CommandResultOf<K extends CommandOp> = Static<(typeof CommandResults)[K]>;

const RequestEnvelope = Type.Object(
  {
    v: Type.Literal(1),
    /** Correlation id, unique per request (a UUID, say); echoed in the response. */
    id: Id,
    op: Op,
    args: Type.Record(Type.String(), Type.Unknown()),
    issuedAt: Type.Integer({ minimum: 0 }),
    /** The edge answers `timeout` rather than act on a request older than this. */
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000 })),
  },
  Strict,
);

export type CommandRequest = {
  [K in CommandOp]: Omit<Static<typeof RequestEnvelope>, 'op' | 'args'> & { op: K; args: CommandArgsOf<K> };
}[CommandOp];

export const CommandErrorCode = Type.Union([
  Type.Literal('invalid_args'),
  Type.Literal('unknown_device'),
  Type.Literal('unknown_register'),
  Type.Literal('not_writable'),
  Type.Literal('timeout'),
  Type.Literal('modbus_exception'),
  Type.Literal('busy'),
  Type.Literal('expired'),
  Type.Literal('internal'),
]);
export type CommandErrorCode = Static<typeof CommandErrorCode>;

const ResponseEnvelope = Type.Object(
  {
    v: Type.Literal(1),
    id: Id,
    op: Op,
    gatewayId: Id,
    status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
    result: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    error: Type.Optional(
      Type.Object({ code: CommandErrorCode, message: Type.String({ maxLength: 2000 }) }, Strict),
    ),
    ts: Type.Integer({ minimum: 0 }),
  },
  Strict,
);
type ResponseEnvelope = Static<typeof ResponseEnvelope>;
export type CommandError = NonNullable<ResponseEnvelope['error']>;

export type CommandResponse = {
  [K in CommandOp]: Omit<ResponseEnvelope, 'op' | 'result'> & { op: K; result?: CommandResultOf<K> };
}[CommandOp];

function compileParts<M extends Record<CommandOp, TSchema>>(
  parts: M,
  what: string,
): Record<CommandOp, Parser<unknown>> {
  return Object.fromEntries(
    COMMAND_OPS.map((op) => [op, createParser(parts[op], `${op} ${what}`)]),
  ) as Record<CommandOp, Parser<unknown>>;
}
const argParsers = compileParts(CommandArgs, 'args');
const resultParsers = compileParts(CommandResults, 'result');

function prefixed(prefix: string, issues: Issue[]): Issue[] {
  return issues.map((i) => ({ path: `${prefix}${i.path}`, message: i.message }));
}

function readArgsIssues(args: CommandArgsOf<'read_register'>): Issue[] {
  const byName = args.register !== undefined;
  const byAddress = args.area !== undefined || args.address !== undefined;
  if (byName === byAddress)
    return [{ path: '/args', message: 'give either register, or area and address (and count)' }];
  if (byAddress && (args.area === undefined || args.address === undefined))
    return [
      {
        path: args.area === undefined ? '/args/area' : '/args/address',
        message: 'is required with a raw read',
      },
    ];
  return [];
}

export const commandRequestParser: Parser<CommandRequest> = withRules(
  createParser(RequestEnvelope, 'command request') as unknown as Parser<CommandRequest>,
  'command request',
  (req) => {
    const issues = prefixed('/args', argParsers[req.op].issues(req.args));
    if (issues.length > 0 || req.op !== 'read_register') return issues;
    return readArgsIssues(req.args);
  },
);

export const commandResponseParser: Parser<CommandResponse> = withRules(
  createParser(ResponseEnvelope, 'command response') as unknown as Parser<CommandResponse>,
  'command response',
  (res) => {
    if (res.status === 'error') {
      if (res.error === undefined) return [{ path: '/error', message: 'is required when status is error' }];
      if (res.result !== undefined)
        return [{ path: '/result', message: 'must be absent when status is error' }];
      return [];
    }
    if (res.error !== undefined) return [{ path: '/error', message: 'must be absent when status is ok' }];
    if (res.result === undefined) return [{ path: '/result', message: 'is required when status is ok' }];
    return prefixed('/result', resultParsers[res.op].issues(res.result));
  },
);
