import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { createBridge } from './bridge/create-bridge';
import { createI18n, resolveLanguage } from './i18n/i18n';
import { pickDevice, type DeviceChoice } from './media/device-choice';
import type { MediaHost } from './media/media-host';
import type { MuteWatch } from './media/mute-watch';
import { createAppStore } from './state/app-store';
import { App } from './ui/App';
import { MuteBar } from './ui/MuteBar';
import { StoreContext } from './ui/context';
import './ui/styles.css';
import { ignorePromise } from '@common/ignore-promise';

// WebRTC and the microphone analysis (SIP.js's media handler is most of their size) are not needed to paint the
// phone: their code is fetched from the start, beside the page, and hosts media once here and connected.
const mediaCode = () => Promise.all([import('./media/media-host'), import('./media/mute-watch')]);

async function start() {
  const miniBar = new URLSearchParams(location.search).get('view') === 'mini-bar';
  // The Electron shell's always-on-top mini bar shows the mute bar only and never hosts media.
  const mediaModules = miniBar ? undefined : mediaCode();
  const bridge = createBridge();
  // The agent's Answer (button or shortcut) also starts the local answer of media prepared while the call rang, at
  // once, while the command travels to the core (media-host.ts, answerStarted).
  let answering: ((callId: string) => void) | undefined;
  const answer = bridge.client['call.answer'];
  bridge.client['call.answer'] = (args) => {
    answering?.(args.callId);
    return answer(args);
  };
  const store = createAppStore(bridge);
  const languageOf = () =>
    resolveLanguage(
      store.getState().settings?.settings['ui.language']?.value as string | undefined,
      navigator.language,
    );
  const i18n = await createI18n(languageOf());
  const applyLanguage = () => {
    const lng = languageOf();
    if (i18n.language !== lng) void i18n.changeLanguage(lng);
    // Written only when it changes: a write restyles the whole page.
    if (document.documentElement.lang !== lng) document.documentElement.lang = lng;
  };
  // Only the settings name the language: calls, mute and notes changes (many per call) skip it.
  store.subscribe((now, before) => {
    if (now.settings !== before.settings) applyLanguage();
  });
  applyLanguage();

  const setting = <T,>(key: string) => store.getState().settings?.settings[key]?.value as T;
  if (mediaModules) ignorePromise(mediaModules.then(([m, w]) => hostMedia(m.MediaHost, w.MuteWatch)));
  function hostMedia(Host: typeof MediaHost, Watch: typeof MuteWatch) {
    const media = new Host({
      client: bridge.client,
      on: bridge.on,
      doc: document,
      prefs: () => ({
        microphone: setting('audio.microphone') ?? null,
        speaker: setting('audio.speaker') ?? null,
        ringer: setting('audio.ringer') ?? null,
        ringOnSpeakers: Boolean(setting('audio.ringOnSpeakers')),
        volume: setting<number>('audio.callVolume') ?? 100,
      }),
    });
    answering = (callId) => media.answerStarted(callId);
    // The talking-while-muted analysis and the mute check's reports (renderer/src/media/README.md).
    const muteWatch = new Watch({
      client: bridge.client,
      on: bridge.on,
      doc: document,
      media,
      setting,
      microphoneId: () => setting<{ id: string } | null>('audio.microphone')?.id,
      speakerId: async () =>
        pickDevice(
          await navigator.mediaDevices.enumerateDevices(),
          'audiooutput',
          setting<DeviceChoice | null>('audio.speaker') ?? null,
        ),
    });
    // Host media once connected, and again after every reconnect (the core re-negotiates live calls).
    let started = false;
    const host = () => {
      if (started) ignorePromise(media.reattach());
      else {
        started = true;
        void media
          .start()
          .then(() => muteWatch.start())
          .catch(() => {
            started = false;
          });
      }
    };
    bridge.onStatus((s) => {
      if (s === 'connected') host();
    });
    if (bridge.status() === 'connected') host();
  }

  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <StoreContext.Provider value={store}>{miniBar ? <MuteBar compact /> : <App />}</StoreContext.Provider>
      </I18nextProvider>
    </StrictMode>,
  );
}

void start();
