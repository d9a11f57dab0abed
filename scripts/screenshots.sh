#!/usr/bin/env bash
# Takes the README screenshots: the real window at 1366×768 under Xvfb, on
# the demo data, in English and French. Needs xvfb, xdotool and ImageMagick
# (make deps-test installs them). Usage: scripts/screenshots.sh [OUTDIR]
set -euo pipefail
out=${1:-docs/screenshots}
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/relais" .
"$work/relais" --db "$work/demo.db" demo >/dev/null 2>&1
disp=:$((90 + RANDOM % 9))
Xvfb "$disp" -screen 0 1366x768x24 >/dev/null 2>&1 &
sleep 1
export DISPLAY=$disp
shot() { sleep 1.5; /usr/bin/import -window root "$out/$1.png"; }
key() { xdotool key --delay 100 "$@"; }
click() { xdotool mousemove "$1" "$2" click 1; }
for lang in en fr; do
  case $lang in en) loc=en_GB.UTF-8 ;; fr) loc=fr_FR.UTF-8 ;; esac
  LANG=$loc LANGUAGE=$lang "$work/relais" --db "$work/demo.db" >/dev/null 2>&1 &
  app=$!
  sleep 5
  shot "today-$lang"
  key ctrl+2; sleep 1; click 300 230; shot "contacts-$lang"
  key ctrl+4; shot "pipeline-$lang"
  key ctrl+5; shot "calendar-week-$lang"
  key ctrl+8; shot "lead-capture-$lang"
  click 60 479; sleep 2; shot "dashboard-$lang"
  click 60 401; sleep 1; click 300 190; shot "proposals-$lang"
  kill $app; wait $app 2>/dev/null || true
done
echo "screenshots in $out"
