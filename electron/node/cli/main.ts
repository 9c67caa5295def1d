import { runDoctorCommand, type CliIo } from './doctor-command';
import { runHidCommand } from './hid-command';
import { runNotesCommand } from './notes-command';
import { runProfileCommand } from './profile-command';

const usage = `usage: diadema <command>
  doctor --server URL --user U --password P [--auth-user A]   register once and report each step
  hid list                                                     connected HID devices and their telephony controls
  hid decode --descriptor HEX [--report HEX]... [--leds L,...] decode a report descriptor and reports as JSON
  notes export --from DATE --to DATE [--format csv|json] [--data-dir DIR] [--out FILE]   calls and notes
  profile keygen|init|edit|sign|verify|diff|publish ...      the team lead's signed team profile (profile --help)
`;

const io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'doctor':
      return runDoctorCommand(rest, io);
    case 'hid':
      return runHidCommand(rest, io);
    case 'notes':
      return runNotesCommand(rest, io);
    case 'profile':
      return runProfileCommand(rest, io);
    case undefined:
    case '--help':
    case '-h':
      io.out(usage);
      return command ? 0 : 2;
    default:
      io.err(`unknown command ${command}\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    io.err(`diadema: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
