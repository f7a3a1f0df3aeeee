import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, theme } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { errorDetail } from '../../shared/api.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useI18n } from '../language.tsx';
import { type LoginRedirectState, useSession } from '../session.tsx';

interface Credentials {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const { user, signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const from = (location.state as LoginRedirectState | null)?.from;
  const destination = from?.startsWith('/') && !from.startsWith('/login') ? from : '/';

  if (user) return <Navigate to={destination} replace />;

  async function submit({ username, password }: Credentials) {
    setSubmitting(true);
    setError(null);
    try {
      await signIn(username.trim(), password);
      navigate(destination, { replace: true });
    } catch (failure) {
      setError(errorDetail(failure));
      setSubmitting(false);
    }
  }

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        padding: 16,
        background: 'linear-gradient(160deg, #e6f4ff 0%, #f5f5f5 60%)',
      }}
    >
      <div style={{ position: 'absolute', top: 16, right: 16 }}>
        <LanguageSwitch />
      </div>
      {/* Plain elements rather than Typography keep the first page's bundle small. */}
      <h1
        style={{ fontSize: token.fontSizeHeading3, fontWeight: 600, color: token.colorTextHeading, margin: '0 0 24px' }}
      >
        {t('app.title')}
      </h1>
      <Card title={t('login.title')} style={{ width: '100%', maxWidth: 400 }}>
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
            role="alert"
          />
        )}
        <Form<Credentials> layout="vertical" requiredMark={false} onFinish={submit} disabled={submitting}>
          <Form.Item
            name="username"
            htmlFor="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
          >
            <Input id="username" prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item
            name="password"
            htmlFor="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password id="password" prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={submitting} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
      <p style={{ marginTop: 24, fontSize: 12, color: token.colorTextSecondary, textAlign: 'center' }}>
        {t('login.footer')}
      </p>
    </div>
  );
}
