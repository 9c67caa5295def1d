import { AccountScreen } from './AccountScreen';
import { AudioDevices } from './AudioDevices';
import { HeadsetCheck } from './HeadsetCheck';
import { LanguagePicker } from './LanguagePicker';
import { SettingsView } from './SettingsView';
import { Shortcuts } from './Shortcuts';

/**
 * The Settings view: account, language, audio devices, headset check, shortcuts, and the list of every setting with
 * where it comes from. One module so the view loads as one piece, after the phone. The list is built only while the
 * view is shown (it asks the core on mount); the rest stays mounted while hidden, keeping a half-typed account and
 * the headset's last presses.
 */
export function SettingsPage({ shown }: { shown: boolean }) {
  return (
    <>
      <div className="settings-grid">
        <AccountScreen />
        <div className="panel appearance">
          <LanguagePicker />
        </div>
        <AudioDevices />
        <HeadsetCheck />
        <Shortcuts />
      </div>
      {shown && <SettingsView />}
    </>
  );
}
