// `npm run lab -- start|stop|status|env|notify-profile [--ws-port N] [--udp-port N]`: the SIP lab for people and
// scripts.
// State, config and logs live in .lab/ at the repository root.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envLines, labStatus, notifyRegistered, startLab, stopLab } from './lab-core.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '..', '..', '.lab');
const [command, ...rest] = process.argv.slice(2);
const optText = (name) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const opt = (name) => {
  const v = optText(name);
  return v === undefined ? undefined : Number(v);
};

async function main() {
  switch (command) {
    case 'start': {
      if (labStatus(dir).kamailio) {
        console.error(`the lab is already running (logs in ${path.join(dir, 'logs')})`);
        return 1;
      }
      mkdirSync(dir, { recursive: true });
      // The lab outlives this command: run it in a detached keeper process.
      const out = openSync(path.join(dir, 'keeper.log'), 'a');
      const keeper = spawn(process.execPath, [fileURLToPath(import.meta.url), '__keep', ...rest], {
        detached: true,
        stdio: ['ignore', out, out],
      });
      keeper.unref();
      for (let i = 0; i < 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const s = labStatus(dir);
        if (s.kamailio && s.env && existsSync(path.join(dir, 'env.json'))) {
          console.log(`lab running: ${s.env.ws} (WebSocket), udp:${s.env.udp}; logs in ${s.env.logs}`);
          console.log(envLines(s.env).join('\n'));
          return 0;
        }
      }
      console.error(`the lab did not start; see ${path.join(dir, 'keeper.log')} and ${path.join(dir, 'logs')}`);
      return 1;
    }
    case '__keep': {
      const lab = await startLab({
        dir,
        ports: {
          wsPort: opt('--ws-port') ?? 8088,
          udpPort: opt('--udp-port') ?? 5070,
          ngPort: opt('--ng-port') ?? 22222,
          rtpMin: 31000,
        },
      });
      const stop = async () => {
        await lab.stop();
        process.exit(0);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      setInterval(() => {}, 1 << 30);
      return undefined;
    }
    case 'stop':
      await stopLab(dir);
      console.log('lab stopped');
      return 0;
    case 'status': {
      const s = labStatus(dir);
      console.log(
        `kamailio: ${s.kamailio ? 'running' : 'stopped'}; rtpengine: ${s.rtpengine ? 'running' : 'stopped'}${s.env ? `; ${s.env.ws}` : ''}`,
      );
      return s.kamailio ? 0 : 3;
    }
    case 'env': {
      const s = labStatus(dir);
      if (!s.env || !s.kamailio) {
        console.error('the lab is not running: npm run lab -- start');
        return 1;
      }
      console.log(envLines(s.env).join('\n'));
      return 0;
    }
    case 'notify-profile': {
      // Every registered agent: re-read your configuration (fetch the team profile now).
      const s = labStatus(dir);
      if (!s.env?.rpc || !s.kamailio) {
        console.error('the lab is not running (or was started before it had RPC): npm run lab -- start');
        return 1;
      }
      const results = await notifyRegistered(s.env, { event: optText('--event') ?? 'check-sync;reboot=false' });
      for (const r of results)
        console.log(`${r.aor}\t${r.code || 'not sent'}\t${r.contact}${r.error ? `\t${r.error}` : ''}`);
      const ok = results.filter((r) => r.code >= 200 && r.code < 300).length;
      console.log(`notified ${results.length} registered contact(s): ${ok} answered 2xx`);
      return ok === results.length ? 0 : 4;
    }
    default:
      console.error(
        'usage: npm run lab -- start|stop|status|env [--ws-port N] [--udp-port N] | notify-profile [--event EVENT]',
      );
      return 2;
  }
}

const code = await main().catch((e) => {
  console.error(`lab: ${e.message}`);
  return 1;
});
if (code !== undefined) process.exit(code);
