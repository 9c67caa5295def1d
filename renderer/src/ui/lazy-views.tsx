import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

// The views an agent does not need to take a call load after the phone: each is its own chunk, fetched once the
// phone is on screen (preloadViews) or when first opened, whichever comes first.
const load = {
  history: () => import('./History'),
  settings: () => import('./SettingsPage'),
  teamProfile: () => import('./TeamProfileScreen'),
  firstRun: () => import('./FirstRun'),
};

export const LazyHistory = lazy(() => load.history().then((m) => ({ default: m.History })));
export const LazySettingsPage = lazy(() => load.settings().then((m) => ({ default: m.SettingsPage })));
export const LazyTeamProfileScreen = lazy(() => load.teamProfile().then((m) => ({ default: m.TeamProfileScreen })));
export const LazyFirstRun = lazy(() => load.firstRun().then((m) => ({ default: m.FirstRun })));

let loaded = false;
/** Whether every later view's code is here (then the views mount at once, hidden until opened). */
export const viewsLoaded = (): boolean => loaded;

/** Fetches every later view's code (the browser caches each module, so the lazy components find it loaded). */
export function preloadViews(): Promise<void> {
  return Promise.all(Object.values(load).map((l) => l())).then(() => {
    loaded = true;
  });
}

/** A view still loading: said to screen readers (a polite status), shown as one short line. */
export function ViewLoading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="view-loading" data-testid="view-loading">
      {t('app.loading')}
    </p>
  );
}

/** A lazy view with its own loading line, so a view still loading never blanks the rest of the page. */
export function LazyView({ children }: { children: ReactNode }) {
  return <Suspense fallback={<ViewLoading />}>{children}</Suspense>;
}
