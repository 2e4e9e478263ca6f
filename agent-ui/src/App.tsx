import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Button, Spin, Tooltip } from 'antd';
import { loadSession, saveSession, setUnauthorizedHandler, type Session, type User } from './api.ts';
import { useI18n, type MessageKey } from './i18n.tsx';
import { LiveProvider, useLive } from './live.tsx';
import { navigate, usePath } from './router.ts';
import { LoginPage } from './pages/Login.tsx';
// Also lazy: the bell and the managers-only notice would pull List, Popover and Result into the login screen's chunk.
const NoticeBell = lazy(() => import('./pages/Notices.tsx').then((m) => ({ default: m.NoticeBell })));
const ManagersOnly = lazy(() => import('./pages/manager-common.tsx').then((m) => ({ default: m.ManagersOnly })));

// Pages load on first visit (the login screen needs none of them); each is its own chunk.
const CallPage = lazy(() => import('./pages/CallPage.tsx').then((m) => ({ default: m.CallPage })));
const TicketListPage = lazy(() => import('./pages/TicketList.tsx').then((m) => ({ default: m.TicketListPage })));
const TicketDetailPage = lazy(() => import('./pages/TicketDetail.tsx').then((m) => ({ default: m.TicketDetailPage })));
const ManualQueuePage = lazy(() => import('./pages/ManualQueue.tsx').then((m) => ({ default: m.ManualQueuePage })));
const InboxPage = lazy(() => import('./pages/Inbox.tsx').then((m) => ({ default: m.InboxPage })));
const CallbackPage = lazy(() => import('./pages/CallbackPage.tsx').then((m) => ({ default: m.CallbackPage })));
const KnowledgeAdminPage = lazy(() => import('./pages/KnowledgeAdmin.tsx').then((m) => ({ default: m.KnowledgeAdminPage })));

const HOTLINE = ['operator', 'dispatcher', 'admin'];
const MANAGERS = ['manager', 'admin'];
// Manager pages load on first visit (the rates page brings ECharts).
const BoardPage = lazy(() => import('./pages/BoardPage.tsx').then((m) => ({ default: m.BoardPage })));
const OverduePage = lazy(() => import('./pages/OverduePage.tsx').then((m) => ({ default: m.OverduePage })));
const ExtensionsPage = lazy(() => import('./pages/ExtensionsPage.tsx').then((m) => ({ default: m.ExtensionsPage })));
const ArbitrationPage = lazy(() => import('./pages/ArbitrationPage.tsx').then((m) => ({ default: m.ArbitrationPage })));
const RatesPage = lazy(() => import('./pages/RatesPage.tsx').then((m) => ({ default: m.RatesPage })));
const MANAGER_PATHS = ['/board', '/overdue', '/extensions', '/arbitration', '/rates'];

interface NavItem {
  path: string;
  label: MessageKey;
  roles: string[] | null;
}

const NAV: NavItem[] = [
  { path: '/call', label: 'navCall', roles: ['operator', 'dispatcher', 'admin'] },
  { path: '/callbacks', label: 'navCallback', roles: ['operator', 'dispatcher', 'admin'] },
  { path: '/queue', label: 'navQueue', roles: ['dispatcher', 'admin'] },
  { path: '/inbox', label: 'navInbox', roles: ['unit_handler'] },
  { path: '/board', label: 'navBoard', roles: ['manager', 'admin'] },
  { path: '/overdue', label: 'navOverdue', roles: ['manager', 'admin'] },
  { path: '/extensions', label: 'navExtensions', roles: ['manager', 'admin'] },
  { path: '/arbitration', label: 'navArbitration', roles: ['manager', 'admin'] },
  { path: '/rates', label: 'navRates', roles: ['manager', 'admin'] },
  { path: '/tickets', label: 'navTickets', roles: null },
  { path: '/knowledge', label: 'navKnowledge', roles: ['admin'] },
];

function homeOf(u: User): string {
  if (u.role === 'dispatcher') return '/queue';
  if (u.role === 'unit_handler') return '/inbox';
  if (u.role === 'manager') return '/board';
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
  // While the login form shows, fetch the call page's chunk: most logins are operators, who start typing at once.
  useEffect(() => {
    if (session) return;
    const id = setTimeout(() => void import('./pages/CallPage.tsx'), 300);
    return () => clearTimeout(id);
  }, [session]);

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
  else if (MANAGER_PATHS.includes(path) && !MANAGERS.includes(user.role)) page = <ManagersOnly />;
  else if (path === '/board') page = <BoardPage />;
  else if (path === '/overdue') page = <OverduePage user={user} />;
  else if (path === '/extensions') page = <ExtensionsPage user={user} />;
  else if (path === '/arbitration') page = <ArbitrationPage user={user} />;
  else if (path === '/rates') page = <RatesPage />;
  else if (path === '/callbacks' && HOTLINE.includes(user.role)) page = <CallbackPage />;
  else if (path === '/knowledge' && user.role === 'admin') page = <KnowledgeAdminPage />;

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
          {['unit_handler', 'manager'].includes(user.role) && (
            <Suspense fallback={null}>
              <NoticeBell user={user} />
            </Suspense>
          )}
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
      <main className="page">
        <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>{page ?? <TicketListPage user={user} />}</Suspense>
      </main>
    </div>
  );
}
