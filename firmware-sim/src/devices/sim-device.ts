import {
  type DeviceProfile,
  decodeRegister,
  encodeRegister,
  isBitArea,
  type RegisterDef,
  registerSpan,
  type Value,
} from '../../../protocols/src/index.js';
import { type Area, ExceptionCode, type ModbusTarget } from '../modbus/pdu.js';

/**
 * Faults a scenario can inject into one device: silent (timeouts), busy/failure (exception codes
 * 6/4), garbage (0xFFFF in every register), stuck (values stop changing; the community stops
 * stepping it).
 */
export type DeviceFault = 'none' | 'silent' | 'busy' | 'failure' | 'garbage' | 'stuck';

/**
 * A device that holds its registers exactly as the profile encodes them, so whatever reads it over
 * Modbus sees the vendor's byte layout. Behaviours set engineering values; reads see raw words.
 */
export class SimDevice implements ModbusTarget {
  readonly values = new Map<string, Value>();
  /** Set by hand (tests, the CLI). */
  fault: DeviceFault = 'none';
  /** Set from the incident schedule at each request; takes precedence over `fault`. */
  scheduledFault: DeviceFault = 'none';
  private readonly banks: Record<Area, Map<number, number>> = {
    coil: new Map(),
    discrete: new Map(),
    holding: new Map(),
    input: new Map(),
  };
  private readonly extent: Record<Area, number> = { coil: -1, discrete: -1, holding: -1, input: -1 };
  private readonly byName = new Map<string, RegisterDef>();

  constructor(
    readonly id: string,
    readonly unitId: number,
    readonly profile: DeviceProfile,
  ) {
    for (const reg of profile.registers) {
      this.byName.set(reg.name, reg);
      const last = reg.address + registerSpan(reg) - 1;
      this.extent[reg.area] = Math.max(this.extent[reg.area], last);
      this.set(reg.name, reg.type === 'string' ? '' : reg.type === 'bool' ? false : 0);
    }
  }

  set(name: string, value: Value): void {
    const reg = this.byName.get(name);
    if (!reg) throw new Error(`${this.profile.model} has no register "${name}"`);
    // Most values do not change between polls; skipping the re-encode keeps 1,000+ devices cheap.
    if (this.values.get(name) === value) return;
    this.values.set(name, value);
    const words = encodeRegister(reg, value);
    words.forEach((w, i) => {
      this.banks[reg.area].set(reg.address + i, w);
    });
  }

  get(name: string): Value | undefined {
    return this.values.get(name);
  }

  get effectiveFault(): DeviceFault {
    return this.scheduledFault !== 'none' ? this.scheduledFault : this.fault;
  }

  read(area: Area, address: number, count: number): number[] | ExceptionCode {
    const fault = this.effectiveFault;
    if (fault === 'busy') return ExceptionCode.ServerDeviceBusy;
    if (fault === 'failure') return ExceptionCode.ServerDeviceFailure;
    // Real devices answer 0x02 for reads past their register map; gaps inside it read as 0.
    if (address + count - 1 > this.extent[area]) return ExceptionCode.IllegalDataAddress;
    const bank = this.banks[area];
    const out: number[] = [];
    for (let a = address; a < address + count; a++) {
      out.push(fault === 'garbage' ? 0xffff : (bank.get(a) ?? 0));
    }
    return out;
  }

  write(area: 'coil' | 'holding', address: number, values: number[]): ExceptionCode | undefined {
    const regs = this.profile.registers.filter(
      (r) => r.area === area && r.writable && r.address <= address && address < r.address + registerSpan(r),
    );
    if (regs.length === 0) return ExceptionCode.IllegalDataAddress;
    const bank = this.banks[area];
    values.forEach((v, i) => {
      bank.set(address + i, isBitArea({ area }) ? (v ? 1 : 0) : v);
    });
    for (const reg of regs) {
      const words = Array.from({ length: registerSpan(reg) }, (_, i) => bank.get(reg.address + i) ?? 0);
      this.values.set(reg.name, decodeRegister(reg, words));
    }
    return undefined;
  }
}
