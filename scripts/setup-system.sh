#!/usr/bin/env bash
# Install the Debian packages kurskit's setup and tests need, when missing (idempotent).
set -euo pipefail

# Debian packages the test suite and `make serve` use: PostgreSQL for the store tests (a
# throwaway server per test run), Chromium for the browser tests (driven by Playwright), Pango
# and the DejaVu fonts for WeasyPrint's certificates, poppler-utils and Tesseract (with its
# Norwegian and Swedish data) to render them in tests and read them as a person would.
debian_packages=(postgresql chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
  poppler-utils tesseract-ocr tesseract-ocr-nor tesseract-ocr-swe)

needed=()
# Debian's own python3 needs python3-venv for `python3 -m venv`; pyenv builds bring ensurepip.
python3 -c 'import ensurepip, venv' 2>/dev/null || needed+=(python3-venv)
# Node.js and npm vendor the static book's browser libraries and run the score.js tests; a
# Node.js from elsewhere (e.g. NodeSource, which bundles npm) is used as it is.
{ command -v node && command -v npm; } >/dev/null 2>&1 || needed+=(nodejs npm)
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || needed+=("$package")
done
[ ${#needed[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install these system packages: ${needed[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing system packages: ${needed[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${needed[@]}"
