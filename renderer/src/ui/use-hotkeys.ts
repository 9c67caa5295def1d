import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ariaKeyShortcut,
  displayAccelerator,
  hasCommandModifier,
  matchesAccelerator,
  type Platform,
} from '@common/hotkeys/accelerator';
import { hotkeyBindings, type HotkeyAction, type HotkeyBinding, type HotkeyProblem } from '@common/hotkeys/hotkeys';
import { useAppStore } from './context';
import { useSetting } from './use-setting';
import { ignorePromise } from '@common/ignore-promise';

/** macOS reads CommandOrControl as Command; everything else as Control. */
export function currentPlatform(): Platform {
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  return nav && /Mac|iPhone|iPad/i.test(`${nav.platform} ${nav.userAgent}`) ? 'mac' : 'other';
}

/** The four call hotkeys as the settings say (defaults until settings have loaded), and any that cannot work. */
export function useHotkeyBindings(): { bindings: HotkeyBinding[]; problems: HotkeyProblem[] } {
  const answer = useSetting('hotkeys.answer');
  const hangup = useSetting('hotkeys.hangup');
  const mute = useSetting('hotkeys.mute');
  const hold = useSetting('hotkeys.hold');
  return useMemo(
    () =>
      hotkeyBindings({
        'hotkeys.answer': answer,
        'hotkeys.hangup': hangup,
        'hotkeys.mute': mute,
        'hotkeys.hold': hold,
      }),
    [answer, hangup, mute, hold],
  );
}

/** Typing targets: a bare or Shift-only shortcut there is text, not a command. */
const isTextEntry = (target: EventTarget | null): boolean => {
  const el = target as (Element & { isContentEditable?: boolean; type?: string }) | null;
  if (!el || typeof el.tagName !== 'string') return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  return (
    tag === 'input' &&
    !['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image'].includes(
      (el.type ?? 'text').toLowerCase(),
    )
  );
};

/**
 * In-window call hotkeys: a press of a configured shortcut asks the core for the action (`call.action`), which
 * finds the call it concerns. In the Electron shell the same shortcuts are also registered system-wide.
 */
export function useCallHotkeys(): void {
  const store = useAppStore();
  const { bindings } = useHotkeyBindings();
  useEffect(() => {
    if (bindings.length === 0) return;
    const platform = currentPlatform();
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat || e.isComposing) return;
      const hit = bindings.find((b) => matchesAccelerator(b.accelerator, e, platform));
      if (!hit) return;
      if (isTextEntry(e.target) && !hasCommandModifier(hit.accelerator)) return;
      e.preventDefault();
      ignorePromise(store.bridge.client['call.action']({ action: hit.action }));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, bindings]);
}

type ShortcutHint = { title?: string; 'aria-keyshortcuts'?: string };

/**
 * Props that show each action's shortcut: a tooltip in words and aria-keyshortcuts for assistive technology.
 * Worked out once per set of bindings and language, not on every render of a call card (a ring renders one).
 */
export function useShortcutHints(): Partial<Record<HotkeyAction, ShortcutHint>> {
  const { t } = useTranslation();
  const { bindings } = useHotkeyBindings();
  return useMemo(() => {
    const platform = currentPlatform();
    const hints: Partial<Record<HotkeyAction, ShortcutHint>> = {};
    for (const b of bindings)
      hints[b.action] ??= {
        title: t('hotkeys.hint', { keys: displayAccelerator(b.accelerator, platform) }),
        'aria-keyshortcuts': ariaKeyShortcut(b.accelerator, platform),
      };
    return hints;
  }, [bindings, t]);
}

/** The hint props for one action (none when it has no shortcut). */
export function useShortcutHint(action: HotkeyAction): ShortcutHint {
  return useShortcutHints()[action] ?? {};
}
