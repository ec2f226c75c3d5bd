#!/usr/bin/env bash
# Middle Ground's two commands:
#   ./mg start   start the platform with its demo data on SQLite (web server + task worker)
#   ./mg test    run the whole test suite
#   ./mg setup   install the Debian packages the tests need (chromium, gettext), as root
# start and test create .venv and install on first use; only Python 3.11 is needed.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3

ensure_venv() {
  local stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
  if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
  fi
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    rm -f .venv/.installed-*; touch "$stamp"
  fi
}

# System packages, from Debian: chromium (browser tests) and gettext (translation catalogs).
# Only `./mg setup` installs them, as root; nothing here calls sudo.
SYSTEM_PACKAGES="chromium gettext"

missing_packages() {
  local missing=""
  [ -x /usr/bin/chromium ] || missing="$missing chromium"
  command -v xgettext >/dev/null 2>&1 || missing="$missing gettext"
  echo "$missing"
}

setup_system() {
  if [ "$(id -u)" != 0 ]; then
    echo "./mg setup installs Debian packages ($SYSTEM_PACKAGES) and must run as root:" >&2
    echo "  sudo ./mg setup" >&2
    exit 1
  fi
  apt-get update -qq && apt-get install -y -qq $SYSTEM_PACKAGES >/dev/null
}

# Before a step that needs the system packages: install them if we are root, otherwise name
# the one command to run and stop.
ensure_system() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian packages:$missing (./mg setup)..." >&2
    setup_system
  else
    echo "Missing Debian packages:$missing. Install them once with:" >&2
    echo "  sudo ./mg setup" >&2
    exit 1
  fi
}

cmd=${1:-help}; shift || true
case "$cmd" in
  start)
    ensure_venv
    export DEBUG=${DEBUG:-1} MG_ALLOW_INSECURE_KEY=1
    PORT=${PORT:-8000}
    .venv/bin/python manage.py migrate --noinput -v 0
    .venv/bin/python manage.py compilemessages -v 0 2>/dev/null || true
    .venv/bin/python manage.py demo
    # The task worker (run_worker rides out a locked database); should it die all the same,
    # it is restarted, and says so. It exits 0 only when told to stop (Ctrl-C, SIGTERM).
    ( trap 'kill ${CHILD:-} 2>/dev/null; wait ${CHILD:-} 2>/dev/null; exit 0' TERM
      while true; do
        .venv/bin/python manage.py run_worker & CHILD=$!
        wait $CHILD && break || status=$?
        echo "Task worker exited (status $status), restarting it in 2 s" >&2
        sleep 2
      done ) &
    WORKER=$!
    # Periodic work (digests, reminders, clean-ups, recovering tasks of lost workers) runs from
    # management commands; here a loop stands in for cron.
    ( while sleep 3600; do .venv/bin/python manage.py run_periodic || true; done ) &
    LOOP=$!
    trap 'kill $WORKER $LOOP 2>/dev/null; wait $WORKER 2>/dev/null' EXIT
    echo
    echo "Middle Ground is running at http://127.0.0.1:${PORT}/  (Ctrl-C to stop)"
    echo "Demo logins, password 'middle-ground-demo': alice (secretariat), bob (expert), carol (representative), dave (visitor)"
    .venv/bin/python manage.py runserver "127.0.0.1:${PORT}"
    ;;
  setup)
    setup_system
    ;;
  venv)
    # Only .venv, as start and test make it first (CI lints with it before the suites).
    ensure_venv
    ;;
  test)
    ensure_system
    ensure_venv
    export MG_ALLOW_INSECURE_KEY=1
    .venv/bin/python -m pytest -n 2 "$@"
    ;;
  messages)
    # Refresh the Russian and Kazakh catalogs from the code (new strings arrive untranslated,
    # which the translation tests report), then compile them.
    ensure_system
    ensure_venv
    (cd middleground && MG_ALLOW_INSECURE_KEY=1 ../.venv/bin/python ../manage.py makemessages \
      -l ru -l kk --no-obsolete --ignore "analysis/*" --ignore "*/tests/*" -v 0)
    if [ "${1:-}" != "--no-compile" ]; then
      (cd middleground && MG_ALLOW_INSECURE_KEY=1 ../.venv/bin/python ../manage.py compilemessages -v 0)
    fi
    ;;
  *)
    echo "usage: ./mg start | ./mg test [pytest args] | ./mg setup | ./mg venv | ./mg messages [--no-compile]"; exit 2 ;;
esac
