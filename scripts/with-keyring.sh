#!/usr/bin/env bash
# Runs its arguments inside a private D-Bus session with an unlocked GNOME Keyring (a real Secret
# Service), for the keychain tests:
#   bash scripts/with-keyring.sh npx vitest run test/keychain src/credentials
# Needs the Debian packages dbus, gnome-keyring and libsecret-tools (secret-tool).
#
# The keyring lives in a throwaway XDG_DATA_HOME, so a developer's own login keyring is never
# opened, unlocked or written. Inside, RXPORTAL_KEYRING_SESSION=1 tells the keychain tests that a
# Secret Service must be there: they fail instead of skipping if it is not.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: bash scripts/with-keyring.sh <command> [args...]" >&2
  exit 64
fi
for tool in dbus-run-session dbus-send gnome-keyring-daemon secret-tool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring: $tool is missing. Install it with:" >&2
    echo "  apt-get install -y --no-install-recommends gnome-keyring dbus libsecret-tools" >&2
    exit 69
  fi
done

keyring_home=$(mktemp -d "${TMPDIR:-/tmp}/rxportal-keyring.XXXXXX")
trap 'rm -rf "$keyring_home"' EXIT
export RXPORTAL_KEYRING_HOME="$keyring_home"

# Not `exec`: the trap must run after the session ends. dbus-run-session ends the bus when the
# command exits, and gnome-keyring-daemon exits with it.
set +e
dbus-run-session -- bash -c '
  set -euo pipefail
  # The password only unlocks this throwaway keyring. --unlock reads it from stdin.
  eval "$(printf "rxportal-test\n" | XDG_DATA_HOME="$RXPORTAL_KEYRING_HOME" \
    gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  # The daemon takes its bus name a moment after it answers. A client that came first would make
  # D-Bus start a second daemon, on the default keyring folder, with no unlocked collection.
  for _ in $(seq 100); do
    owner=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null || true)
    [[ $owner == *"boolean true"* ]] && break
    sleep 0.05
  done
  unset RXPORTAL_KEYRING_HOME
  export RXPORTAL_KEYRING_SESSION=1
  exec "$@"
' with-keyring "$@"
status=$?
set -e
exit "$status"
