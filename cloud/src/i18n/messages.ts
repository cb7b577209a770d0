import { entityName } from './entities.js';
import type { Language } from './language.js';
import { workOrderStateZh } from './work-order-states.js';

type Params = Record<string, unknown>;
type Render = (p: Params) => string;

const list = (v: unknown, sep: string): string => (Array.isArray(v) ? v.join(sep) : String(v ?? ''));
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const zhList = (v: unknown) => list(v, '、');
const enList = (v: unknown) => list(v, ', ');
const orNone = (v: unknown, none: string, join: (v: unknown) => string) =>
  Array.isArray(v) && v.length === 0 ? none : join(v);

const ROLE_ZH: Record<string, string> = {
  installer: '安装人员',
  social_worker: '社工',
  sanitation: '环卫人员',
  manager: '管理人员',
  admin: '系统管理员',
  resident: '居民',
};
const roleZh = (role: unknown): string => ROLE_ZH[String(role)] ?? String(role);

/** State names with their codes, so a refusal reads "当前状态：已派单(dispatched)" rather than a code. */
const states = (v: unknown): string =>
  (Array.isArray(v) ? v : [v]).map((s) => `${workOrderStateZh(s)}(${s})`).join('、');

/**
 * The message catalogue: one entry per stable error code, in zh-CN and en. Codes never change
 * once shipped (clients branch on them); wording may.
 */
export const MESSAGES: Record<string, Record<Language, Render>> = {
  validation_failed: {
    'zh-CN': (p) => `请求${p.where ?? ''}有误：${p.detail}`,
    en: (p) => `invalid request ${p.where ?? ''}: ${p.detail}`,
  },
  missing_fields: {
    'zh-CN': (p) => `缺少必填字段：${zhList(p.fields)}`,
    en: (p) => `missing required fields: ${enList(p.fields)}`,
  },
  invalid_field: {
    'zh-CN': (p) =>
      p.allowed
        ? `字段 ${p.field} 取值无效，可选值：${zhList(p.allowed)}`
        : `字段 ${p.field} 无效：${p.detail}`,
    en: (p) =>
      p.allowed
        ? `field ${p.field} must be one of: ${enList(p.allowed)}`
        : `field ${p.field} is invalid: ${p.detail}`,
  },
  unauthenticated: {
    'zh-CN': () => '未登录或登录已过期，请重新登录',
    en: (p) => String(p.original ?? 'missing, invalid or expired bearer token'),
  },
  forbidden: {
    'zh-CN': (p) =>
      p.role
        ? `当前角色“${roleZh(p.role)}”无权执行此操作（需要：${asArray(p.needs).map(roleZh).join('、')}）`
        : '当前账号的角色无权执行此操作',
    en: (p) =>
      p.role
        ? `role ${p.role} may not do this (needs ${asArray(p.needs).join(' or ')})`
        : String(p.original ?? 'your role may not do this'),
  },
  internal_error: { 'zh-CN': () => '服务器内部错误', en: () => 'Internal server error' },
  invalid_json: {
    'zh-CN': () => '请求体不是有效的 JSON',
    en: () => 'the request body is not valid JSON',
  },
  body_too_large: {
    'zh-CN': (p) => `请求内容过大，不能超过 ${p.maxMb} MB`,
    en: (p) => `request body too large: at most ${p.maxMb} MB`,
  },
  unsupported_media_type: {
    'zh-CN': (p) => `不支持的内容类型 ${p.type}`,
    en: (p) => `unsupported content type ${p.type}`,
  },

  // ---- work orders
  work_order_not_found: { 'zh-CN': (p) => `工单 ${p.id} 不存在`, en: (p) => `no work order ${p.id}` },
  illegal_transition: {
    'zh-CN': (p) =>
      `工单当前状态为 ${states(p.current)}，不能执行“${p.action}”；` +
      `可进行的下一步：${orNone(p.allowed, '无（流程已结束）', states)}`,
    en: (p) =>
      `cannot ${p.action} a work order that is ${p.current}; ` +
      `allowed next states: ${orNone(p.allowed, 'none (the order is closed)', enList)}`,
  },
  reason_required: {
    'zh-CN': (p) => `${p.action === 'reject' ? '驳回' : '撤销'}工单必须填写原因（reason）`,
    en: (p) => `a reason is required to ${p.action} a work order`,
  },
  assignee_required: {
    'zh-CN': () => '派单需要指定处理班组（teamId）或处理人（assigneeId）',
    en: () => 'dispatch needs a team (teamId) or a person (assigneeId)',
  },
  unknown_user: {
    'zh-CN': (p) => `用户 ${p.id} 不存在或已停用`,
    en: (p) => `no active user ${p.id}`,
  },
  unknown_team: { 'zh-CN': (p) => `班组 ${p.id} 不存在`, en: (p) => `no team ${p.id}` },
  unknown_grid: { 'zh-CN': (p) => `网格 ${p.id} 不存在`, en: (p) => `no grid ${p.id}` },
  team_name_taken: {
    'zh-CN': (p) => `班组名称“${p.name}”已被使用`,
    en: (p) => `a team named ${p.name} exists`,
  },
  not_assignee: {
    'zh-CN': () => '只有被派单的处理人、其班组成员或管理人员可以处理此工单',
    en: () => 'only the assignee, a member of the assigned team or a manager may work on this order',
  },
  not_reporter: {
    'zh-CN': (p) => `只有工单的报告人可以${p.action === 'rate' ? '评价' : '撤销'}此工单`,
    en: (p) => `only the reporter of this work order may ${p.action} it`,
  },
  already_rated: {
    'zh-CN': () => '该工单已评价过，不能重复评价',
    en: () => 'this work order has already been rated',
  },
  hours_required: {
    'zh-CN': () => '志愿者完成的助老/志愿工单需填写服务时长（hours）',
    en: () => 'an elder-check or volunteer order done by a volunteer needs the hours served (hours)',
  },
  already_validated: {
    'zh-CN': () => '该工单已确认过，不能重复确认',
    en: () => 'this work order has already been confirmed',
  },
  not_resident_report: {
    'zh-CN': () => '只有居民上报的工单或建议可以确认有效并计积分',
    en: () => 'only reports and suggestions made by residents can be confirmed for points',
  },
  photo_type_unsupported: {
    'zh-CN': (p) => `不支持的图片类型 ${p.type}，仅支持：${zhList(p.allowed)}`,
    en: (p) => `unsupported photo type ${p.type}; allowed: ${enList(p.allowed)}`,
  },
  photo_content_mismatch: {
    'zh-CN': (p) => `文件内容不是 ${p.type} 图片`,
    en: (p) => `the file content is not a ${p.type} image`,
  },
  photo_too_large: {
    'zh-CN': (p) => `图片过大，单张不能超过 ${p.maxMb} MB`,
    en: (p) => `photo too large: at most ${p.maxMb} MB each`,
  },
  photo_empty: { 'zh-CN': () => '图片内容为空', en: () => 'the photo is empty' },
  photo_limit: {
    'zh-CN': (p) => `每个工单最多 ${p.max} 张图片`,
    en: (p) => `at most ${p.max} photos per work order`,
  },
  photo_not_found: { 'zh-CN': (p) => `图片 ${p.id} 不存在`, en: (p) => `no photo ${p.id}` },
  notification_not_found: { 'zh-CN': (p) => `通知 ${p.id} 不存在`, en: (p) => `no notification ${p.id}` },

  // ---- registry, users, provisioning, data (shared codes; `what` is an Entity)
  not_found: {
    'zh-CN': (p) => `${entityName(p.what, 'zh-CN')} ${p.id} 不存在`,
    en: (p) => `no ${entityName(p.what, 'en')} ${p.id}`,
  },
  duplicate: {
    'zh-CN': (p) =>
      p.what === 'household'
        ? `楼栋 ${p.building} 的 ${p.unit} 室已登记住户`
        : `${entityName(p.what, 'zh-CN')} ${p.key} 已存在`,
    en: (p) =>
      p.what === 'household'
        ? `building ${p.building} already has a household in unit ${p.unit}`
        : p.what === 'grid'
          ? `a grid named ${p.key} exists`
          : `${entityName(p.what, 'en')} ${p.key} exists`,
  },
  in_use: {
    'zh-CN': (p) =>
      `${entityName(p.what, 'zh-CN')} ${p.id} 下仍有${list(
        asArray(p.dependents).map((d) => entityName(d, 'zh-CN')),
        '、',
      )}，请先迁移或删除`,
    en: (p) =>
      `${entityName(p.what, 'en')} ${p.id} still has ${list(
        asArray(p.dependents).map((d) => entityName(d, 'en', true)),
        ', ',
      )}; move or delete them first`,
  },
  unknown_reference: {
    'zh-CN': (p) =>
      asArray(p.refs).length === 0
        ? '引用的对象不存在'
        : `引用的对象不存在：${list(
            (asArray(p.refs) as Array<{ what: string; id: string }>).map(
              (r) => `${entityName(r.what, 'zh-CN')} ${r.id}`,
            ),
            ' 或 ',
          )}`,
    en: (p) =>
      asArray(p.refs).length === 0
        ? 'a referenced record does not exist'
        : list(
            (asArray(p.refs) as Array<{ what: string; id: string }>).map(
              (r) => `no ${entityName(r.what, 'en')} ${r.id}`,
            ),
            ' or ',
          ),
  },
  username_taken: {
    'zh-CN': (p) => `用户名 ${p.username} 已被占用`,
    en: (p) => `username ${p.username} is taken`,
  },
  grid_required: {
    'zh-CN': () => '社工账号需要指定负责的网格（gridId）',
    en: () => 'a social worker needs the grid (gridId) they cover',
  },
  cannot_disable_self: {
    'zh-CN': () => '管理员不能停用自己的账号',
    en: () => 'an admin cannot disable their own account',
  },
  invalid_credentials: { 'zh-CN': () => '用户名或密码错误', en: () => 'wrong username or password' },
  code_unknown: { 'zh-CN': () => '配网码不存在', en: () => 'no such provisioning code' },
  code_used: { 'zh-CN': () => '该配网码已被使用', en: () => 'this provisioning code was already used' },
  code_expired: {
    'zh-CN': () => '该配网码已过期，请重新申请',
    en: () => 'this provisioning code has expired; ask for a new one',
  },
  gateway_mismatch: {
    'zh-CN': (p) => `配置属于网关 ${p.configFor}，不是 ${p.gateway}`,
    en: (p) => `config is for gateway "${p.configFor}", not "${p.gateway}"`,
  },
  bad_range: { 'zh-CN': () => '结束时间 to 必须晚于开始时间 from', en: () => '"to" must be after "from"' },
  range_too_long: {
    'zh-CN': () => '时间窗口超过 10,000 个，请使用更大的聚合窗口',
    en: () => 'more than 10,000 windows: use a larger window',
  },

  // ---- waste routes
  no_round: {
    'zh-CN': (p) => `${p.date} 没有已规划的清运路线`,
    en: (p) => `no round planned for ${p.date}`,
  },
  not_a_bin: { 'zh-CN': () => '只有垃圾桶站点可以上报', en: () => 'only bin stops are reported' },
  mandatory_stop_truck_full: {
    'zh-CN': (p) => `站点 ${p.id} 是必收站点，车满时请先去中转站卸车再回来清运，不能以“车满”跳过`,
    en: (p) =>
      `stop ${p.id} is mandatory (forecast to fill before the next round): when the truck is full, unload at the station and come back; only optional stops may be skipped for truck_full`,
  },
  already_reported: {
    'zh-CN': (p) => `站点 ${p.id} 已上报过（${p.status === 'done' ? '已清运' : '已跳过'}）`,
    en: (p) => `stop ${p.id} is already ${p.status}`,
  },

  // ---- points
  rule_not_found: { 'zh-CN': (p) => `积分规则 ${p.code} 不存在`, en: (p) => `no points rule ${p.code}` },
  rule_exists: { 'zh-CN': (p) => `积分规则 ${p.code} 已存在`, en: (p) => `points rule ${p.code} exists` },
  not_a_resident: {
    'zh-CN': (p) => `用户 ${p.id} 不是居民账号，不能获得或使用积分`,
    en: (p) => `user ${p.id} is not a resident account; only residents hold points`,
  },
  daily_cap_reached: {
    'zh-CN': (p) => `今日“${p.rule}”积分已达上限 ${p.cap} 分`,
    en: (p) => `today's cap of ${p.cap} points for ${p.rule} is reached`,
  },
  insufficient_points: {
    'zh-CN': (p) => `积分不足：当前余额 ${p.balance} 分，兑换需要 ${p.cost} 分`,
    en: (p) => `not enough points: balance ${p.balance}, this costs ${p.cost}`,
  },
  out_of_stock: {
    'zh-CN': (p) => `“${p.item}”已兑完，暂无库存`,
    en: (p) => `${p.item} is out of stock`,
  },
  item_not_found: { 'zh-CN': (p) => `兑换商品 ${p.id} 不存在`, en: (p) => `no catalogue item ${p.id}` },
  item_inactive: {
    'zh-CN': (p) => `“${p.item}”已下架`,
    en: (p) => `${p.item} is no longer offered`,
  },
  idempotency_conflict: {
    'zh-CN': (p) => `幂等键 ${p.key} 已用于另一笔不同的积分记录`,
    en: (p) => `idempotency key ${p.key} was already used for a different entry`,
  },
  amount_exceeds_balance: {
    'zh-CN': (p) => `扣减 ${p.amount} 分超过当前余额 ${p.balance} 分`,
    en: (p) => `deducting ${p.amount} points exceeds the balance of ${p.balance}`,
  },
  invalid_month: {
    'zh-CN': (p) => `月份 ${p.month} 格式应为 YYYY-MM`,
    en: (p) => `month ${p.month} must look like YYYY-MM`,
  },
};

/** Renders a code's message; an unknown code (a bug) still yields something readable. */
export function renderMessage(code: string, lang: Language, params: Params = {}): string {
  const entry = MESSAGES[code];
  return entry ? entry[lang](params) : code;
}
