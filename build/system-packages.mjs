// The Debian packages each command needs, in one place: `build/preflight.mjs` checks and installs them, `.ci/run`
// calls it. Each package names what proves it is present: a command (looked up on PATH, then in the sbin folders
// that a normal user's PATH lacks on Debian) or a file (any one of several, for the multiarch library folders), or
// the file an environment variable names instead.

const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib'];
const inLibDirs = (name) => libDirs.map((d) => `${d}/${name}`);

/** The browser host: the renderer runs in Chromium (the browser host's default is /usr/bin/chromium). */
const browserHost = [
  // DIADEMA_CHROMIUM (honoured by the browser host and the e2e tests) names another Chromium: then that file proves it.
  { name: 'chromium', file: ['/usr/bin/chromium'], env: 'DIADEMA_CHROMIUM' },
  { name: 'fonts-liberation', file: ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf'] },
];

/** `npm test`: the SIP lab (Kamailio over WebSocket, rtpengine, SIPp), audio clips, the namespace, the packaging. */
const tests = [
  ...browserHost,
  { name: 'kamailio', command: 'kamailio' },
  { name: 'kamailio-websocket-modules', file: inLibDirs('kamailio/modules/websocket.so') },
  // rtpengine-daemon (userspace), not the rtpengine metapackage that tries to build a kernel module.
  { name: 'rtpengine-daemon', command: 'rtpengine' },
  { name: 'rtpengine-utils', command: 'rtpengine-ctl' },
  { name: 'sip-tester', command: 'sipp' },
  { name: 'libusb-1.0-0', file: inLibDirs('libusb-1.0.so.0') },
  { name: 'espeak-ng', command: 'espeak-ng' },
  { name: 'sox', command: 'sox' },
  { name: 'iproute2', command: 'ip' },
  { name: 'util-linux', command: 'unshare' },
  { name: 'openssl', command: 'openssl' },
  { name: 'procps', command: 'pkill' },
  { name: 'shellcheck', command: 'shellcheck' },
  // dpkg-deb comes with dpkg itself; dpkg-shlibdeps (used by build/deb) is what dpkg-dev adds.
  { name: 'dpkg-dev', command: 'dpkg-shlibdeps' },
  { name: 'lintian', command: 'lintian' },
];

/** Purpose (the argument of `node build/preflight.mjs`) → the packages it needs. */
export const systemPackages = { 'browser-host': browserHost, tests };

/** Installing these starts their system services on the default ports; the lab runs its own instances. */
export const servicesToStop = ['kamailio', 'rtpengine-daemon'];

/** Where Debian puts kamailio, rtpengine and ip: off an ordinary user's PATH. */
export const sbinDirs = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** A PATH value that also reaches the sbin folders (each added once, after what the PATH already has). */
export function withSbinDirs(pathVar = '') {
  const dirs = pathVar.split(':').filter(Boolean);
  return [...dirs, ...sbinDirs.filter((d) => !dirs.includes(d))].join(':');
}
