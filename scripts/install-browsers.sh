#!/usr/bin/env bash
# Installs the browsers and tools the browser tests drive, from Debian's
# packages, only when missing (idempotent; safe to run on every test run):
#   chromium                       /usr/bin/chromium            (playwright-core)
#   firefox-esr                    /usr/bin/firefox-esr         (puppeteer-core, WebDriver BiDi)
#   webkit2gtk-driver              /usr/bin/WebKitWebDriver     (selenium-webdriver)
#   libwebkit2gtk-4.1-0            .../webkit2gtk-4.1/MiniBrowser
#   xvfb, xauth                    X server for WebKitGTK
#   libgl1-mesa-dri, fonts-liberation, fonts-dejavu-core  (rendering under Xvfb/headless)
#   nginx-light                    /usr/sbin/nginx              (a real third-party server: fallback-nginx.test.ts)
# Uses sudo only when not root.
set -euo pipefail

PACKAGES=(
  chromium
  firefox-esr
  webkit2gtk-driver
  libwebkit2gtk-4.1-0
  xvfb
  xauth
  libgl1-mesa-dri
  fonts-liberation
  fonts-dejavu-core
  nginx-light
)
# Files that must exist afterwards.
REQUIRED_FILES=(
  /usr/bin/chromium
  /usr/bin/firefox-esr
  /usr/bin/WebKitWebDriver
  /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
  /usr/bin/Xvfb
  /usr/bin/xauth
  /usr/sbin/nginx
)

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
for f in "${REQUIRED_FILES[@]}"; do
  if [ ! -x "$f" ]; then
    # A package reported installed but a file gone: reinstall its owner.
    owner=$(dpkg -S "$f" 2>/dev/null | cut -d: -f1 | head -n1 || true)
    if [ -n "$owner" ]; then
      case " ${missing[*]-} " in *" $owner "*) ;; *) missing+=("$owner") ;; esac
    fi
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-browsers: all present (chromium, firefox-esr, WebKitGTK + driver, Xvfb, nginx)"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -E)
  else
    echo "install-browsers: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-browsers: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -q
if ! "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  echo "install-browsers: retrying with recommended packages" >&2
  "${SUDO[@]}" apt-get install -y -q "${missing[@]}"
fi

status=0
for f in "${REQUIRED_FILES[@]}"; do
  if [ ! -x "$f" ]; then
    echo "install-browsers: still missing after install: $f" >&2
    status=1
  fi
done
exit $status
