/**
 * The language the installer's shell asks for (POSIX precedence: LC_ALL, LC_MESSAGES, LANG), as an
 * Accept-Language value for the cloud's refusals: zh_CN.UTF-8 → zh-CN; anything else → en.
 */
export function acceptLanguageFromEnv(env: NodeJS.ProcessEnv = process.env): 'zh-CN' | 'en' {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh([_-]|$)/i.test(locale) ? 'zh-CN' : 'en';
}
