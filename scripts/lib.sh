# Shared by scripts/serve and scripts/test.
PYTHON="${PYTHON:-python3}"

ensure_venv() {
  local extra="$1"
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $("$PYTHON" --version)" >&2
    "$PYTHON" -m venv .venv
  fi
  # Reinstall only when pyproject.toml changed since the last install.
  local stamp=".venv/.installed${extra}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
    echo "Installing the tracker${extra:+ with $extra} into .venv ..." >&2
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    # The versions in requirements.lock are the ones the suite audits, so they are what we run.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
      -c requirements.lock -e ".${extra}" >&2
    touch "$stamp"
  fi
}

ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    return
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests ..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "chromium is not installed and cannot be installed here (need root and apt-get);" \
         "browser tests will fail under CI=true and be skipped otherwise" >&2
  fi
}

# axe-core (the accessibility checks the browser tests run on the published edition), from npm
# into the git-ignored .npm-axe/, pinned. Without npm the axe test is skipped locally and fails in CI.
AXE_VERSION="4.14.1"
ensure_axe() {
  if [ -f .npm-axe/node_modules/axe-core/axe.min.js ] && \
     grep -q "\"version\": \"$AXE_VERSION\"" .npm-axe/node_modules/axe-core/package.json; then
    return
  fi
  if command -v npm >/dev/null 2>&1; then
    echo "Installing axe-core $AXE_VERSION from npm into .npm-axe/ ..." >&2
    mkdir -p .npm-axe
    (cd .npm-axe && npm install --no-audit --no-fund --silent --save-exact "axe-core@$AXE_VERSION" >&2) || \
      echo "npm could not install axe-core; the edition's accessibility test will not run" >&2
  else
    echo "npm is not installed: the edition's accessibility test will not run" >&2
  fi
}
