import type { EventSink } from '@common/contract/contract';
import type { HotkeysStatus } from '@common/contract/hotkeys';
import type { HotkeyProblem } from '@common/hotkeys/hotkeys';

/**
 * What the shell managed to grab system-wide. Only the Electron shell reports (the browser host has no global
 * shortcuts); each newly held shortcut also becomes a notice the agent sees once.
 */
export class HotkeyStatus {
  private status: HotkeysStatus = { global: false, registered: [], unavailable: [] };

  constructor(private readonly emit: EventSink) {}

  get(): HotkeysStatus {
    return this.status;
  }

  report(status: HotkeysStatus, newProblems: readonly HotkeyProblem[]): void {
    this.status = status;
    this.emit('hotkeys', status);
    for (const p of newProblems)
      this.emit('call.notice', { code: 'hotkey-unavailable', detail: `${p.accelerator} (${p.reason})` });
  }
}
