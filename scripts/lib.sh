# Shared by scripts/serve and scripts/test.
PYTHON="${PYTHON:-python3}"

ensure_venv() {
  local extra="$1"
  if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv with $("$PYTHON" --version)" >&2
    "$PYTHON" -m venv .venv
  fi
  # Reinstall only when pyproject.toml or the lock changed since the last install.
  local stamp=".venv/.installed${extra}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ] \
      || [ requirements.hashes -nt "$stamp" ]; then
    echo "Installing the tracker${extra:+ with $extra} into .venv ..." >&2
    # Every dependency (and pip and setuptools) exactly as locked, each file checked against its
    # SHA-256 in requirements.hashes: a file that differs from the one locked is refused. The
    # versions are the ones the suite audits (requirements.lock), so they are what we run.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
      --require-hashes --no-deps -r requirements.hashes >&2
    # Then the tracker itself from this folder, built with the setuptools just installed: nothing
    # more is fetched.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
      --no-deps --no-build-isolation -e ".${extra}" >&2
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

# axe-core, for the browser tests' accessibility checks: the version package-lock.json pins,
# installed with `npm ci` (Debian's nodejs and npm when missing, as for chromium).
ensure_axe() {
  local folder="tests/browser/axe"
  if [ -f "$folder/node_modules/axe-core/axe.min.js" ] && \
     [ "$folder/node_modules/.package-lock.json" -nt "$folder/package-lock.json" ]; then
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing Debian's npm for axe-core ..." >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2
    else
      echo "npm is not installed and cannot be installed here;" \
           "the accessibility tests will fail under CI=true and be skipped otherwise" >&2
      return
    fi
  fi
  echo "Installing axe-core (npm ci in $folder) ..." >&2
  (cd "$folder" && npm ci --no-audit --no-fund --loglevel=error >&2)
}
