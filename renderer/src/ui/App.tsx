import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountScreen } from './AccountScreen';
import { AfterCallWork } from './AfterCallWork';
import { AgentState } from './AgentState';
import { AudioDevices } from './AudioDevices';
import { CallPanel } from './CallPanel';
import { HeadsetCheck } from './HeadsetCheck';
import { History } from './History';
import { useApp, useAppStore } from './context';
import { LanguagePicker } from './LanguagePicker';
import { MuteBar } from './MuteBar';
import { NotesPanel } from './NotesPanel';
import { Notices } from './Notices';
import { RegistrationBadge } from './RegistrationBadge';

export function App() {
  const { t } = useTranslation();
  const store = useAppStore();
  const bridge = useApp((s) => s.bridge);
  const muted = useApp((s) => s.calls.muted);
  useEffect(() => {
    // In-window keyboard shortcut for mute (the Electron shell adds global ones).
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.shiftKey && e.key.toLowerCase() === 'm') { e.preventDefault(); void store.bridge.client['call.mute']({ muted: !muted }).catch(() => undefined); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, muted]);
  return (
    <>
      <a className="skip" href="#calls">{t('app.skip')}</a>
      <header className="top">
        <h1>{t('app.title')}</h1>
        <RegistrationBadge />
        <AgentState />
        <LanguagePicker />
      </header>
      {bridge !== 'connected' && <div className="bridge" role="alert" data-testid="bridge-status" data-status={bridge}>{t(`bridge.${bridge}`)}</div>}
      <MuteBar />
      <Notices />
      <main className="layout">
        <CallPanel />
        <AfterCallWork />
        <NotesPanel />
        <AccountScreen />
        <AudioDevices />
        <HeadsetCheck />
        <History />
      </main>
    </>
  );
}
