// UI strings in English and Simplified Chinese. Every key must exist in
// both languages; i18n.test.ts fails when one is missing.

export type Lang = 'en' | 'zh';

export const strings = {
  en: {
    appName: 'Redline',
    tagline: 'Review chat exports against red-line rules',
    workspaceEmpty: 'No workspace is open yet. Import chat exports with the redline command to begin.',
    importHint: 'redline import PATH…',
    language: 'Language',
  },
  zh: {
    appName: 'Redline 红线审查',
    tagline: '按红线规则审查聊天记录',
    workspaceEmpty: '尚未打开工作区。请先用 redline 命令导入聊天记录。',
    importHint: 'redline import 路径…',
    language: '语言',
  },
} as const satisfies Record<Lang, Record<string, string>>;

export type Key = keyof (typeof strings)['en'];

export function t(lang: Lang, key: Key): string {
  return strings[lang][key] ?? strings.en[key];
}

/** The language to start in: the browser's if it is Chinese, else English. */
export function initialLang(languages: readonly string[]): Lang {
  return languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh' : 'en';
}
