#!/usr/bin/env bash
# Installs the Debian packages the project needs, only when they are missing:
#   fonts   -> fonts-wqy-zenhei (the CJK TrueType font embedded in every PDF)
#   browser -> chromium (Playwright drives /usr/bin/chromium; it may not download its own)
# Without root (or sudo) it only says what is missing; the affected tests then fail loudly.
set -eu
want=()
for dep in "$@"; do
  case "$dep" in
    fonts)   [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || want+=(fonts-wqy-zenhei) ;;
    browser) [ -x /usr/bin/chromium ] || want+=(chromium) ;;
    *) echo "system-deps: unknown group '$dep'" >&2; exit 2 ;;
  esac
done
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "system-deps: please install: ${want[*]} (apt-get install ${want[*]})" >&2; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || true
$sudo apt-get install -y -qq --no-install-recommends "${want[@]}"
