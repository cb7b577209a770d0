import type { Language } from './language.js';

/** Things the registry and other modules refuse about, named for people in both languages. */
export type Entity =
  | 'gateway'
  | 'device'
  | 'grid'
  | 'building'
  | 'household'
  | 'user'
  | 'bin'
  | 'route'
  | 'stop'
  | 'dead_letter'
  | 'staff';

const NAMES: Record<Entity, Record<Language, string>> = {
  gateway: { 'zh-CN': '网关', en: 'gateway' },
  device: { 'zh-CN': '设备', en: 'device' },
  grid: { 'zh-CN': '网格', en: 'grid' },
  building: { 'zh-CN': '楼栋', en: 'building' },
  household: { 'zh-CN': '住户', en: 'household' },
  user: { 'zh-CN': '用户', en: 'user' },
  bin: { 'zh-CN': '垃圾桶', en: 'bin' },
  route: { 'zh-CN': '路线', en: 'route' },
  stop: { 'zh-CN': '站点', en: 'stop' },
  dead_letter: { 'zh-CN': '死信', en: 'dead letter' },
  staff: { 'zh-CN': '工作人员', en: 'staff' },
};

/** The plural English forms the "still has …" refusals use. */
const PLURAL_EN: Partial<Record<Entity, string>> = {
  household: 'households',
  staff: 'staff',
};

export function entityName(entity: unknown, lang: Language, plural = false): string {
  const names = NAMES[entity as Entity];
  if (!names) return String(entity);
  if (lang === 'en' && plural) return PLURAL_EN[entity as Entity] ?? `${names.en}s`;
  return names[lang];
}

/** A reference that may be absent (an optional field the request did not set). */
export interface EntityRef {
  what: Entity;
  id: string | null | undefined;
}

/** Only the references the request actually named: "no grid g1", not "no grid undefined". */
export const namedRefs = (refs: EntityRef[]): Array<{ what: Entity; id: string }> =>
  refs.filter((r): r is { what: Entity; id: string } => r.id !== undefined && r.id !== null);
