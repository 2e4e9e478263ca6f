import { useCallback, useEffect, useState } from 'react';
import { Button, Tooltip } from 'antd';
import { loadSession, saveSession, setUnauthorizedHandler, type Session, type User } from './api.ts';
import { useI18n, type MessageKey } from './i18n.tsx';
import { LiveProvider, useLive } from './live.tsx';
import { navigate, usePath } from './router.ts';
import { LoginPage } from './pages/Login.tsx';
import { CallPage } from './pages/CallPage.tsx';
import { TicketListPage } from './pages/TicketList.tsx';
import { TicketDetailPage } from './pages/TicketDetail.tsx';
import { ManualQueuePage } from './pages/ManualQueue.tsx';
import { InboxPage } from './pages/Inbox.tsx';

const HOTLINE = ['operator', 'dispatcher', 'admin'];

interface NavItem {
  path: string;
  label: MessageKey;
  roles: string[] | null;
}

const NAV: NavItem[] = [
  { path: '/call', label: 'navCall', roles: ['operator', 'dispatcher', 'admin'] },
  { path: '/queue', label: 'navQueue', roles: ['dispatcher', 'admin'] },
  { path: '/inbox', label: 'navInbox', roles: ['unit_handler'] },
  { path: '/tickets', label: 'navTickets', roles: null },
];

function homeOf(u: User): string {
  if (u.role === 'dispatcher') return '/queue';
  if (u.role === 'unit_handler') return '/inbox';
  if (HOTLINE.includes(u.role)) return '/call';
  return '/tickets';
}

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const logout = useCallback(() => {
    saveSession(null);
    setSession(null);
    navigate('/login', true);
  }, []);
  useEffect(() => setUnauthorizedHandler(logout), [logout]);

  if (!session) {
    return (
      <LoginPage
        onLogin={(s) => {
          saveSession(s);
          setSession(s);
          const p = location.pathname;
          navigate(p === '/' || p === '/login' ? homeOf(s.user) : p, true);
        }}
      />
    );
  }
  return (
    <LiveProvider token={session.token} onAuthFailed={logout}>
      <Shell user={session.user} onLogout={logout} />
    </LiveProvider>
  );
}

function Shell({ user, onLogout }: { user: User; onLogout: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const live = useLive();
  const path = usePath();
  useEffect(() => {
    if (path === '/' || path === '/login') navigate(homeOf(user), true);
  }, [path, user]);
  const items = NAV.filter((n) => !n.roles || n.roles.includes(user.role));

  let page = null;
  const detail = /^\/tickets\/([^/]+)$/.exec(path);
  if (detail) page = <TicketDetailPage key={detail[1]} user={user} idOrNumber={decodeURIComponent(detail[1]!)} />;
  else if (path === '/call' && HOTLINE.includes(user.role)) page = <CallPage user={user} />;
  else if (path === '/queue' && ['dispatcher', 'admin'].includes(user.role)) page = <ManualQueuePage />;
  else if (path === '/inbox' && user.role === 'unit_handler') page = <InboxPage />;
  else if (path === '/tickets') page = <TicketListPage user={user} />;

  return (
    <div>
      <header className="app-header">
        <div className="brand">
          {t('city')} {t('appName')}
        </div>
        <nav className="nav">
          {items.map((n) => (
            <a
              key={n.path}
              href={n.path}
              className={path === n.path || path.startsWith(`${n.path}/`) ? 'active' : ''}
              onClick={(e) => {
                e.preventDefault();
                navigate(n.path);
              }}
            >
              {t(n.label)}
            </a>
          ))}
        </nav>
        <div className="who">
          <Tooltip title={live.connected ? t('liveOn') : t('liveOff')}>
            <span data-testid="live-status" data-connected={live.connected ? 'yes' : 'no'}>
              <span className={`live-dot ${live.connected ? 'on' : 'off'}`} />
              {live.connected ? t('liveOn') : t('liveOff')}
            </span>
          </Tooltip>
          <span>
            {user.name} · {i18n.role(user.role)}
          </span>
          <Button size="small" type="text" onClick={() => i18n.setLang(i18n.lang === 'zh' ? 'en' : 'zh')}>
            {t('language')}
          </Button>
          <Button size="small" type="text" onClick={onLogout}>
            {t('logout')}
          </Button>
        </div>
      </header>
      <main className="page">{page ?? <TicketListPage user={user} />}</main>
    </div>
  );
}
