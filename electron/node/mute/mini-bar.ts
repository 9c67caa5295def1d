import type { MuteStatus } from '@common/contract/mute';

export interface MiniBarPlacement {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * When the Electron shell shows the always-on-top mute mini bar: during a call, whenever the main window is not
 * focused (minimised, behind the CRM, on another screen), so the mute state and its warnings stay in sight.
 */
export function miniBarVisible(status: MuteStatus, mainFocused: boolean): boolean {
  return status.inCall && !mainFocused;
}

/** Top-centre of the work area, thin and wide enough for the word MUTED and one button. */
export function miniBarPlacement(workArea: MiniBarPlacement): MiniBarPlacement {
  const width = Math.min(520, workArea.width);
  const height = 64;
  return { x: Math.round(workArea.x + (workArea.width - width) / 2), y: workArea.y + 8, width, height };
}
