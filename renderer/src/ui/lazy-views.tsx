import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

// The views an agent does not need to take a call load after the phone: each is its own chunk, fetched once the
// phone is on screen (preloadViews) or when first opened, whichever comes first.
const load = {
  history: () => import('./History'),
  settings: () => import('./SettingsPage'),
  teamProfile: () => import('./TeamProfileScreen'),
  firstRun: () => import('./FirstRun'),
};

const failedViews = new Set<() => void>();

/**
 * A lazy view that can be loaded again: React keeps a lazy component's failed load for good, so after a failure the
 * view gets a fresh lazy component, made when the agent asks to try again (`retryFailedViews`).
 */
export function retryableView<P extends object>(loadView: () => Promise<ComponentType<P>>): ComponentType<P> {
  const make = () =>
    lazy(() =>
      loadView().then(
        (view) => ({ default: view }),
        (err: unknown) => {
          failedViews.add(renew);
          throw err;
        },
      ),
    );
  let Current = make();
  function renew() {
    Current = make();
  }
  return function RetryableView(props: P) {
    return <Current {...props} />;
  };
}

/** Gives every view whose code failed to load a fresh attempt (the next render loads it again). */
export function retryFailedViews(): void {
  for (const renew of failedViews) renew();
  failedViews.clear();
}

export const LazyHistory = retryableView(() => load.history().then((m) => m.History));
export const LazySettingsPage = retryableView(() => load.settings().then((m) => m.SettingsPage));
export const LazyTeamProfileScreen = retryableView(() => load.teamProfile().then((m) => m.TeamProfileScreen));
export const LazyFirstRun = retryableView(() => load.firstRun().then((m) => m.FirstRun));

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

/** A view whose code could not load: said at once (an alert), with a way to try again; the phone is not touched. */
function ViewFailed({ onRetry }: { onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="view-loading" data-testid="view-failed">
      <p>{t('app.viewFailed')}</p>
      <button type="button" onClick={onRetry} data-testid="view-retry">
        {t('app.retry')}
      </button>
    </div>
  );
}

/** Catches a view's failed load, so it never takes the page (and the calls on it) down with it. */
class ViewBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <ViewFailed
        onRetry={() => {
          retryFailedViews();
          this.setState({ failed: false });
        }}
      />
    );
  }
}

/**
 * A lazy view with its own loading line and its own failure, so a view still loading — or whose code could not be
 * fetched — never blanks the rest of the page.
 */
export function LazyView({ children }: { children: ReactNode }) {
  return (
    <ViewBoundary>
      <Suspense fallback={<ViewLoading />}>{children}</Suspense>
    </ViewBoundary>
  );
}
