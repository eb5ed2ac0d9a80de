// The compiled addon, or null with the reason when it was not built for this platform.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const file = join(__dirname, 'build', 'kindling.node');
let addon = null;
let reason = null;
if (existsSync(file)) {
  try {
    addon = require(file);
  } catch (e) {
    reason = `the addon did not load: ${e.message}`;
  }
} else {
  const log = join(__dirname, 'build', 'build-error.txt');
  reason = existsSync(log)
    ? `the native build failed: ${
        readFileSync(log, 'utf8')
          .split('\n')
          .find((l) => /error/i.test(l)) ?? 'see build/build-error.txt'
      }`
    : 'the addon is not built for this platform (run `pnpm --filter @kindling/native build`)';
}
module.exports = { addon, reason };
