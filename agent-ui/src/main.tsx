import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { I18nProvider } from './i18n.tsx';
import { App } from './App.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      {(i18n) => (
        <ConfigProvider locale={i18n.lang === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#c8161d', borderRadius: 6 } }}>
          <AntApp>
            <App />
          </AntApp>
        </ConfigProvider>
      )}
    </I18nProvider>
  </StrictMode>,
);
