import { useEffect, useState } from 'react';
import type { CallView } from '@common/contract/calls';
import { useTranslation } from 'react-i18next';
import { History as HistoryIcon, Phone, Settings, Users, type LucideIcon } from 'lucide-react';
import { AfterCallWork } from './AfterCallWork';
import { CallPanel } from './CallPanel';
import { CustomerPanel } from './CustomerPanel';
import { needsFirstRun } from './first-run-due';
import { useApp, useAppStore } from './context';
import {
  LazyFirstRun,
  LazyHistory,
  LazySettingsPage,
  LazyTeamProfileScreen,
  LazyView,
  preloadViews,
  viewsLoaded,
} from './lazy-views';
import { NotesPanel } from './NotesPanel';
import { Notices } from './Notices';
import { NotesStatus } from './NotesStatus';
import { ProfileNotice } from './ProfileNotice';
import { StatusBar } from './StatusBar';
import { useCallHotkeys } from './use-hotkeys';

/** The app's views: the phone (calls and the customer), past calls, settings, and the team lead's screen. */
type AppView = 'phone' | 'history' | 'settings' | 'team-profile';
const viewIcon: Record<AppView, LucideIcon> = {
  phone: Phone,
  history: HistoryIcon,
  settings: Settings,
  'team-profile': Users,
};

const ringingCount = (calls: readonly CallView[]) => calls.reduce((n, c) => n + (c.state === 'ringing' ? 1 : 0), 0);

export function App() {
  const { t } = useTranslation();
  const bridge = useApp((s) => s.bridge);
  // Call hotkeys from the settings (answer, hang up, mute, hold); the Electron shell also registers them system-wide.
  useCallHotkeys();
  const teamProfile = useApp((s) => Boolean(s.teamProfile?.available));
  const [view, setView] = useState<AppView>('phone');
  const shown: AppView = view === 'team-profile' && !teamProfile ? 'phone' : view;
  // With no account configured the app opens on first-run setup; decided once, when the settings first arrive, so
  // saving the account during setup does not end it.
  const firstRunDue = useApp((s) => needsFirstRun(s.settings));
  const [firstRun, setFirstRun] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    if (firstRun === undefined && firstRunDue !== undefined) setFirstRun(firstRunDue);
  }, [firstRun, firstRunDue]);
  const finishFirstRun = () => {
    setFirstRun(false);
    setView('phone');
  };
  // A call that starts ringing brings the phone back to the front, whatever the agent was reading (setup too).
  // Watched from the store rather than selected: a selector would re-render the whole app (every view, mounted
  // hidden) on each ring, before the ringing card could show; this way only a view that changes renders.
  const store = useAppStore();
  useEffect(
    () =>
      store.subscribe((s, before) => {
        if (s.calls === before.calls || ringingCount(s.calls.calls) <= ringingCount(before.calls.calls)) return;
        setView('phone');
        setFirstRun((f) => (f ? false : f));
      }),
    [store],
  );
  // The other views' code comes after the phone is on screen and connected, when the browser is idle; once it is
  // here they mount hidden, as they always did (a half-typed account or a history search survives a look away).
  const [later, setLater] = useState(viewsLoaded);
  const phoneShown = bridge === 'connected' && firstRun === false;
  useEffect(() => {
    if (!phoneShown || later) return undefined;
    let live = true;
    // A chunk that fails to arrive is fetched again when its view is opened.
    const go = () => {
      preloadViews().then(
        () => {
          if (live) setLater(true);
        },
        () => undefined,
      );
    };
    const idle = typeof requestIdleCallback === 'function' ? requestIdleCallback(go, { timeout: 2000 }) : undefined;
    const timer = idle === undefined ? setTimeout(go, 50) : undefined;
    return () => {
      live = false;
      if (idle !== undefined) cancelIdleCallback(idle);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [phoneShown, later]);
  // A view opened before its code arrived mounts at once, with a loading line until it has.
  const [opened, setOpened] = useState<ReadonlySet<AppView>>(() => new Set(['phone']));
  useEffect(() => {
    if (!opened.has(shown)) setOpened((o) => new Set(o).add(shown));
  }, [opened, shown]);
  const mounted = (v: AppView) => later || opened.has(v) || shown === v;
  const views: AppView[] = ['phone', 'history', 'settings', ...(teamProfile ? (['team-profile'] as const) : [])];
  const nav = (
    <nav className="views" aria-label={t('views.label')} data-testid="views">
      {views.map((v) => {
        const Icon = viewIcon[v];
        return (
          <button
            key={v}
            type="button"
            data-testid={`view-${v}`}
            aria-current={!firstRun && shown === v ? 'page' : undefined}
            onClick={() => {
              // Choosing a view leaves the setup, as "Set up later" does.
              setFirstRun(false);
              setView(v);
            }}
          >
            <Icon aria-hidden="true" />
            {t(`views.${v}`)}
          </button>
        );
      })}
    </nav>
  );
  if (firstRun)
    return (
      <>
        <a className="skip" href="#main">
          {t('app.skipMain')}
        </a>
        <StatusBar nav={nav} />
        <main id="main" className="views-main" tabIndex={-1}>
          <LazyView>
            <LazyFirstRun onFinish={finishFirstRun} />
          </LazyView>
        </main>
      </>
    );
  return (
    <>
      <a className="skip" href={shown === 'phone' ? '#calls' : '#main'}>
        {t(shown === 'phone' ? 'app.skip' : 'app.skipMain')}
      </a>
      <StatusBar nav={nav} />
      {bridge !== 'connected' && (
        <div className="bridge" role="alert" data-testid="bridge-status" data-status={bridge}>
          {t(`bridge.${bridge}`)}
        </div>
      )}
      <div className="messages">
        <Notices />
        <NotesStatus />
        <ProfileNotice />
      </div>
      <main id="main" className="views-main" tabIndex={-1}>
        <div className="phone-view" hidden={shown !== 'phone'} data-testid="view-phone-panels">
          <div className="column softphone">
            <CallPanel />
            <AfterCallWork />
          </div>
          <div className="column customer-column">
            <CustomerPanel />
            <NotesPanel />
          </div>
        </div>
        <div className="single-view history-view" hidden={shown !== 'history'} data-testid="view-history-panels">
          {mounted('history') && (
            <LazyView>
              <LazyHistory />
            </LazyView>
          )}
        </div>
        <div className="single-view settings-page" hidden={shown !== 'settings'} data-testid="view-settings-panels">
          {mounted('settings') && (
            <LazyView>
              <LazySettingsPage shown={shown === 'settings'} />
            </LazyView>
          )}
        </div>
        {teamProfile && (
          // Kept mounted while hidden, so a team lead's unsaved draft survives a look at the phone.
          <div className="single-view" hidden={shown !== 'team-profile'}>
            {mounted('team-profile') && (
              <LazyView>
                <LazyTeamProfileScreen />
              </LazyView>
            )}
          </div>
        )}
      </main>
    </>
  );
}
