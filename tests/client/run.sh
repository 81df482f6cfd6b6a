#!/bin/sh
# run.sh LITETTS MODEL VOICES LEXICONS — start `litetts serve` on an ephemeral
# loopback port, run the OpenAI SDK checks (speech.mjs) against it, stop it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "node is not installed (apt-get install nodejs npm)"; exit 1; }
[ -d "$here/node_modules/openai" ] || (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
log=$(mktemp)
"$1" serve --model "$2" --voices "$3" --lexicon-dir "$4" --host 127.0.0.1 --port 0 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT INT TERM
port=""
for _ in $(seq 200); do
  port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9][0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$port" ] && break
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.05
done
[ -n "$port" ] || { echo "server did not start"; cat "$log"; exit 1; }
node "$here/speech.mjs" "http://127.0.0.1:$port" af_bella
