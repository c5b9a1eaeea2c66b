#!/usr/bin/env bash
# Starts the action server in the background, then the assistant in the foreground:
#   tools/serve.sh run    Rasa server with the channels of credentials.yml
#   tools/serve.sh shell  chat on the command line
# Stops the action server when the assistant stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
BIN=${VENV:-.venv}/bin
# Effective settings (environment or the defaults of bot/settings.py).
eval "$("$BIN/python" -m bot.settings --export)"

# Security: the HTTP API stays off unless asked for, and then needs a token.
api_args=()
if [ "$RASA_ENABLE_API" = "1" ]; then
  if [ -z "$RASA_API_TOKEN" ]; then
    echo "RASA_ENABLE_API=1 needs RASA_API_TOKEN: the HTTP API is never open without a token." >&2
    exit 2
  fi
  api_args=(--enable-api --auth-token "$RASA_API_TOKEN")
fi
cors_args=()
if [ -n "$CORS_ORIGINS" ]; then
  read -r -a origins <<<"$CORS_ORIGINS"
  cors_args=(--cors "${origins[@]}")
fi

mkdir -p var/log
case "$DEPLOYMENT" in
  single) ENDPOINTS=endpoints.yml ;;
  scale-out) ENDPOINTS=endpoints.scale-out.yml ;;
  *) echo "DEPLOYMENT must be 'single' or 'scale-out', not '$DEPLOYMENT'" >&2; exit 2 ;;
esac
# The host's local contacts (CONTACTS_FILE): a mistake stops the start, naming file,
# contact and field (the assistant would refuse to start with it anyway).
"$BIN/python" -m bot.contacts >/dev/null || exit 2
# Language packs of BOT_LANGUAGES: installed now if missing and online (progress bars);
# offline, one line says which are missing, and the assistant starts at once.
"$BIN/python" -m bot.translation.packs ensure || echo "Language pack check failed; continuing." >&2
# Privacy: delete conversations idle for longer than RETENTION_DAYS.
"$BIN/python" -m bot.storage.retention || echo "Retention clean-up failed; continuing." >&2

SANIC_HOST="$ACTIONS_HOST" "$BIN/rasa" run actions --actions actions --port "$ACTIONS_PORT" \
  >var/log/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT

case "$mode" in
  shell)
    "$BIN/rasa" shell --model models --endpoints "$ENDPOINTS" --port "$RASA_PORT"
    ;;
  run)
    echo "Web chat: http://$RASA_HOST:$RASA_PORT/webhooks/webchat/  (REST: POST /webhooks/rest/webhook)"
    "$BIN/rasa" run --model models --endpoints "$ENDPOINTS" --credentials credentials.yml \
      --interface "$RASA_HOST" --port "$RASA_PORT" "${api_args[@]}" "${cors_args[@]}"
    ;;
  *)
    echo "usage: $0 run|shell" >&2
    exit 2
    ;;
esac
