import type { EncodedTelemetry } from '../ports/timeseries-store.js';

/**
 * Ingest's fast path: a telemetry payload's bytes straight to the line protocol that
 * readingLinesUtf8 would write for it after JSON.parse and the schema check, in one pass and
 * without building objects (JSON.parse, the schema check and line building were ~35% of the
 * cloud's CPU, plus the garbage they leave).
 *
 * It accepts only a narrow, common shape, all of which the TelemetryBatch schema accepts: keys and
 * strings in printable ASCII without escapes, integers as plain digits, numbers whose text is the
 * one JavaScript prints for them, no duplicate keys. Anything else (including every invalid batch)
 * returns undefined and goes the old way, which decides and reports exactly as before. Tests check
 * the bytes against the old path on generated batches and an odd-input corpus.
 */
export function encodeTelemetryLines(
  payload: Uint8Array,
  gatewayId: string,
  measurement: string,
): EncodedTelemetry | undefined {
  src = payload;
  pos = 0;
  o = 0;
  const affixes = affixesFor(measurement, gatewayId);
  try {
    return parseBatch(affixes);
  } finally {
    src = EMPTY; // do not keep the payload alive
  }
}

const EMPTY = new Uint8Array(0);
/** Parser state: one payload at a time (synchronous), so module-level rather than an object. */
let src: Uint8Array = EMPTY;
let pos = 0;
/** Output: a scratch buffer grown as needed, copied out at the end at its exact length. */
let out = Buffer.allocUnsafeSlow(1 << 16);
let o = 0;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const MAX_READINGS = 5000;
const MAX_VALUES = 64;
const MAX_STRING = 256;
/** Digits in an integer or significant digits in a decimal: up to 15 a double holds exactly. */
const MAX_DIGITS = 15;

interface Affixes {
  /** `<measurement>,device=` */
  head: Buffer;
  /** `,_gateway="<gatewayId>",_quality="` */
  tail: Buffer;
  gateway: Buffer;
}
const affixCache = new Map<string, Affixes>();
function affixesFor(measurement: string, gatewayId: string): Affixes {
  const key = `${measurement}\n${gatewayId}`;
  let a = affixCache.get(key);
  if (!a) {
    if (affixCache.size > 10_000) affixCache.clear(); // gateways are few; bound it anyway
    a = {
      head: Buffer.from(`${measurement},device=`, 'utf8'),
      // Topic gateway ids match ID_PATTERN: nothing in them needs escaping in a string field.
      tail: Buffer.from(`,_gateway="${gatewayId}",_quality="`, 'utf8'),
      gateway: Buffer.from(gatewayId, 'utf8'),
    };
    affixCache.set(key, a);
  }
  return a;
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipWs(): void {
  const s = src;
  let p = pos;
  while (p < s.length && isWs(s[p]!)) p++;
  pos = p;
}

/** After a value: JSON whitespace or a structural character (else e.g. `1e5`, `truex`). */
function atValueEnd(): boolean {
  if (pos >= src.length) return true;
  const c = src[pos]!;
  return c === COMMA || c === RBRACE || c === RBRACKET || isWs(c);
}

/**
 * A string without escapes in printable ASCII; sets strStart/strEnd (contents, without quotes).
 * False for anything else, so that escapes and non-ASCII go the old way.
 */
let strStart = 0;
let strEnd = 0;
function readString(): boolean {
  const s = src;
  let p = pos;
  if (s[p] !== QUOTE) return false;
  const start = ++p;
  while (p < s.length) {
    const c = s[p]!;
    if (c === QUOTE) {
      strStart = start;
      strEnd = p;
      pos = p + 1;
      return true;
    }
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return false;
    p++;
  }
  return false;
}

/** A key and its colon; sets strStart/strEnd. */
function readKey(): boolean {
  skipWs();
  if (!readString()) return false;
  skipWs();
  if (src[pos] !== COLON) return false;
  pos++;
  skipWs();
  return true;
}

/** The key just read equals the ASCII text `lit`. */
function keyIs(lit: string): boolean {
  if (strEnd - strStart !== lit.length) return false;
  for (let i = 0; i < lit.length; i++) if (src[strStart + i] !== lit.charCodeAt(i)) return false;
  return true;
}

/**
 * A non-negative integer in plain digits, no leading zero, at most 15 digits: JSON.parse gives
 * it exactly and `${n}` prints the same digits. Returns its end, or -1.
 */
function readUint(): number {
  const start = pos;
  if (src[pos] === ZERO) pos++;
  else while (pos < src.length && src[pos]! >= ZERO && src[pos]! <= NINE) pos++;
  const n = pos - start;
  if (n === 0 || n > MAX_DIGITS || !atValueEnd()) return -1;
  return pos;
}

/**
 * A number whose JSON text is exactly what JavaScript prints for the parsed double, so the text
 * can be copied: optional minus, integer part without leading zeros, optional fraction without a
 * trailing zero, no exponent, at most 15 significant digits (a double keeps 15 decimal digits, so
 * the shortest round-trip form is this text), not below 1e-6 (printed with an exponent), not -0.
 * Returns its end, or -1.
 */
function readNumber(): number {
  const start = pos;
  if (src[pos] === MINUS) pos++;
  const intStart = pos;
  if (src[pos] === ZERO) pos++;
  else while (pos < src.length && src[pos]! >= ZERO && src[pos]! <= NINE) pos++;
  const intDigits = pos - intStart;
  if (intDigits === 0) return -1;
  const intIsZero = src[intStart] === ZERO;
  let sig = intIsZero ? 0 : intDigits;
  if (src[pos] === DOT) {
    pos++;
    const fracStart = pos;
    while (pos < src.length && src[pos]! >= ZERO && src[pos]! <= NINE) pos++;
    const fracDigits = pos - fracStart;
    if (fracDigits === 0 || src[pos - 1] === ZERO) return -1;
    if (intIsZero) {
      let lead = 0;
      while (src[fracStart + lead] === ZERO) lead++;
      if (lead > 5) return -1;
      sig = fracDigits - lead;
    } else sig += fracDigits;
  } else if (intIsZero && pos - start > 1) return -1; // -0
  if (sig > MAX_DIGITS || !atValueEnd()) return -1;
  return pos;
}

/** `lit` at pos followed by the end of a value (for true/false). */
function readLiteral(lit: string): boolean {
  for (let i = 0; i < lit.length; i++) if (src[pos + i] !== lit.charCodeAt(i)) return false;
  pos += lit.length;
  return atValueEnd();
}

/** After a member: a comma (true, more follow) or the closing brace (false); -1 if neither. */
function nextMember(close: number): number {
  skipWs();
  const c = src[pos];
  if (c === COMMA) {
    pos++;
    return 1;
  }
  if (c === close) {
    pos++;
    return 0;
  }
  return -1;
}

const isIdStart = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= ZERO && c <= NINE);
/** ID_PATTERN: ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$ */
function isId(start: number, end: number): boolean {
  const n = end - start;
  if (n < 1 || n > 64 || !isIdStart(src[start]!)) return false;
  for (let i = start + 1; i < end; i++) {
    const c = src[i]!;
    if (!isIdStart(c) && c !== 0x5f && c !== DOT && c !== COLON && c !== MINUS) return false;
  }
  return true;
}
/** Field names: ^[a-z][a-z0-9_]{0,63}$ */
function isFieldName(start: number, end: number): boolean {
  const n = end - start;
  if (n < 1 || n > 64) return false;
  const c0 = src[start]!;
  if (c0 < 0x61 || c0 > 0x7a) return false;
  for (let i = start + 1; i < end; i++) {
    const c = src[i]!;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= ZERO && c <= NINE) || c === 0x5f)) return false;
  }
  return true;
}

const sameBytes = (a: number, aEnd: number, b: number, bEnd: number): boolean => {
  if (aEnd - a !== bEnd - b) return false;
  for (let i = 0; a + i < aEnd; i++) if (src[a + i] !== src[b + i]) return false;
  return true;
};

function parseBatch(affixes: Affixes): EncodedTelemetry | undefined {
  skipWs();
  if (src[pos] !== LBRACE) return undefined;
  pos++;
  let seen = 0;
  let count = 0;
  let devices: string[] = [];
  for (;;) {
    if (!readKey()) return undefined;
    if (keyIs('v')) {
      if (seen & 1 || src[pos] !== 0x31) return undefined; // the literal 1
      pos++;
      if (!atValueEnd()) return undefined;
      seen |= 1;
    } else if (keyIs('gatewayId')) {
      if (seen & 2 || !readString()) return undefined;
      // Equal to the topic's gateway, which parseTopic has checked against ID_PATTERN.
      const g = affixes.gateway;
      if (strEnd - strStart !== g.length) return undefined;
      for (let i = 0; i < g.length; i++) if (src[strStart + i] !== g[i]) return undefined;
      seen |= 2;
    } else if (keyIs('seq')) {
      if (seen & 4 || readUint() < 0) return undefined;
      seen |= 4;
    } else if (keyIs('sentAt')) {
      if (seen & 8 || readUint() < 0) return undefined;
      seen |= 8;
    } else if (keyIs('readings')) {
      if (seen & 16) return undefined;
      const found = parseReadings(affixes);
      if (!found) return undefined;
      count = found.count;
      devices = found.devices;
      seen |= 16;
    } else return undefined;
    const more = nextMember(RBRACE);
    if (more < 0) return undefined;
    if (more === 0) break;
  }
  skipWs();
  if (pos !== src.length || seen !== 31) return undefined;
  const lines = Buffer.allocUnsafe(o);
  out.copy(lines, 0, 0, o);
  return { lines, count, devices };
}

/** Value ranges of the reading being parsed: key start/end, value start/end, per value. */
const vals = new Int32Array(MAX_VALUES * 4);

function parseReadings(affixes: Affixes): { count: number; devices: string[] } | undefined {
  if (src[pos] !== LBRACKET) return undefined;
  pos++;
  const devices = new Set<string>();
  let lastDevStart = -1;
  let lastDevEnd = -1;
  let count = 0;
  for (;;) {
    skipWs();
    if (src[pos] !== LBRACE) return undefined; // also an empty array (minItems 1)
    pos++;
    let seen = 0;
    let seqStart = 0;
    let seqEnd = 0;
    let devStart = 0;
    let devEnd = 0;
    let tsStart = 0;
    let tsEnd = 0;
    let qStart = 0;
    let qEnd = 0;
    let nVals = 0;
    for (;;) {
      if (!readKey()) return undefined;
      if (keyIs('seq')) {
        if (seen & 1) return undefined;
        seqStart = pos;
        seqEnd = readUint();
        if (seqEnd < 0) return undefined;
        seen |= 1;
      } else if (keyIs('device')) {
        if (seen & 2 || !readString() || !isId(strStart, strEnd)) return undefined;
        devStart = strStart;
        devEnd = strEnd;
        seen |= 2;
      } else if (keyIs('ts')) {
        if (seen & 4) return undefined;
        tsStart = pos;
        tsEnd = readUint();
        if (tsEnd < 0) return undefined;
        seen |= 4;
      } else if (keyIs('quality')) {
        if (seen & 8 || !readString()) return undefined;
        if (!keyIs('good') && !keyIs('stale') && !keyIs('comm_fail')) return undefined;
        qStart = strStart;
        qEnd = strEnd;
        seen |= 8;
      } else if (keyIs('values')) {
        if (seen & 16) return undefined;
        nVals = parseValues();
        if (nVals < 0) return undefined;
        seen |= 16;
      } else return undefined;
      const more = nextMember(RBRACE);
      if (more < 0) return undefined;
      if (more === 0) break;
    }
    if (seen !== 31 || ++count > MAX_READINGS) return undefined;
    if (lastDevStart < 0 || !sameBytes(devStart, devEnd, lastDevStart, lastDevEnd))
      devices.add(deviceId(devStart, devEnd));
    lastDevStart = devStart;
    lastDevEnd = devEnd;
    emitLine(affixes, devStart, devEnd, seqStart, seqEnd, tsStart, tsEnd, qStart, qEnd, nVals);
    skipWs();
    const c = src[pos];
    pos++;
    if (c === RBRACKET) break;
    if (c !== COMMA) return undefined;
  }
  return { count, devices: [...devices] };
}

/** A reading's `values` object into `vals`; returns how many, or -1. */
function parseValues(): number {
  if (src[pos] !== LBRACE) return -1;
  pos++;
  skipWs();
  if (src[pos] === RBRACE) {
    pos++;
    return 0;
  }
  let n = 0;
  for (;;) {
    if (!readKey() || n === MAX_VALUES || !isFieldName(strStart, strEnd)) return -1;
    const k = n * 4;
    // A repeated key: JSON.parse keeps the last value at the first one's place; not worth copying.
    for (let j = 0; j < k; j += 4) if (sameBytes(strStart, strEnd, vals[j]!, vals[j + 1]!)) return -1;
    vals[k] = strStart;
    vals[k + 1] = strEnd;
    const c = src[pos];
    const start = pos;
    let end: number;
    if (c === QUOTE) {
      if (!readString() || strEnd - strStart > MAX_STRING) return -1;
      end = pos; // with the quotes: `"text"` is the same in JSON and in line protocol
    } else if (c === 0x74) end = readLiteral('true') ? pos : -1;
    else if (c === 0x66) end = readLiteral('false') ? pos : -1;
    else end = readNumber();
    if (end < 0) return -1;
    vals[k + 2] = start;
    vals[k + 3] = end;
    n++;
    const more = nextMember(RBRACE);
    if (more < 0) return -1;
    if (more === 0) return n;
  }
}

/**
 * Device ids as strings for the guard, from a cache keyed by a hash of their bytes: a batch names
 * the same devices over and over, and most batches the ones before did, so this spares a string
 * per reading. A hit is checked byte by byte (hashes collide).
 */
const deviceCache = new Map<number, string>();
function deviceId(start: number, end: number): string {
  let h = end - start;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + src[i]!) | 0;
  const cached = deviceCache.get(h);
  if (cached !== undefined && cached.length === end - start) {
    let same = true;
    for (let i = 0; same && i < cached.length; i++) same = cached.charCodeAt(i) === src[start + i];
    if (same) return cached;
  }
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(src[i]!);
  if (deviceCache.size >= 100_000) deviceCache.clear();
  deviceCache.set(h, s);
  return s;
}

function ensure(extra: number): void {
  if (o + extra <= out.length) return;
  const bigger = Buffer.allocUnsafeSlow(Math.max(out.length * 2, o + extra));
  out.copy(bigger, 0, 0, o);
  out = bigger;
}

function put(buf: Uint8Array): void {
  const d = out;
  let at = o;
  for (let i = 0; i < buf.length; i++) d[at++] = buf[i]!;
  o = at;
}
function copy(start: number, end: number): void {
  const d = out;
  const s = src;
  let at = o;
  for (let i = start; i < end; i++) d[at++] = s[i]!;
  o = at;
}

/** readingLine's layout: `m,device=D _seq=Si,k=v…,_gateway="G",_quality="Q" T`. */
function emitLine(
  a: Affixes,
  devStart: number,
  devEnd: number,
  seqStart: number,
  seqEnd: number,
  tsStart: number,
  tsEnd: number,
  qStart: number,
  qEnd: number,
  nVals: number,
): void {
  let size = 1 + a.head.length + (devEnd - devStart) + 6 + (seqEnd - seqStart) + 1;
  for (let j = 0; j < nVals * 4; j += 4) size += 2 + vals[j + 1]! - vals[j]! + vals[j + 3]! - vals[j + 2]!;
  size += a.tail.length + (qEnd - qStart) + 2 + (tsEnd - tsStart);
  ensure(size);
  if (o > 0) out[o++] = 0x0a;
  put(a.head);
  copy(devStart, devEnd);
  out[o++] = 0x20; // ` _seq=`
  out[o++] = 0x5f;
  out[o++] = 0x73;
  out[o++] = 0x65;
  out[o++] = 0x71;
  out[o++] = 0x3d;
  copy(seqStart, seqEnd);
  out[o++] = 0x69; // i
  for (let j = 0; j < nVals * 4; j += 4) {
    out[o++] = COMMA;
    copy(vals[j]!, vals[j + 1]!);
    out[o++] = 0x3d;
    copy(vals[j + 2]!, vals[j + 3]!);
  }
  put(a.tail);
  copy(qStart, qEnd);
  out[o++] = QUOTE;
  out[o++] = 0x20;
  copy(tsStart, tsEnd);
}
