import type { DeviceProfile } from '../../protocols/src/index.js';
import type { Clock } from './clock.js';
import { type CommunitySpec, UNITS_PER_GATEWAY } from './community-spec.js';
import type { Behaviour } from './devices/behaviour.js';
import { BinSensorBehaviour } from './devices/bin-sensor.js';
import { DoorSensorBehaviour } from './devices/door-sensor.js';
import { EnvSensorBehaviour } from './devices/env-sensor.js';
import { PowerMeterBehaviour } from './devices/power-meter.js';
import { SimDevice } from './devices/sim-device.js';
import { WaterMeterBehaviour } from './devices/water-meter.js';
import { handlePdu, type PduResult, SILENCE } from './modbus/pdu.js';
import type { UnitHandler } from './modbus/tcp-server.js';
import { BinModel } from './model/bin.js';
import { EnvironmentModel } from './model/environment.js';
import { Household } from './model/household.js';
import { hashSeed, Rng } from './model/random.js';
import { deviceFaultAt, householdEffects } from './scenarios/effects.js';
import { generateIncidents } from './scenarios/generate.js';
import type { Incident } from './scenarios/incidents.js';

export interface CommunityOptions {
  profiles: Map<string, DeviceProfile>;
  clock: Clock;
  /** The walking skeleton's layout: n water meters (wm-001...) on one bus at unit ids 1..n. */
  waterMeters?: number;
  /** A whole community; takes precedence over waterMeters. */
  spec?: CommunitySpec;
}

export interface GatewaySim {
  id: string;
  /** unit id -> device on this gateway's bus. */
  devices: Map<number, SimDevice>;
  /** Answers Modbus requests for this bus (TCP server or RTU line). */
  handle: UnitHandler;
}

export interface InventoryEntry {
  id: string;
  gateway: string;
  unitId: number;
  model: string;
  household?: string;
  site?: string;
}

const MODELS = {
  water: 'linli-wm-100',
  power: 'linli-pm-400',
  door: 'linli-ds-200',
  env: 'linli-env-300',
  bin: 'linli-bin-500',
};

interface Planned {
  id: string;
  gateway: string;
  model: string;
  household?: string;
  make: (device: SimDevice) => Behaviour;
}

/** The simulated devices of a community, addressed per gateway by unit id, advanced by the shared clock. */
export class Community {
  readonly gateways: GatewaySim[] = [];
  readonly byId = new Map<string, SimDevice>();
  readonly households: Household[] = [];
  readonly bins = new Map<string, BinModel>();
  readonly incidents: Incident[];
  readonly inventory: InventoryEntry[] = [];
  readonly seed: number;
  private readonly behaviours = new Map<SimDevice, { behaviour: Behaviour; gateway: string }>();

  constructor(private readonly options: CommunityOptions) {
    const legacy = options.spec === undefined;
    const spec: CommunitySpec = options.spec ?? {
      households: options.waterMeters ?? 0,
      envSensors: 0,
      bins: 0,
      gateways: 1,
      householdDevices: ['water'],
    };
    this.seed = spec.seed ?? 1;
    const kinds = spec.householdDevices ?? ['water', 'power', 'door'];
    const total = spec.households * kinds.length + spec.envSensors + spec.bins;
    const gatewayCount = spec.gateways ?? Math.max(total > 0 ? 2 : 1, Math.ceil(total / UNITS_PER_GATEWAY));
    const gatewayIds = Array.from({ length: gatewayCount }, (_, i) => `gw-${i + 1}`);
    const pad = (n: number, of: number) => String(n).padStart(Math.max(3, String(of).length), '0');
    const householdGateway = (i: number) =>
      gatewayIds[Math.floor((i * gatewayCount) / Math.max(1, spec.households))]!;
    const householdIds = Array.from(
      { length: spec.households },
      (_, i) => `hh-${pad(i + 1, spec.households)}`,
    );

    // Devices first (ids and gateways), then incidents over them, then the models they drive.
    const deviceList: Array<{ id: string; gateway: string }> = [];
    for (const [i] of householdIds.entries()) {
      for (const k of kinds)
        deviceList.push({
          id: `${k === 'water' ? 'wm' : k === 'power' ? 'pm' : 'ds'}-${pad(i + 1, spec.households)}`,
          gateway: householdGateway(i),
        });
    }
    this.incidents = this.resolveIncidents(spec, householdIds, deviceList, gatewayIds);
    householdIds.forEach((id, i) => {
      this.households.push(
        new Household(id, this.seed, householdEffects(this.incidents, id, householdGateway(i))),
      );
    });

    const planned: Planned[] = [];
    for (const k of kinds) {
      this.households.forEach((hh, i) => {
        const rng = Rng.of(this.seed, 'initial', k, hh.id);
        const prefix = k === 'water' ? 'wm' : k === 'power' ? 'pm' : 'ds';
        const make =
          k === 'water'
            ? () =>
                new WaterMeterBehaviour(
                  hh,
                  legacy ? 1000 * (i + 1) : rng.uniform(2e4, 4e5),
                  rng.uniform(70, 100),
                )
            : k === 'power'
              ? () => new PowerMeterBehaviour(hh, rng.uniform(500, 9000), hashSeed(this.seed, 'pm', hh.id))
              : () => new DoorSensorBehaviour(hh, rng.int(100, 5000), rng.uniform(40, 100));
        planned.push({
          id: `${prefix}-${pad(i + 1, spec.households)}`,
          gateway: householdGateway(i),
          model: MODELS[k],
          household: hh.id,
          make,
        });
      });
    }
    for (let i = 0; i < spec.envSensors; i++) {
      const id = `env-${pad(i + 1, spec.envSensors)}`;
      const model = new EnvironmentModel(this.seed, id, { roadside: i % 2 === 0 });
      planned.push({
        id,
        gateway: gatewayIds[i % gatewayCount]!,
        model: MODELS.env,
        make: () => new EnvSensorBehaviour(model),
      });
    }
    const collectionHour = spec.binCollectionHour === undefined ? 9.5 : (spec.binCollectionHour ?? undefined);
    for (let i = 0; i < spec.bins; i++) {
      const id = `bin-${pad(i + 1, spec.bins)}`;
      const bin = new BinModel(this.seed, id, collectionHour);
      this.bins.set(id, bin);
      const battery = Rng.of(this.seed, 'initial', id).uniform(40, 100);
      planned.push({
        id,
        gateway: gatewayIds[i % gatewayCount]!,
        model: MODELS.bin,
        make: () => new BinSensorBehaviour(bin, hashSeed(this.seed, id), battery),
      });
    }
    for (const gw of gatewayIds)
      this.gateways.push({ id: gw, devices: new Map(), handle: (u, pdu) => this.answer(gw, u, pdu) });
    this.place(planned);
  }

  private place(planned: Planned[]): void {
    for (const p of planned) {
      const profile = this.options.profiles.get(p.model);
      if (!profile) throw new Error(`profile ${p.model} is missing`);
      const gw = this.gateways.find((g) => g.id === p.gateway)!;
      const unitId = gw.devices.size + 1;
      if (unitId > UNITS_PER_GATEWAY)
        throw new Error(
          `gateway ${gw.id} would need ${unitId} unit ids (max ${UNITS_PER_GATEWAY}): use more gateways`,
        );
      const device = new SimDevice(p.id, unitId, profile);
      gw.devices.set(unitId, device);
      this.byId.set(p.id, device);
      this.behaviours.set(device, { behaviour: p.make(device), gateway: gw.id });
      const site = p.model === MODELS.bin ? this.bins.get(p.id)?.site : undefined;
      this.inventory.push({
        id: p.id,
        gateway: gw.id,
        unitId,
        model: p.model,
        ...(p.household ? { household: p.household } : {}),
        ...(site ? { site } : {}),
      });
      this.advance(device);
    }
  }

  private resolveIncidents(
    spec: CommunitySpec,
    householdIds: string[],
    devices: Array<{ id: string; gateway: string }>,
    gateways: string[],
  ): Incident[] {
    const given = spec.incidents;
    if (given === undefined) return [];
    if (Array.isArray(given)) return [...given].sort((a, b) => a.start - b.start);
    return generateIncidents({
      seed: this.seed,
      start: this.options.clock.now(),
      days: given.generate.days,
      intensity: given.generate.intensity ?? 1,
      households: householdIds.map((id) => new Household(id, this.seed)),
      devices,
      gateways,
    });
  }

  /** The first gateway's bus: with the legacy options, every water meter (wm-001 at unit 1, ...). */
  get devices(): Map<number, SimDevice> {
    return this.gateways[0]?.devices ?? new Map();
  }

  /** Legacy single-bus handler (the first gateway). */
  handle: UnitHandler = (unitId, pdu) => this.answer(this.gateways[0]?.id ?? '', unitId, pdu);

  /** Advances one device's behaviour to the clock's now (devices step lazily, when read). */
  advance(device: SimDevice): void {
    const entry = this.behaviours.get(device);
    if (!entry) return;
    const now = this.options.clock.now();
    device.scheduledFault = deviceFaultAt(
      this.incidents,
      device.id,
      entry.gateway,
      entry.behaviour.mainsPowered,
      now,
    ).fault;
    if (device.effectiveFault === 'stuck') return;
    entry.behaviour.step(device, now);
  }

  /** A collection of one bin now (e.g. a route the cloud planned has reached it). */
  emptyBin(id: string): void {
    const bin = this.bins.get(id);
    if (!bin) throw new Error(`no bin "${id}"`);
    bin.empty(this.options.clock.now());
  }

  /** False while a gateway_network_loss incident holds: harnesses cut that gateway's uplink. */
  networkUp(gatewayId: string, t = this.options.clock.now()): boolean {
    return !this.incidents.some(
      (i) => i.kind === 'gateway_network_loss' && i.gateway === gatewayId && t >= i.start && t < i.end,
    );
  }

  private answer(gatewayId: string, unitId: number, pdu: Buffer): PduResult | undefined {
    const device = this.gateways.find((g) => g.id === gatewayId)?.devices.get(unitId);
    if (!device) return undefined;
    this.advance(device);
    if (device.effectiveFault === 'silent') return SILENCE;
    return handlePdu(pdu, device);
  }
}
