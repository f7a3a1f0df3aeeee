import { Button, Form, Input, NoticeBar, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorDetail } from '../../shared/api.ts';
import { portalApi, portalTenant, portalToken } from '../portal-api.ts';

/** Seconds before another code may be requested. */
const RESEND_AFTER_SECONDS = 60;
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

interface LoginForm {
  phone: string;
  code: string;
}

export default function LoginPage() {
  const navigate = useNavigate();
  const [form] = Form.useForm<LoginForm>();
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [secondsLeft, setSecondsLeft] = useState(0);

  useEffect(() => {
    if (secondsLeft <= 0) return;
    const timer = setTimeout(() => setSecondsLeft((seconds) => seconds - 1), 1000);
    return () => clearTimeout(timer);
  }, [secondsLeft]);

  async function sendCode() {
    setError(null);
    try {
      await form.validateFields(['phone']);
    } catch {
      return;
    }
    const phone = String(form.getFieldValue('phone')).trim();
    setSending(true);
    try {
      const answer = await portalApi.sendLoginCode(phone);
      setSecondsLeft(answer?.resendAfterSeconds ?? RESEND_AFTER_SECONDS);
      Toast.show({ icon: 'success', content: '验证码已发送' });
    } catch (failure) {
      setError(errorDetail(failure));
    } finally {
      setSending(false);
    }
  }

  async function login({ phone, code }: LoginForm) {
    setError(null);
    setSubmitting(true);
    try {
      const { token, tenant } = await portalApi.login(phone.trim(), code.trim());
      portalToken.set(token);
      if (tenant) portalTenant.set(tenant);
      navigate('/', { replace: true });
    } catch (failure) {
      setError(errorDetail(failure));
      setSubmitting(false);
    }
  }

  return (
    <div style={{ minHeight: '100vh', background: '#fff' }}>
      <header style={{ padding: '48px 24px 24px' }}>
        <div style={{ fontSize: 24, fontWeight: 600 }}>承租方缴费</div>
        <div style={{ marginTop: 8, color: 'var(--adm-color-weak)', fontSize: 14 }}>
          AssetPay 国有资产租赁缴费平台 · 手机号验证码登录
        </div>
      </header>
      {error && (
        <NoticeBar content={error} color="error" wrap data-testid="m-error" style={{ margin: '0 12px 12px' }} />
      )}
      <Form
        form={form}
        layout="horizontal"
        onFinish={login}
        footer={
          <Button block type="submit" color="primary" size="large" loading={submitting} data-testid="m-login-submit">
            登录
          </Button>
        }
      >
        <Form.Item
          name="phone"
          label="手机号"
          rules={[
            { required: true, message: '请输入手机号' },
            { pattern: MAINLAND_MOBILE, message: '请输入 11 位手机号' },
          ]}
        >
          <Input id="phone" type="tel" inputMode="numeric" maxLength={11} placeholder="签约时登记的手机号" clearable />
        </Form.Item>
        <Form.Item
          name="code"
          label="验证码"
          rules={[{ required: true, message: '请输入短信验证码' }]}
          extra={
            <Button
              size="small"
              color="primary"
              fill="none"
              disabled={secondsLeft > 0}
              loading={sending}
              onClick={sendCode}
              data-testid="m-send-code"
            >
              {secondsLeft > 0 ? `${secondsLeft} 秒后重发` : '获取验证码'}
            </Button>
          }
        >
          <Input id="code" inputMode="numeric" autoComplete="one-time-code" maxLength={8} placeholder="短信验证码" />
        </Form.Item>
      </Form>
    </div>
  );
}
