import { useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import { api, errorText, type Session } from '../api.ts';
import { useI18n } from '../i18n.tsx';

export function LoginPage({ onLogin }: { onLogin: (s: Session) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      onLogin(await api<Session>('POST', '/api/v1/auth/login', { body: v }));
    } catch (err) {
      setError(errorText(err, i18n.lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-wrap">
      <Card
        className="login-card"
        title={
          <span>
            {t('city')} {t('appName')}
          </span>
        }
        extra={
          <Button type="link" size="small" onClick={() => i18n.setLang(i18n.lang === 'zh' ? 'en' : 'zh')}>
            {t('language')}
          </Button>
        }
      >
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item label={t('username')} name="username" rules={[{ required: true, message: t('required') }]}>
            <Input autoFocus autoComplete="username" id="login-username" />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('required') }]}>
            <Input.Password autoComplete="current-password" id="login-password" />
          </Form.Item>
          {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login')}
          </Button>
        </Form>
        <div style={{ marginTop: 16, textAlign: 'center' }}>
          <a href="/message.html">{t('citizenPage')}</a>
        </div>
      </Card>
    </div>
  );
}
