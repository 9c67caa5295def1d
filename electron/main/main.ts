import {
  app,
  BrowserWindow,
  ipcMain,
  net,
  powerMonitor,
  protocol,
  session,
  shell,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { callNames } from '../common/contract/contract';
import { dispatchCall } from '../common/contract/dispatch';
import {
  contentSecurityPolicy,
  isAllowedNavigation,
  isTrustedSender,
  isAllowedPermission,
  externalLinkToOpen,
  rendererOrigin,
} from './security';
import { createCore } from '../node/core/core';
import { loadNodeHid } from '../node/hid/node-hid-loader';
import { createLogger } from '../node/log';
import { watchNetwork } from '../node/network-watcher';
import { platformPolicySource } from '../node/settings/platform-policy-source';
import { SafeStorageSecrets } from './safe-storage-secrets';
import { createMuteMiniBar } from './mute-mini-bar';
import { startElectronHotkeys } from './global-hotkeys';
import { startUpdater } from './updater';

// The Electron shell: windows, IPC, keychain, power events. No logic of its own; everything is in the core.
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

const rendererDir = path.join(__dirname, '..', 'renderer');
const log = createLogger((l) => process.stderr.write(`${l}\n`), 'info', 'main');

// A stopping signal quits like the menu does, so it takes the one shutdown path below (before-quit).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => app.quit());

/**
 * The renderer saves a note draft at most this long after the first unsaved keystroke
 * (renderer/src/state/note-draft.ts), plus room for the save to cross IPC: the windows stay open this long
 * before the calls end, so a draft typed just before quitting reaches the store.
 */
const rendererSaveGraceMs = 400;

app
  .whenReady()
  .then(async () => {
    const dataDir = app.getPath('userData');
    const hid = await loadNodeHid();
    const core = createCore({
      ...(hid ? { hid } : {}),
      shell: 'electron',
      version: app.getVersion(),
      dataDir,
      log,
      secrets: new SafeStorageSecrets(path.join(dataDir, 'secrets.json')),
      // Policy only from where the agent cannot write: Group Policy, managed preferences, /etc/diadema.
      policy: platformPolicySource(),
      // A team lead publishing to an https:// location authenticates with this token (never a setting).
      teamLead: { token: process.env.DIADEMA_PUBLISH_TOKEN },
    });

    // Serve the renderer from a custom protocol with a path guard instead of file://.
    // The CSP is sent from code with every response, not only as a meta tag the page could lose.
    protocol.handle('app', async (request) => {
      const url = new URL(request.url);
      const file = path.resolve(
        rendererDir,
        `.${url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname)}`,
      );
      if (url.host !== 'diadema' || !file.startsWith(rendererDir + path.sep))
        return new Response('forbidden', { status: 403 });
      const res = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(res.headers);
      headers.set('Content-Security-Policy', contentSecurityPolicy);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(res.body, { status: res.status, headers });
    });
    session.defaultSession.setPermissionRequestHandler((wc, permission, callback, details) =>
      callback(
        isAllowedPermission(
          permission,
          details.requestingUrl,
          'mediaTypes' in details ? details.mediaTypes : undefined,
        ),
      ),
    );
    session.defaultSession.setPermissionCheckHandler((_wc, permission, origin) =>
      isAllowedPermission(permission, origin),
    );

    // One contract connection per window's webContents; media requests go only to the window that hosts media.
    const connections = new Map<number, ReturnType<typeof core.connect>>();
    const connectionFor = (contents: WebContents) => {
      let c = connections.get(contents.id);
      if (!c) {
        c = core.connect((name, payload) => {
          if (!contents.isDestroyed()) contents.send('diadema:event', name, payload);
        });
        connections.set(contents.id, c);
        const drop = () => {
          connections.get(contents.id)?.close();
          connections.delete(contents.id);
        };
        contents.once('destroyed', drop);
        contents.on('render-process-gone', drop);
        contents.on('did-start-navigation', (_e, _url, isInPlace, isMainFrame) => {
          if (isMainFrame && !isInPlace) drop();
        });
      }
      return c;
    };
    for (const name of callNames) {
      ipcMain.handle(name, async (event: IpcMainInvokeEvent, args: unknown) => {
        if (!isTrustedSender(event.senderFrame?.url) || event.senderFrame !== event.sender.mainFrame)
          return { ok: false, error: { code: 'forbidden' } };
        return dispatchCall(core.handlers, name, args, connectionFor(event.sender));
      });
    }

    const win = new BrowserWindow({
      width: 1100,
      height: 760,
      show: false,
      webPreferences: {
        preload: path.join(__dirname, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
        // Media and the talking-while-muted analysis must keep running while the window is hidden or minimised.
        backgroundThrottling: false,
      },
    });
    connectionFor(win.webContents);
    // A crashed renderer is replaced; the core re-negotiates the calls' media with the new one. At most
    // `maxCrashReloads` a minute, as the browser host: a page that crashes on every load is not reloaded forever.
    const maxCrashReloads = 5;
    const crashReloads: number[] = [];
    win.webContents.on('render-process-gone', (_event, details) => {
      // A renderer that exited cleanly is the window closing or the app quitting, not a crash.
      if (win.isDestroyed() || quitting || details.reason === 'clean-exit') return;
      const now = Date.now();
      while (crashReloads.length && now - crashReloads[0]! >= 60_000) crashReloads.shift();
      const why = { reason: details.reason, exitCode: details.exitCode };
      if (crashReloads.length >= maxCrashReloads) {
        log.error('the page crashed again: not reloading it (too many crashes); reload the window by hand', why);
        return;
      }
      crashReloads.push(now);
      log.warn('the page crashed: reloading it', { ...why, reload: crashReloads.length, of: maxCrashReloads });
      win.webContents.reload();
    });
    win.once('ready-to-show', () => win.show());
    // Quitting (menu, last window closed, a signal, an update) in the same order as the browser host: the
    // windows get the note draft in, then the core ends the calls (BYE), un-REGISTERs and flushes the notes,
    // and only then do the windows close. Every step runs even when one before it failed.
    let stopWatching: () => void = () => undefined;
    let stopHotkeys: () => void = () => undefined;
    let stopUpdater: () => void = () => undefined;
    let quitting = false;
    const starting = core.start();
    app.on('before-quit', (e) => {
      if (quitting) return;
      e.preventDefault();
      quitting = true;
      const bounded = (p: Promise<unknown>, ms: number, what: string) =>
        Promise.race([
          p,
          new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms)),
        ]);
      void (async () => {
        let code = 0;
        for (const stop of [stopWatching, stopHotkeys, stopUpdater]) {
          try {
            stop();
          } catch (err) {
            log.error('shutdown: a watcher did not stop', { detail: String(err) });
          }
        }
        await bounded(starting, 15_000, 'start-up').catch(() => undefined);
        if (BrowserWindow.getAllWindows().length) await new Promise((r) => setTimeout(r, rendererSaveGraceMs));
        try {
          await bounded(core.stop(), 20_000, 'core stop');
        } catch (err) {
          code = 1;
          log.error('shutdown: core failed', { detail: String(err) });
        }
        // app.quit() (quitting is set, so this handler lets it through) keeps the will-quit and quit events the
        // updater installs on; a failed step exits 1 instead.
        if (code) app.exit(code);
        else app.quit();
      })();
    });
    await starting;
    if (quitting) return;
    powerMonitor.on('resume', () => core.shell.resumed());
    stopWatching = watchNetwork(() => core.shell.networkChanged());
    // Update control (IT policy only): the core says when a call or after-call work is under way, so that no
    // update restarts the app in the middle of either.
    stopUpdater = startUpdater({ settings: core.shell.settings, activity: core.shell.activity, log });
    await win.loadURL(`${rendererOrigin}/`);
    // Mute state and warnings stay in sight when the agent works in another window (mute-mini-bar.ts).
    const closeMiniBar = createMuteMiniBar({
      main: win,
      url: `${rendererOrigin}/?view=mini-bar`,
      preload: path.join(__dirname, 'preload.cjs'),
      connect: (contents) => {
        connectionFor(contents);
      },
      onMute: (l) => core.shell.mute.onChange(l),
      status: () => core.shell.mute.snapshot(),
    });
    win.on('closed', closeMiniBar);
    // Call hotkeys system-wide (setting hotkeys.global), once the window can hear the notice about a taken one.
    stopHotkeys = startElectronHotkeys(core, log);
  })
  .catch((err: unknown) => {
    log.error('start-up failed', { detail: String(err) });
    app.exit(1);
  });

// No navigation away from the app and no new windows, whatever the page tries.
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url)) e.preventDefault();
  });
  // A CRM link (customer column) opens in the system browser; the page never gets a window of its own.
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalLinkToOpen(url, contents.getURL());
    // Not logged with the URL: it carries customer data.
    if (external) shell.openExternal(external).catch(() => log.warn('the system browser did not open a CRM link'));
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
});
app.on('window-all-closed', () => app.quit());
