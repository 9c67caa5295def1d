import { Core, Notification } from 'sip.js';
import { describe, expect, it } from 'vitest';
import type { ParsedAccount } from '@common/contract/account';
import { silentLogger } from '../../../../electron/node/log';
import { CheckSyncGate, isCheckSync } from '../../../../electron/node/phone/check-sync';
import { RegistrationService } from '../../../../electron/node/phone/registration-service';
import { FakeClock } from '../../../support/fake-clock';
import { ScriptedRegistrar } from '../../../support/fake-registration';

const logger = new Core.LoggerFactory().getLogger('test');
const account: ParsedAccount = {
  server: 'ws://127.0.0.1:1/',
  host: '127.0.0.1',
  secure: false,
  aor: 'sip:1001@127.0.0.1',
  userPart: '1001',
  domain: '127.0.0.1',
  authUser: '1001',
  displayName: '',
};

/** An out-of-dialog NOTIFY as SIP.js hands it to the user agent's delegate; the answer it gets is recorded. */
function notify(eventHeader: string | undefined): { notification: Notification; answers: number[] } {
  const raw = [
    'NOTIFY sip:1001@127.0.0.1;transport=ws SIP/2.0',
    'Via: SIP/2.0/WS 127.0.0.1:8080;branch=z9hG4bKcs1',
    'Max-Forwards: 70',
    'From: <sip:lab@127.0.0.1>;tag=f1',
    'To: <sip:1001@127.0.0.1>',
    'Call-ID: cs-1',
    'CSeq: 1 NOTIFY',
    ...(eventHeader === undefined ? [] : [`Event: ${eventHeader}`]),
    'Subscription-State: terminated',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const message = Core.Parser.parseMessage(raw, logger);
  if (!(message instanceof Core.IncomingRequestMessage)) throw new Error('test NOTIFY did not parse');
  const answers: number[] = [];
  const request = {
    message,
    accept: (o?: { statusCode?: number }) => answers.push(o?.statusCode ?? 200),
    reject: (o?: { statusCode?: number }) => answers.push(o?.statusCode ?? 480),
  };
  return { notification: new Notification(request as unknown as Core.IncomingNotifyRequest), answers };
}

async function registeredPhone() {
  const clock = new FakeClock();
  const registrar = new ScriptedRegistrar();
  const phone = new RegistrationService({ log: silentLogger, clock, attempt: registrar.attempt });
  await phone.configure(account, 'pw');
  registrar.queue('ok');
  await phone.register();
  const delegate = registrar.attempts.at(-1)!.delegate!;
  let fired = 0;
  phone.onCheckSync(() => fired++);
  return { clock, phone, delegate, fired: () => fired };
}

describe('check-sync NOTIFY', () => {
  it('recognises the event with parameters and in any case, and nothing else', () => {
    expect(isCheckSync(notify('check-sync').notification)).toBe(true);
    expect(isCheckSync(notify('check-sync;reboot=false').notification)).toBe(true);
    expect(isCheckSync(notify('Check-Sync ; reboot=true').notification)).toBe(true);
    expect(isCheckSync(notify('check-sync-x').notification)).toBe(false);
    expect(isCheckSync(notify('message-summary').notification)).toBe(false);
    expect(isCheckSync(notify(undefined).notification)).toBe(false);
  });

  it('answers 200 and raises onCheckSync on the registered phone', async () => {
    const { delegate, fired } = await registeredPhone();
    const n = notify('check-sync;reboot=false');
    delegate.onNotify!(n.notification);
    expect(n.answers).toEqual([200]);
    expect(fired()).toBe(1);
  });

  it('answers 481 to another or a missing event, as SIP.js does without a delegate, and raises nothing', async () => {
    const { delegate, fired } = await registeredPhone();
    const other = notify('message-summary');
    const none = notify(undefined);
    delegate.onNotify!(other.notification);
    delegate.onNotify!(none.notification);
    expect(other.answers).toEqual([481]);
    expect(none.answers).toEqual([481]);
    expect(fired()).toBe(0);
  });

  it('keeps the delegate the calls plug in (INVITEs still reach the call manager)', async () => {
    const clock = new FakeClock();
    const registrar = new ScriptedRegistrar();
    const onInvite = () => undefined;
    const phone = new RegistrationService({
      log: silentLogger,
      clock,
      attempt: registrar.attempt,
      userAgentDelegate: () => ({ onInvite }),
    });
    await phone.configure(account, 'pw');
    registrar.queue('ok');
    await phone.register();
    expect(registrar.attempts[0]!.delegate!.onInvite).toBe(onInvite);
    expect(registrar.attempts[0]!.delegate!.onNotify).toBeTypeOf('function');
  });

  it('coalesces a burst into one at once and one at the end of the second, each NOTIFY still answered 200', async () => {
    const { clock, delegate, fired } = await registeredPhone();
    const answers: number[] = [];
    for (let i = 0; i < 50; i++) {
      const n = notify('check-sync');
      delegate.onNotify!(n.notification);
      answers.push(...n.answers);
      clock.skip(10);
    }
    expect(answers).toEqual(Array(50).fill(200));
    expect(fired()).toBe(1); // the first, at once
    expect(await clock.fireNext()).toBe(500); // 1000 ms after the first, 500 ms after the 50th
    expect(fired()).toBe(2);
    expect(clock.pending()).toEqual([]);
    // A quiet second later the next NOTIFY fires at once again.
    clock.skip(1000);
    delegate.onNotify!(notify('check-sync').notification);
    expect(fired()).toBe(3);
  });

  it('a listener that throws neither breaks the answer nor the next listener', async () => {
    const { delegate, phone, fired } = await registeredPhone();
    phone.onCheckSync(() => {
      throw new Error('listener broke');
    });
    const n = notify('check-sync');
    expect(() => delegate.onNotify!(n.notification)).not.toThrow();
    expect(n.answers).toEqual([200]);
    expect(fired()).toBe(1);
  });

  it('a trailing nudge does not fire after dispose', async () => {
    const { clock, delegate, phone, fired } = await registeredPhone();
    delegate.onNotify!(notify('check-sync').notification);
    clock.skip(100);
    delegate.onNotify!(notify('check-sync').notification);
    expect(clock.pending()).toHaveLength(1);
    await phone.dispose();
    expect(clock.pending()).toEqual([]);
    expect(fired()).toBe(1);
  });
});

describe('CheckSyncGate', () => {
  it('never fires twice within the window, whatever the spacing', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    const gate = new CheckSyncGate(clock, () => at.push(clock.now()), 1000);
    gate.nudge(); // t=0 fires
    clock.skip(999);
    gate.nudge(); // due at 1000
    await clock.fireNext();
    clock.skip(1);
    gate.nudge(); // t=1001: only 1 ms after the trailing fire, so due at 2000
    expect(at).toEqual([0, 1000]);
    await clock.fireNext();
    expect(at).toEqual([0, 1000, 2000]);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1000);
  });
});
