import { useTranslation } from 'react-i18next';
import { AccountScreen } from './AccountScreen';
import { AfterCallWork } from './AfterCallWork';
import { AgentState } from './AgentState';
import { AudioDevices } from './AudioDevices';
import { CallPanel } from './CallPanel';
import { HeadsetCheck } from './HeadsetCheck';
import { History } from './History';
import { useApp } from './context';
import { LanguagePicker } from './LanguagePicker';
import { MuteBar } from './MuteBar';
import { NotesPanel } from './NotesPanel';
import { Notices } from './Notices';
import { NotesStatus } from './NotesStatus';
import { RegistrationBadge } from './RegistrationBadge';
import { Shortcuts } from './Shortcuts';
import { useCallHotkeys } from './use-hotkeys';

export function App() {
  const { t } = useTranslation();
  const bridge = useApp((s) => s.bridge);
  // Call hotkeys from the settings (answer, hang up, mute, hold); the Electron shell also registers them system-wide.
  useCallHotkeys();
  return (
    <>
      <a className="skip" href="#calls">
        {t('app.skip')}
      </a>
      <header className="top">
        <h1>{t('app.title')}</h1>
        <RegistrationBadge />
        <AgentState />
        <LanguagePicker />
      </header>
      {bridge !== 'connected' && (
        <div className="bridge" role="alert" data-testid="bridge-status" data-status={bridge}>
          {t(`bridge.${bridge}`)}
        </div>
      )}
      <MuteBar />
      <Notices />
      <NotesStatus />
      <main className="layout">
        <CallPanel />
        <AfterCallWork />
        <NotesPanel />
        <AccountScreen />
        <AudioDevices />
        <HeadsetCheck />
        <Shortcuts />
        <History />
      </main>
    </>
  );
}
