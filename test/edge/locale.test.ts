import { describe, expect, it } from 'vitest';
import { acceptLanguageFromEnv } from '../../edge/src/locale.js';

describe('installer CLI language', () => {
  it('asks the cloud for zh-CN when the shell is Chinese, else English, by POSIX precedence', () => {
    expect(acceptLanguageFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(acceptLanguageFromEnv({ LANG: 'zh' })).toBe('zh-CN');
    expect(acceptLanguageFromEnv({ LANG: 'C.UTF-8' })).toBe('en');
    expect(acceptLanguageFromEnv({})).toBe('en');
    expect(acceptLanguageFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'en_US.UTF-8' })).toBe('en');
    expect(acceptLanguageFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_TW.UTF-8' })).toBe('zh-CN');
    expect(acceptLanguageFromEnv({ LANG: 'zu_ZA.UTF-8' })).toBe('en');
  });
});
