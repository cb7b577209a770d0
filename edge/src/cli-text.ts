import { acceptLanguageFromEnv } from './locale.js';

/**
 * What the installer CLI says, in zh-CN and English: installers read it on a console in the
 * field, in the language of their shell (LANG=zh_CN.UTF-8 → Chinese). Output that scripts parse
 * (scan hits, live values) keeps the same fields in both languages.
 */
export type CliLang = 'zh-CN' | 'en';
type Params = Record<string, string | number | boolean | undefined>;

const TEXT = {
  wholeNumber: {
    'zh-CN': (p: Params) => `应为 ${p.min} 到 ${p.max} 之间的整数`,
    en: (p: Params) => `expected a whole number from ${p.min} to ${p.max}`,
  },
  noResponse: {
    'zh-CN': (p: Params) =>
      `${p.where} 上的从站 ${p.unit} 无应答：请检查从站地址、波特率、校验位和 A/B 接线（A/B 接反最常见）`,
    en: (p: Params) =>
      `no response from unit ${p.unit} on ${p.where}: check the unit id, baud rate, parity, and the A/B wiring (swapped A/B is the most common fault)`,
  },
  unitError: {
    'zh-CN': (p: Params) => `${p.where}，从站 ${p.unit}：${p.message}`,
    en: (p: Params) => `${p.where}, unit ${p.unit}: ${p.message}`,
  },
  cannotReach: {
    'zh-CN': (p: Params) => `无法连接 ${p.cloud}：${p.message}（请检查地址和网关的网络）`,
    en: (p: Params) => `cannot reach ${p.cloud}: ${p.message} (check the URL and the gateway's network)`,
  },
  refused: {
    'zh-CN': (p: Params) =>
      `配网被拒绝（${p.status}）：${p.message ?? '未说明原因'}——配网码过期或已用过时请重新申请`,
    en: (p: Params) =>
      `provisioning refused (${p.status}): ${p.message ?? 'no reason given'} — ask for a new code if it expired or was used`,
  },
  cannotWrite: {
    'zh-CN': (p: Params) => `无法写入 ${p.file}：${p.message}（请用 root 运行，或用 --out <文件> 指定位置）`,
    en: (p: Params) => `cannot write ${p.file}: ${p.message} (run as root, or pass --out <file>)`,
  },
  provisioned: {
    'zh-CN': (p: Params) =>
      `网关 ${p.gateway} 配网成功；凭据已保存到 ${p.file}（权限 0600）\n` +
      `下一步：在边缘配置中设置 mqtt.credentialsFile: ${p.file}，然后运行：linli-edge run --config <文件>`,
    en: (p: Params) =>
      `provisioned gateway ${p.gateway}; credentials saved to ${p.file} (0600)\n` +
      `next: set mqtt.credentialsFile: ${p.file} in the edge config, then: linli-edge run --config <file>`,
  },
  portPermission: {
    'zh-CN': () => '没有串口权限：请把用户加入 dialout 组（sudo usermod -aG dialout $USER）后重新登录',
    en: () =>
      'permission denied: add the user to the "dialout" group (sudo usermod -aG dialout $USER) and log in again',
  },
  portBusy: {
    'zh-CN': () => '串口被占用：另一个程序正在使用它（用 fuser -v <串口> 查看）',
    en: () => 'the port is busy: another program has it open (check with: fuser -v <port>)',
  },
  portMissing: {
    'zh-CN': () => '没有这个串口：请检查 USB 转 485 线缆和路径（ls /dev/serial/by-id/）',
    en: () => 'no such serial port: check the cable and the path (ls /dev/serial/by-id/)',
  },
  tcpRefused: {
    'zh-CN': () => '该地址没有服务在监听：请检查网关（或设备）的 IP 地址和端口',
    en: () => "nothing listens there: check the gateway's address and port",
  },
  portOrTcp: {
    'zh-CN': () => '请只指定 --port <串口路径> 或 --tcp <主机:端口> 其中之一',
    en: () => 'give exactly one of --port <serial path> or --tcp <host:port>',
  },
  scanning: {
    'zh-CN': (p: Params) => `正在扫描 ${p.bus}，从站 ${p.from}-${p.to}`,
    en: (p: Params) => `scanning ${p.bus}, units ${p.from}-${p.to}`,
  },
  noProfileMatch: {
    'zh-CN': () => '（有应答，但没有匹配的设备型号）',
    en: () => '(answers, no matching profile)',
  },
  nothingAnswered: {
    'zh-CN': () => '没有设备应答：请检查 A/B 接线、终端电阻、波特率和校验位',
    en: () => 'no device answered: check wiring (A/B), termination, baud rate and parity',
  },
  noDevice: {
    'zh-CN': (p: Params) => `${p.file} 中没有设备“${p.device}”；已配置的设备：${p.devices}`,
    en: (p: Params) => `no device "${p.device}" in ${p.file}; devices: ${p.devices}`,
  },
  unknownProfile: {
    'zh-CN': (p: Params) => `未知的设备型号“${p.profile}”`,
    en: (p: Params) => `unknown profile "${p.profile}"`,
  },
  readError: { 'zh-CN': () => '错误', en: () => 'ERROR' },
  noHealth: {
    'zh-CN': (p: Params) => `${p.file} 中未配置健康检查端口（添加：health: { port: 9180 }）`,
    en: (p: Params) => `no health endpoint configured in ${p.file} (add: health: { port: 9180 })`,
  },
  notRunning: {
    'zh-CN': (p: Params) =>
      `边缘代理未运行（${p.url} 无应答）；请启动：linli-edge run，或 systemctl start linli-edge`,
    en: (p: Params) =>
      `the agent is not running (nothing answers at ${p.url}); start it with: linli-edge run, or systemctl start linli-edge`,
  },
  statusGateway: {
    'zh-CN': (p: Params) =>
      `网关 ${p.gateway}  已运行 ${p.uptime}s  MQTT ${p.connected ? '已连接' : '未连接'}  配置 ${p.config ?? '本地文件'}`,
    en: (p: Params) =>
      `gateway ${p.gateway}  up ${p.uptime}s  broker ${p.connected ? 'connected' : 'DISCONNECTED'}  config ${p.config ?? 'local file'}`,
  },
  statusOutbox: {
    'zh-CN': (p: Params) =>
      `缓存：${p.pending} 条待发，已丢弃 常规 ${p.routine} / 事件 ${p.events}，还可缓存约 ${p.hours ?? '?'} 小时`,
    en: (p: Params) =>
      `outbox: ${p.pending} pending, dropped ${p.routine} routine / ${p.events} events, ${p.hours ?? '?'} h of buffer left`,
  },
  statusDevice: {
    'zh-CN': (p: Params) =>
      `  ${String(p.id).padEnd(16)} ${p.healthy ? '正常  ' : '故障  '} 成功=${p.ok} 超时=${p.timeouts} 异常=${p.exceptions} 延迟p99=${p.late}ms`,
    en: (p: Params) =>
      `  ${String(p.id).padEnd(16)} ${p.healthy ? 'ok     ' : 'FAILING'} ok=${p.ok} timeouts=${p.timeouts} exceptions=${p.exceptions} late p99=${p.late}ms`,
  },
} satisfies Record<string, Record<CliLang, (p: Params) => string>>;

export type CliText = keyof typeof TEXT;

export function cliText(key: CliText, params: Params = {}, lang: CliLang = acceptLanguageFromEnv()): string {
  return TEXT[key][lang](params);
}
