/**
 * Node's flags for the browser host's core (build/start-browser.mjs, the bench, and by hand in
 * build/deb/diadema-browser, whose test compares them).
 *
 * A young generation of at most 1 MiB per semi-space: by default it grows to 16 MiB while the core starts and stays
 * there idle, ~18 MiB of resident pages one run in three (bench/footprint, windowed, 4 quick runs each: median
 * 413 → 405 MiB distinct, core PSS 50–69 → 50–54 MiB). The price is more frequent scavenges: SIP.js parsing the same
 * INVITE 300 times in a row took ~20% longer (median 1.8 vs 1.5 ms) on a quiet machine.
 */
export const nodeCoreFlags = ['--max-semi-space-size=1'];
