import { Web } from 'sip.js';

/**
 * An ordinary SIP.js web phone, the peer bench/call-setup measures Diadema against: SIP.js's SimpleUser with its
 * stock session description handler and every default, one audio element for the far end, one Answer button. It
 * marks its state with the same test ids as Diadema's screen (`registration-state`, `call` with `data-state`,
 * `call-answer`) so the bench drives and observes both the same way.
 */
interface WebPhoneConfig {
  server: string;
  aor: string;
  user: string;
  password: string;
}

const registration = document.querySelector<HTMLElement>('[data-testid=registration-state]')!;
const calls = document.getElementById('calls')!;
const remote = document.getElementById('remote') as HTMLAudioElement;

function setRegistered(registered: boolean): void {
  registration.dataset.state = registered ? 'registered' : 'unregistered';
  registration.textContent = registered ? 'Registered' : 'Not registered';
}

function showCall(state: 'ringing' | 'active' | undefined, answer?: () => void): void {
  calls.replaceChildren();
  if (!state) return;
  const card = document.createElement('li');
  card.dataset.testid = 'call';
  card.dataset.state = state;
  card.append(state === 'ringing' ? 'Incoming call' : 'In call');
  if (answer) {
    const button = document.createElement('button');
    button.dataset.testid = 'call-answer';
    button.textContent = 'Answer';
    button.addEventListener('click', answer);
    card.append(button);
  }
  calls.append(card);
}

async function start(c: WebPhoneConfig): Promise<void> {
  const phone: Web.SimpleUser = new Web.SimpleUser(c.server, {
    aor: c.aor,
    userAgentOptions: { authorizationUsername: c.user, authorizationPassword: c.password },
    media: { remote: { audio: remote } },
    delegate: {
      onCallReceived: () => showCall('ringing', () => void phone.answer().catch((e) => console.error(e))),
      onCallAnswered: () => showCall('active'),
      onCallHangup: () => showCall(undefined),
      onRegistered: () => setRegistered(true),
      onUnregistered: () => setRegistered(false),
      onServerDisconnect: () => setRegistered(false),
    },
  });
  await phone.connect();
  await phone.register();
}

(window as unknown as { webPhone: { start: typeof start } }).webPhone = { start };
