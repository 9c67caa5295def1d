import { useEffect, useRef, useState } from 'react';
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
import { ProfileNotice } from './ProfileNotice';
import { RegistrationBadge } from './RegistrationBadge';
import { SettingsView } from './SettingsView';
import { Shortcuts } from './Shortcuts';
import { TeamProfileScreen } from './TeamProfileScreen';
import { useCallHotkeys } from './use-hotkeys';

/** The app's views: the phone (every panel), all settings with their sources, and the team lead's screen. */
type AppView = 'phone' | 'settings' | 'team-profile';

export function App() {
  const { t } = useTranslation();
  const bridge = useApp((s) => s.bridge);
  // Call hotkeys from the settings (answer, hang up, mute, hold); the Electron shell also registers them system-wide.
  useCallHotkeys();
  const teamProfile = useApp((s) => Boolean(s.teamProfile?.available));
  const ringing = useApp((s) => s.calls.calls.filter((c) => c.state === 'ringing').length);
  const [view, setView] = useState<AppView>('phone');
  const shown: AppView = view === 'team-profile' && !teamProfile ? 'phone' : view;
  // A call that starts ringing brings the phone back to the front, whatever the agent was reading.
  const rang = useRef(ringing);
  useEffect(() => {
    if (ringing > rang.current) setView('phone');
    rang.current = ringing;
  }, [ringing]);
  const views: AppView[] = teamProfile ? ['phone', 'settings', 'team-profile'] : ['phone', 'settings'];
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
      <ProfileNotice />
      <nav className="views" aria-label={t('views.label')} data-testid="views">
        {views.map((v) => (
          <button
            key={v}
            type="button"
            data-testid={`view-${v}`}
            aria-current={shown === v ? 'page' : undefined}
            onClick={() => setView(v)}
          >
            {t(`views.${v}`)}
          </button>
        ))}
      </nav>
      <main className="layout" hidden={shown !== 'phone'} data-testid="view-phone-panels">
        <CallPanel />
        <AfterCallWork />
        <NotesPanel />
        <AccountScreen />
        <AudioDevices />
        <HeadsetCheck />
        <Shortcuts />
        <History />
      </main>
      {shown === 'settings' && (
        <main className="single-view">
          <SettingsView />
        </main>
      )}
      {teamProfile && (
        // Kept mounted while hidden, so a team lead's unsaved draft survives a look at the phone.
        <main className="single-view" hidden={shown !== 'team-profile'}>
          <TeamProfileScreen />
        </main>
      )}
    </>
  );
}
