import { Type } from 'typebox';
import { ID_PATTERN } from '../../../../protocols/src/index.js';

/** Gateway and device ids become MQTT topic levels and series keys: the protocols' id rules. */
export const TopicId = Type.String({ pattern: ID_PATTERN });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Text = Type.String({ maxLength: 500 });
const Ref = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NullableText = Type.Union([Text, Type.Null()]);
const NullableRef = Type.Union([Ref, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const Ms = Type.Integer({ description: 'ms since epoch' });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

// ---- grids and buildings
export const GridOut = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Ms });
export const GridBody = Type.Object({ name: Name }, { additionalProperties: false });

export const BuildingOut = Type.Object({
  id: Type.String(),
  gridId: Type.String(),
  name: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  createdAt: Ms,
});
export const CreateBuildingBody = Type.Object(
  { gridId: Ref, name: Name, address: Type.Optional(NullableText) },
  { additionalProperties: false },
);
export const UpdateBuildingBody = Type.Partial(CreateBuildingBody, { additionalProperties: false });

// ---- households
const Resident = Type.Object(
  {
    name: Name,
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    birthYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2100 })),
    note: Type.Optional(Text),
  },
  { additionalProperties: false },
);
const EmergencyContact = Type.Object(
  {
    name: Name,
    phone: Type.String({ minLength: 3, maxLength: 32 }),
    relation: Type.Optional(Type.String({ maxLength: 50 })),
  },
  { additionalProperties: false },
);

export const HouseholdOut = Type.Object({
  id: Type.String(),
  buildingId: Type.String(),
  gridId: Type.String(),
  unit: Type.String(),
  residents: Type.Array(Resident),
  livingAlone: Type.Boolean(),
  emergencyContacts: Type.Array(EmergencyContact),
  socialWorkerId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Ms,
  updatedAt: Ms,
});
export const CreateHouseholdBody = Type.Object(
  {
    buildingId: Ref,
    unit: Type.String({ minLength: 1, maxLength: 50, description: 'room / unit number, e.g. 3-502' }),
    residents: Type.Optional(Type.Array(Resident, { maxItems: 20 })),
    livingAlone: Type.Optional(Type.Boolean()),
    emergencyContacts: Type.Optional(Type.Array(EmergencyContact, { maxItems: 10 })),
    socialWorkerId: Type.Optional(NullableRef),
  },
  { additionalProperties: false },
);
export const UpdateHouseholdBody = Type.Partial(CreateHouseholdBody, { additionalProperties: false });
export const HouseholdQuery = Type.Object({
  gridId: Type.Optional(Ref),
  buildingId: Type.Optional(Ref),
  livingAlone: Type.Optional(Type.Boolean()),
});

// ---- gateways
export const GatewayOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  gridId: Type.Union([Type.String(), Type.Null()]),
  buildingId: Type.Union([Type.String(), Type.Null()]),
  location: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('provisioned'), Type.Literal('discovered')]),
  provisionedAt: NullableInt,
  createdAt: Ms,
});
export const CreateGatewayBody = Type.Object(
  {
    id: Type.Optional(TopicId),
    name: Name,
    gridId: Type.Optional(NullableRef),
    buildingId: Type.Optional(NullableRef),
    location: Type.Optional(NullableText),
  },
  { additionalProperties: false },
);
export const UpdateGatewayBody = Type.Object(
  {
    name: Type.Optional(Name),
    gridId: Type.Optional(NullableRef),
    buildingId: Type.Optional(NullableRef),
    location: Type.Optional(NullableText),
  },
  { additionalProperties: false },
);

// ---- devices
const DeviceStatus = Type.Union([Type.Literal('assigned'), Type.Literal('unassigned')]);
export const DeviceOut = Type.Object({
  id: Type.String(),
  gatewayId: Type.Union([Type.String(), Type.Null()]),
  profile: Type.Union([Type.String(), Type.Null()]),
  unitId: NullableInt,
  bus: Type.Union([Type.String(), Type.Null()]),
  householdId: Type.Union([Type.String(), Type.Null()]),
  location: Type.Union([Type.String(), Type.Null()]),
  status: DeviceStatus,
  firstSeenAt: NullableInt,
  lastSeenAt: NullableInt,
  createdAt: Ms,
});
const DeviceFields = {
  gatewayId: Type.Optional(Nullable(TopicId)),
  profile: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
  unitId: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 255 }), Type.Null()])),
  bus: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  householdId: Type.Optional(NullableRef),
  location: Type.Optional(NullableText),
};
export const CreateDeviceBody = Type.Object(
  { id: TopicId, ...DeviceFields },
  { additionalProperties: false },
);
export const UpdateDeviceBody = Type.Object(DeviceFields, { additionalProperties: false });
export const DeviceQuery = Type.Object({
  status: Type.Optional(DeviceStatus),
  gatewayId: Type.Optional(TopicId),
  householdId: Type.Optional(Ref),
});

// ---- bins
export const BinOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  gridId: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Number(),
  lon: Type.Number(),
  capacityLiters: NullableInt,
  deviceId: Type.Union([Type.String(), Type.Null()]),
  pointId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Ms,
});
export const CreateBinBody = Type.Object(
  {
    name: Name,
    gridId: Type.Optional(NullableRef),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    capacityLiters: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    deviceId: Type.Optional(Nullable(TopicId)),
    /** The collection point it stands at (e.g. "3栋东侧"): bins naming the same point are emptied together. */
    pointId: Type.Optional(NullableRef),
  },
  { additionalProperties: false },
);
export const UpdateBinBody = Type.Partial(CreateBinBody, { additionalProperties: false });
