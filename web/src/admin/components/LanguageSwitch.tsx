import { Segmented } from 'antd';
import type { Language } from '../i18n.ts';
import { useI18n } from '../language.tsx';

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <Segmented<Language>
      data-testid="language-switch"
      aria-label={t('lang.switch')}
      size="small"
      value={language}
      onChange={setLanguage}
      options={[
        { value: 'zh', label: t('lang.zh') },
        { value: 'en', label: t('lang.en') },
      ]}
    />
  );
}
