// Is dist/ what the sources would build now? `bundle.mjs` records a fingerprint of its inputs after a full build;
// `start-browser.mjs` builds again only when the fingerprint differs (an edit, a pull, a new lockfile) or an output is
// missing, so starting the host does not wait for a build that would produce the same files.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the bundle is made from: the sources, the bundler's configuration and the locked dependencies. */
export const bundleInputs = ['electron', 'renderer', 'build/bundle.mjs', 'package-lock.json', 'tsconfig.base.json'];
/** What the browser host needs from a build. */
export const bundleOutputs = ['dist/node/browser-host.mjs', 'dist/node/store-worker.mjs', 'dist/renderer/index.html'];
const skipped = new Set(['node_modules', 'dist', '.tmp']);

/**
 * A hash of every input file's path, size and modification time (reading every file's content would cost more
 * than the check saves). Missing inputs count too.
 * @param {string} root
 * @param {string[]} [inputs]
 * @returns {string}
 */
export function inputsFingerprint(root, inputs = bundleInputs) {
  const hash = createHash('sha256');
  /** @param {string} rel */
  const visit = (rel) => {
    let st;
    try {
      st = statSync(path.join(root, rel));
    } catch {
      hash.update(`${rel}\0missing\n`);
      return;
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(path.join(root, rel)).sort())
        if (!skipped.has(entry)) visit(path.join(rel, entry));
      return;
    }
    hash.update(`${rel}\0${st.size}\0${st.mtimeMs}\n`);
  };
  for (const input of inputs) visit(input);
  return hash.digest('hex');
}

/** @param {string} root */
const stampFile = (root) => path.join(root, 'dist', '.bundle-inputs');

/**
 * True when every output exists and the inputs are those of the last full build.
 * @param {string} root
 * @returns {boolean}
 */
export function bundleUpToDate(root) {
  if (!bundleOutputs.every((o) => existsSync(path.join(root, o)))) return false;
  try {
    return readFileSync(stampFile(root), 'utf8').trim() === inputsFingerprint(root);
  } catch {
    return false;
  }
}

/**
 * Records the inputs a full build was made from (the fingerprint taken before it started: an edit during the
 * build makes the next start build again).
 * @param {string} root
 * @param {string} fingerprint
 */
export function recordBundle(root, fingerprint) {
  writeFileSync(stampFile(root), `${fingerprint}\n`);
}
