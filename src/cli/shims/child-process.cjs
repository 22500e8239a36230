// Bundled in place of node:child_process. commander loads it at start-up for executable
// subcommands, which lit has none of, and `lit open` spawns a viewer: loading it on the first
// spawn instead of at every start saves about 3 ms.
'use strict';
let real;
// Through createRequire, so the bundler leaves this one require alone.
const load = () => (real ??= require('node:module').createRequire(__filename)('node:child_process'));
module.exports = {
  spawn: (...args) => load().spawn(...args),
};
