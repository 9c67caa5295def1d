/** The text the notes typist (notes-typist.ts) has typed after N keystrokes: one UTF-16 unit each, accents included. */
export const typedText = (n: number): string => {
  const keys = 'abcdefghijklmnñopqrstuvwxyzáéíóú ,.';
  let s = '';
  for (let i = 0; i < n; i++) s += keys[(i * 7 + (i >> 3)) % keys.length];
  return s;
};

/** The renderer's autosave: a save at most this long after the first unsaved keystroke. */
export const TYPIST_DEBOUNCE_MS = 300;
