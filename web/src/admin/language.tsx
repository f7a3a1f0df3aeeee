import { ConfigProvider, type ConfigProviderProps } from 'antd';
import enUS from 'antd/es/locale/en_US.js';
import zhCN from 'antd/es/locale/zh_CN.js';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn.js';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import {
  activeLanguage,
  chooseLanguage,
  type Language,
  type MessageKey,
  type MessageParams,
  translate,
} from './i18n.ts';

interface LanguageContextValue {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, params?: MessageParams) => string;
}

const LanguageContext = createContext<LanguageContextValue | null>(null);

type AntdLocale = NonNullable<ConfigProviderProps['locale']>;

/** Under NodeNext, TypeScript reads antd's es/ typings as CommonJS; in the ESM bundle the default export is the locale. */
function antdLocale(module: unknown): AntdLocale {
  const locale = module as AntdLocale & { default?: AntdLocale };
  return locale.default ?? locale;
}

const antdLocales: Record<Language, AntdLocale> = { zh: antdLocale(zhCN), en: antdLocale(enUS) };
const dayjsLocales = { zh: 'zh-cn', en: 'en' };

function applyLanguage(language: Language) {
  dayjs.locale(dayjsLocales[language]);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  document.title = translate(language, 'app.title');
}

applyLanguage(activeLanguage());

/** Chinese by default; the choice is remembered in localStorage and sent to the API as Accept-Language. */
export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(activeLanguage);

  useEffect(() => applyLanguage(language), [language]);

  const setLanguage = useCallback((next: Language) => {
    chooseLanguage(next);
    setLanguageState(next);
  }, []);

  const value = useMemo<LanguageContextValue>(
    () => ({ language, setLanguage, t: (key, params) => translate(language, key, params) }),
    [language, setLanguage],
  );

  return (
    <LanguageContext.Provider value={value}>
      <ConfigProvider locale={antdLocales[language]}>{children}</ConfigProvider>
    </LanguageContext.Provider>
  );
}

export function useI18n(): LanguageContextValue {
  const value = useContext(LanguageContext);
  if (!value) throw new Error('useI18n must be used inside <LanguageProvider>');
  return value;
}
