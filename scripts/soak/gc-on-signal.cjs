// Preloaded into the soak's gateway processes (`node --expose-gc --require <this> dist/main.js`):
// on SIGUSR2, one full garbage collection. The soak reads RSS right after one, at
// the end of the warm-up and at the end of the run, so the two figures are comparable instead of
// wherever the collector's sawtooth (minutes long, ±100 MiB) happens to be. Nothing else changes.
'use strict';
process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') globalThis.gc();
});
