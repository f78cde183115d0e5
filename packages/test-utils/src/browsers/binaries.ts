/** Where each engine's binaries live, and the error that says how to install a missing one. */
import * as fs from 'node:fs';

/** Where the binaries are expected (Debian packages). */
export const BINARIES = {
  chromium: '/usr/bin/chromium',
  firefox: '/usr/bin/firefox-esr',
  webkitDriver: '/usr/bin/WebKitWebDriver',
  miniBrowser: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  xvfb: '/usr/bin/Xvfb',
} as const;

/** Throws, naming the install script, when `file` (the binary of `what`) is missing. */
export function requireBinary(file: string, what: string): void {
  if (!fs.existsSync(file)) {
    throw new Error(
      `${what} not found at ${file}: run \`bash scripts/install-browsers.sh\` ` +
        '(installs chromium, firefox-esr, webkit2gtk-driver, libwebkit2gtk-4.1-0, xvfb, xauth).',
    );
  }
}
