#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 runs on 3.8-3.10 only).
# Looks at $PYTHON, python3.10 on PATH, pyenv's versions and the usual system paths.
set -u

is_310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  for p in "$(pyenv root)"/versions/3.10*/bin/python3.10; do candidates+=("$p"); done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  candidates+=("$p")
done

for p in "${candidates[@]}"; do
  if [ -x "$p" ] && is_310 "$p"; then echo "$p"; exit 0; fi
done

cat >&2 <<'MSG'
No Python 3.10 interpreter found. Rasa 3.6 needs Python 3.8-3.10; this project uses 3.10.
Install one, then run the command again:
  - with pyenv:   pyenv install 3.10
  - on Debian/Ubuntu: sudo apt-get install python3.10 python3.10-venv   (deadsnakes PPA on Ubuntu)
  - or point to one: make PYTHON=/path/to/python3.10 ...
MSG
exit 1
