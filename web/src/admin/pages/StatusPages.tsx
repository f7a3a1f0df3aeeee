// Friendly whole-page answers: a module still being built, a module the user may not open, an unknown path.

import { Button, Result } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../language.tsx';
import type { ConsoleModule } from '../modules.tsx';

function BackHome() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Button type="primary" onClick={() => navigate('/')}>
      {t('common.backHome')}
    </Button>
  );
}

export function ComingSoonPage({ module }: { module: ConsoleModule }) {
  const { t } = useI18n();
  return (
    <Result
      data-testid="coming-soon"
      icon={module.icon}
      title={t('comingSoon.title', { module: t(module.label) })}
      subTitle={
        module.description ? `${t(module.description)} · ${t('comingSoon.subtitle')}` : t('comingSoon.subtitle')
      }
      extra={<BackHome />}
    />
  );
}

export function ForbiddenPage({ module }: { module: ConsoleModule }) {
  const { t } = useI18n();
  return (
    <Result
      status="403"
      title={t('forbidden.title')}
      subTitle={t('forbidden.subtitle', { module: t(module.label) })}
      extra={<BackHome />}
    />
  );
}

export function NotFoundPage() {
  const { t } = useI18n();
  return <Result status="404" title={t('notFound.title')} subTitle={t('notFound.subtitle')} extra={<BackHome />} />;
}

/** A module's route: its page, or a placeholder while it is built, or 403 without the permission. */
export function ModulePage({ module, allowed }: { module: ConsoleModule; allowed: boolean }) {
  if (!allowed) return <ForbiddenPage module={module} />;
  if (!module.page) return <ComingSoonPage module={module} />;
  const Page = module.page;
  return <Page />;
}
