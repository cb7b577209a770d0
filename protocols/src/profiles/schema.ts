import { type Static, Type } from 'typebox';
import { createParser } from '../validation.js';

/**
 * A device profile is data (a YAML file in protocols/profiles/), separate from device instances,
 * in the spirit of EdgeX device profiles and Telegraf's modbus input: an installer adds a new
 * device model by adding a file, without code changes.
 */
export const FunctionArea = Type.Union([
  Type.Literal('coil'),
  Type.Literal('discrete'),
  Type.Literal('holding'),
  Type.Literal('input'),
]);
export type FunctionArea = Static<typeof FunctionArea>;

export const DataType = Type.Union([
  Type.Literal('bool'),
  Type.Literal('int16'),
  Type.Literal('uint16'),
  Type.Literal('int32'),
  Type.Literal('uint32'),
  Type.Literal('float32'),
  Type.Literal('float64'),
  Type.Literal('string'),
]);
export type DataType = Static<typeof DataType>;

/** Byte order of multi-byte values as Telegraf names it: ABCD big-endian, CDAB word-swapped, ... */
export const ByteOrder = Type.Union([
  Type.Literal('ABCD'),
  Type.Literal('DCBA'),
  Type.Literal('BADC'),
  Type.Literal('CDAB'),
]);
export type ByteOrder = Static<typeof ByteOrder>;

export const PointKind = Type.Union([
  Type.Literal('gauge'),
  Type.Literal('counter'),
  Type.Literal('state'),
  Type.Literal('event'),
]);
export type PointKind = Static<typeof PointKind>;

export const FIELD_NAME_PATTERN = '^[a-z][a-z0-9_]{0,63}$';

export const RegisterDef = Type.Object(
  {
    name: Type.String({ pattern: FIELD_NAME_PATTERN }),
    area: FunctionArea,
    address: Type.Integer({ minimum: 0, maximum: 65535 }),
    type: DataType,
    byteOrder: Type.Optional(ByteOrder),
    /** Registers a string occupies (2 ASCII characters each); only for type string. */
    length: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    scale: Type.Optional(Type.Number()),
    offset: Type.Optional(Type.Number()),
    unit: Type.Optional(Type.String({ maxLength: 16 })),
    /**
     * Plausible range of the decoded value (engineering units, min <= max). The edge drops a value
     * outside it, or not finite, from the reading and counts it: garbage such as 0xFFFF "no data"
     * words is never stored as if measured.
     */
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    kind: PointKind,
    description: Type.Optional(Type.String({ maxLength: 200 })),
    writable: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RegisterDef = Static<typeof RegisterDef>;

/** Raw words (or bits, as 0/1) for one register and the value the profile must decode them to. */
export const TestVector = Type.Object(
  {
    register: Type.String({ pattern: FIELD_NAME_PATTERN }),
    raw: Type.Array(Type.Integer({ minimum: 0, maximum: 65535 }), { minItems: 1, maxItems: 64 }),
    value: Type.Union([Type.Number(), Type.Boolean(), Type.String()]),
  },
  { additionalProperties: false },
);
export type TestVector = Static<typeof TestVector>;

export const DeviceProfile = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    model: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$' }),
    deviceType: Type.Union([
      Type.Literal('door_sensor'),
      Type.Literal('env_sensor'),
      Type.Literal('water_meter'),
      Type.Literal('power_meter'),
      Type.Literal('bin_sensor'),
      Type.Literal('other'),
    ]),
    manufacturer: Type.Optional(Type.String({ maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    /** Largest block the device accepts in one read; some cheap meters cap below the Modbus 125. */
    maxRegistersPerRead: Type.Optional(Type.Integer({ minimum: 1, maximum: 125 })),
    registers: Type.Array(RegisterDef, { minItems: 1, maxItems: 200 }),
    testVectors: Type.Array(TestVector, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type DeviceProfile = Static<typeof DeviceProfile>;

export const profileParser = createParser(DeviceProfile, 'device profile');
