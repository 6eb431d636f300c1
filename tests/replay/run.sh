#!/bin/sh
# tests/replay/run.sh AKASHSIM: run every replay vector tests/replay/NAME.json that has an
# expectation NAME.expect.json as `AKASHSIM replay --check NAME.json` and compare the output with
# the expectation (subset match, see check.py and README.md). One line per vector; exits 1 if
# any vector fails, 2 on a usage error.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 AKASHSIM" >&2
    exit 2
fi
akashsim=$1
dir=$(dirname "$0")
python=/usr/bin/python3
[ -x "$python" ] || python=python3

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

pass=0
fail=0
for script in "$dir"/*.json; do
    case $script in
    *.expect.json) continue ;;
    esac
    [ -e "$script" ] || continue
    expect=${script%.json}.expect.json
    [ -f "$expect" ] || continue
    name=$(basename "$script" .json)
    "$akashsim" replay --check "$script" >"$tmp/out.json" 2>"$tmp/err.txt"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $name: exit status $rc: $(head -n 1 "$tmp/err.txt")"
        fail=$((fail + 1))
        continue
    fi
    if msg=$("$python" "$dir/check.py" "$tmp/out.json" "$expect"); then
        echo "ok   $name"
        pass=$((pass + 1))
    else
        echo "FAIL $name: $msg"
        fail=$((fail + 1))
    fi
done

echo "replay vectors: $pass passed, $fail failed"
[ $fail -eq 0 ]
