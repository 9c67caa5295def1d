import { BrowserWindow, screen, type WebContents } from 'electron';
import type { MuteStatus } from '../common/contract/mute';
import { miniBarPlacement, miniBarVisible } from '../node/mute/mini-bar';

/**
 * The always-on-top mute mini bar: a small frameless window showing the renderer's mute bar (`?view=mini-bar`,
 * no media hosted there), shown during a call while the main window is not focused. Decisions live in
 * `electron/node/mute/mini-bar.ts`; this only moves windows.
 */
export function createMuteMiniBar(o: {
  main: BrowserWindow;
  url: string;
  preload: string;
  connect(contents: WebContents): void;
  onMute(listener: (s: MuteStatus) => void): () => void;
  status(): MuteStatus;
}): () => void {
  const bar = new BrowserWindow({
    ...miniBarPlacement(screen.getPrimaryDisplay().workArea),
    show: false,
    frame: false,
    resizable: false,
    movable: true,
    alwaysOnTop: true,
    skipTaskbar: true,
    focusable: true,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    title: 'Diadema',
    webPreferences: {
      preload: o.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  bar.setAlwaysOnTop(true, 'floating');
  bar.setVisibleOnAllWorkspaces(true);
  o.connect(bar.webContents);
  void bar.loadURL(o.url);
  const update = () => {
    if (bar.isDestroyed()) return;
    const show = miniBarVisible(o.status(), o.main.isFocused());
    if (show && !bar.isVisible()) bar.showInactive();
    else if (!show && bar.isVisible()) bar.hide();
  };
  const off = o.onMute(update);
  o.main.on('focus', update);
  o.main.on('blur', update);
  o.main.on('minimize', update);
  o.main.on('restore', update);
  return () => {
    off();
    if (!bar.isDestroyed()) bar.destroy();
  };
}
