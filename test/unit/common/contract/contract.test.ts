import { describe, expect, it } from 'vitest';
import { accountCalls, accountEvents } from '@common/contract/account';
import { agentCalls, agentEvents } from '@common/contract/agent';
import { appCalls } from '@common/contract/app';
import { callCalls, callEvents } from '@common/contract/calls';
import { calls, events } from '@common/contract/contract';
import { headsetCalls, headsetEvents } from '@common/contract/headset';
import { hotkeyCalls, hotkeyEvents } from '@common/contract/hotkeys';
import { muteCalls, muteEvents } from '@common/contract/mute';
import { notesCalls, notesEvents } from '@common/contract/notes';
import { profileCalls, profileEvents } from '@common/contract/profile';
import { registrationCalls, registrationEvents } from '@common/contract/registration';
import { settingsCalls, settingsEvents } from '@common/contract/settings';

const domainCalls = [
  appCalls,
  settingsCalls,
  accountCalls,
  registrationCalls,
  callCalls,
  agentCalls,
  hotkeyCalls,
  notesCalls,
  muteCalls,
  headsetCalls,
  profileCalls,
];
const domainEvents = [
  registrationEvents,
  settingsEvents,
  accountEvents,
  callEvents,
  agentEvents,
  hotkeyEvents,
  notesEvents,
  muteEvents,
  headsetEvents,
  profileEvents,
];

describe('contract assembly', () => {
  // The domains are spread into one object: a name declared twice would silently replace the other.
  it('every domain call and event keeps its own wire name, none lost to another domain', () => {
    const callNames = domainCalls.flatMap((d) => Object.keys(d));
    const eventNames = domainEvents.flatMap((d) => Object.keys(d));
    expect(new Set(callNames).size).toBe(callNames.length);
    expect(new Set(eventNames).size).toBe(eventNames.length);
    expect(Object.keys(calls).sort()).toEqual([...callNames].sort());
    expect(Object.keys(events).sort()).toEqual([...eventNames].sort());
  });

  it('calls are named domain.verb, and a call without arguments refuses an unknown field', () => {
    for (const [name, spec] of Object.entries(calls)) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      if (spec.args.safeParse({}).success) expect(spec.args.safeParse({ surplusField: 1 }).success, name).toBe(false);
    }
  });
});
