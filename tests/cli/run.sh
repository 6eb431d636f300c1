#!/bin/sh
# tests/cli/run.sh AKASHSIM: the command line tested as a user runs it (DESIGN.md "Tests").
#
# Good input: help, version, params, replay with --check and --narrate, with and without the
# chain layer (genesis validators, liveness over a million blocks, proposers), scenarios run and
# validated, and calibrate on short baseline runs. Bad input: usage errors, and hostile or
# malformed replay scripts (chain-layer ones included), scenarios and results databases, each of
# which must exit 2 with exactly one line on stderr naming the file (and the JSON path where there
# is one) and nothing on stdout. Any exit status of 128 or more (a signal: a crash) fails its case.
# Prints one line per case; exits 1 if any case fails.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 AKASHSIM" >&2
    exit 2
fi
akashsim=$1
case $akashsim in
*/*) ;;
*) akashsim=./$akashsim ;;
esac
python=/usr/bin/python3
[ -x "$python" ] || python=python3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
example=$root/scenarios/replay/lease-lifecycle.json

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
out=$tmp/stdout
err=$tmp/stderr

pass=0
fail=0
ok() {
    echo "ok   $1"
    pass=$((pass + 1))
}
bad() {
    echo "FAIL $1: $2"
    if [ -s "$err" ]; then
        echo "       stderr: $(head -c 300 "$err" | head -n 3)"
    fi
    fail=$((fail + 1))
}

# run ARGS...: run akashsim with stdout and stderr captured; sets rc.
run() {
    "$akashsim" "$@" >"$out" 2>"$err"
    rc=$?
}

# expect NAME RC ARGS...: the exit status must be RC (and never a signal).
expect() {
    name=$1
    want=$2
    shift 2
    run "$@"
    if [ $rc -ge 128 ]; then
        bad "$name" "crashed (exit status $rc)"
        return 1
    fi
    if [ $rc -ne "$want" ]; then
        bad "$name" "exit status $rc, expected $want"
        return 1
    fi
    return 0
}

# script NAME TEXT: write TEXT to $tmp/NAME.json.
script() {
    printf '%s\n' "$2" >"$tmp/$1.json"
}

# one_line_error NAME NEEDLE [TEXT...]: after an exit 2, nothing on stdout, exactly one line on
# stderr, containing NEEDLE (the file, or how the message starts) and each TEXT. Reports the
# first that fails and returns 1.
one_line_error() {
    name=$1
    needle=$2
    shift 2
    if [ -s "$out" ]; then
        bad "$name" "wrote to stdout on exit 2"
        return 1
    fi
    lines=$(wc -l <"$err")
    if [ "$lines" -ne 1 ]; then
        bad "$name" "expected exactly one line on stderr, got $lines"
        return 1
    fi
    if ! grep -qF -- "$needle" "$err"; then
        bad "$name" "stderr does not contain $needle"
        return 1
    fi
    for text in "$@"; do
        if ! grep -qF -- "$text" "$err"; then
            bad "$name" "stderr does not contain: $text"
            return 1
        fi
    done
    return 0
}

# invalid NAME FILE [TEXT...]: `replay FILE` must exit 2, print nothing on stdout and exactly one
# line on stderr that contains FILE and each TEXT.
invalid() {
    name=$1
    file=$2
    shift 2
    expect "$name" 2 replay "$file" || return
    one_line_error "$name" "$file" "$@" || return
    ok "$name"
}

# A small valid script; the bad scripts below are variations of it.
good='{ "rules": "akash-v1",
  "genesis": { "accounts": { "alice": ["100000000uakt"], "prov1": ["10000000uakt"] },
               "providers": [ { "owner": "prov1", "host_uri": "https://prov1.test:8443",
                                "attributes": { "region": "us-west" } } ] },
  "blocks": [
    { "height": 10, "txs": [
      { "type": "MsgCreateDeployment", "owner": "alice", "dseq": 10, "deposit": "5000000uakt",
        "groups": [ { "name": "web",
          "requirements": { "attributes": { "region": "us-west" } },
          "resources": [ { "cpu_millis": 1000, "memory_bytes": 1073741824,
            "storage": [ { "name": "default", "bytes": 1073741824 } ],
            "gpu_units": 0, "endpoints": 1, "count": 1, "price": "100uakt" } ] } ] } ] },
    { "height": 12, "txs": [
      { "type": "MsgCreateBid", "provider": "prov1", "order": "alice/10/1/1",
        "price": "90uakt", "deposit": "500000uakt" } ] },
    { "height": 14, "dump": true, "txs": [
      { "type": "MsgCreateLease", "owner": "alice", "bid": "alice/10/1/1/prov1" } ] },
    { "height": 50, "txs": [
      { "type": "MsgWithdrawLease", "provider": "prov1", "lease": "alice/10/1/1/prov1" },
      { "type": "MsgSend", "from": "alice", "to": "bob", "amount": "999999999999uakt" } ] }
  ] }'
script good "$good"

# tx NAME TX-JSON: a script whose block 1 holds the one transaction.
tx() {
    script "$1" "{ \"genesis\": { \"accounts\": { \"alice\": [\"100uakt\"] } },
      \"blocks\": [ { \"height\": 1, \"txs\": [ $2 ] } ] }"
}

# ---- commands ---------------------------------------------------------------------------------

if expect "help" 0 help && grep -q "usage: akashsim" "$out" && grep -q "replay" "$out"; then
    ok "help"
elif [ $rc -eq 0 ]; then bad "help" "no usage text on stdout"; fi
if expect "--help" 0 --help && grep -q "usage: akashsim" "$out"; then ok "--help"
elif [ $rc -eq 0 ]; then bad "--help" "no usage text"; fi
if expect "-h" 0 -h && grep -q "usage: akashsim" "$out"; then ok "-h"
elif [ $rc -eq 0 ]; then bad "-h" "no usage text"; fi

for v in version --version; do
    if expect "$v" 0 "$v"; then
        if [ "$(cat "$out")" = "akashsim 0.1.0 (rules akash-v1)" ]; then ok "$v"
        else bad "$v" "printed '$(cat "$out")'"; fi
    fi
done

if expect "params" 0 params; then
    if "$python" -m json.tool "$out" >/dev/null 2>&1 &&
        "$python" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["market"]["order_max_bids"] == 20 and d["take"]["denom_take_rates"]["uakt"] == 2 else 1)' "$out"; then
        ok "params"
    else
        bad "params" "output is not JSON with market.order_max_bids 20"
    fi
fi
if expect "params --help" 0 params --help && grep -q "usage: akashsim params" "$out"; then
    ok "params --help"
elif [ $rc -eq 0 ]; then bad "params --help" "no usage text"; fi
if expect "replay --help" 0 replay --help && grep -q "usage: akashsim replay" "$out"; then
    ok "replay --help"
elif [ $rc -eq 0 ]; then bad "replay --help" "no usage text"; fi

# usage errors: exit 2, usage on stderr, nothing on stdout
usage_error() {
    name=$1
    shift
    expect "$name" 2 "$@" || return
    if [ -s "$out" ]; then bad "$name" "wrote to stdout"
    elif ! grep -q "usage: akashsim" "$err"; then bad "$name" "no usage on stderr"
    else ok "$name"; fi
}
usage_error "no command" 
usage_error "unknown command" frobnicate
usage_error "unknown option" --frobnicate
usage_error "replay: unknown option" replay --frobnicate "$tmp/good.json"
usage_error "replay: no script" replay
usage_error "replay: two scripts" replay "$tmp/good.json" "$tmp/good.json"
usage_error "params: extra argument" params extra
usage_error "version: extra argument" version extra

# ---- replay of good scripts -------------------------------------------------------------------

is_replay_json() {
    "$python" -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert isinstance(d["results"], list) and isinstance(d["dumps"], list)
assert isinstance(d["final"]["height"], int)' "$1" 2>/dev/null
}

if expect "replay good script" 0 replay "$tmp/good.json"; then
    if is_replay_json "$out" && [ ! -s "$err" ]; then ok "replay good script"
    else bad "replay good script" "output is not replay JSON (or stderr not empty)"; fi
fi
if expect "replay: results, dump and final" 0 replay "$tmp/good.json"; then
    if "$python" -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = d["results"]
assert [x["ok"] for x in r] == [True, True, True, True, False], r
assert r[4]["error"] == "ErrInsufficientFunds" and r[4]["height"] == 50 and r[4]["index"] == 1
assert [x["height"] for x in d["dumps"]] == [14]
f = d["final"]
assert f["height"] == 50 and f["leases"][0]["state"] == "active"
assert f["escrow_payments"][0]["withdrawn"] == "3240uakt", f["escrow_payments"]
assert f["community_pool"]["uakt"] == "64.000000000000000000", f["community_pool"]' "$out"; then
        ok "replay: results, dump and final"
    else
        bad "replay: results, dump and final" "unexpected values"
    fi
fi
if expect "replay --check" 0 replay --check "$tmp/good.json"; then
    if is_replay_json "$out"; then ok "replay --check"
    else bad "replay --check" "output is not replay JSON"; fi
fi
if expect "replay --check, option after the file" 0 replay "$tmp/good.json" --check; then
    if is_replay_json "$out"; then ok "replay --check, option after the file"
    else bad "replay --check, option after the file" "output is not replay JSON"; fi
fi
if expect "replay --narrate" 0 replay --narrate "$tmp/good.json"; then
    if [ -s "$out" ] && ! "$python" -m json.tool "$out" >/dev/null 2>&1 &&
        grep -q "^Block 10" "$out" && grep -q "MsgCreateLease by alice: ok" "$out" &&
        grep -q "FAILED with ErrInsufficientFunds" "$out"; then
        ok "replay --narrate"
    else
        bad "replay --narrate" "no narration on stdout"
    fi
fi
if expect "replay --check --narrate example" 0 replay --check --narrate "$example"; then
    if grep -q "community pool" "$out"; then ok "replay --check --narrate example"
    else bad "replay --check --narrate example" "no closing summary"; fi
fi
vote_example=$root/scenarios/replay/take-rate-vote.json
if expect "replay --check take-rate-vote example" 0 replay --check "$vote_example"; then
    # 90 uakt a block: 88 blocks at 2 % (158 of 7920), then 20 blocks at 10 % (180 of 1800)
    if "$python" -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert all(r["ok"] for r in d["results"]), d["results"]
assert d["final"]["proposals"][0]["status"] == "passed", d["final"]["proposals"]
assert d["final"]["params"]["take"]["denom_take_rates"] == {"uakt": 10}, d["final"]["params"]["take"]
assert d["final"]["balances"]["carol"] == {"uakt": "2000000000"}, "deposit not refunded"
assert int(d["final"]["balances"]["dave"]["uakt"]) > 0, "no rewards"' "$out"; then
        ok "replay --check take-rate-vote example"
    else
        bad "replay --check take-rate-vote example" "unexpected values"
    fi
fi
if expect "replay --narrate take-rate-vote example" 0 replay --narrate "$vote_example"; then
    if grep -q "proposal 1 passed" "$out" && grep -q "158uakt (0.000158 AKT) take" "$out" &&
        grep -q "180uakt (0.000180 AKT) take" "$out" &&
        grep -q "dave's balance +[0-9]*uakt" "$out"; then
        ok "replay --narrate take-rate-vote example"
    else
        bad "replay --narrate take-rate-vote example" "take, proposal or reward lines missing"
    fi
fi
script empty-blocks '{ "blocks": [ { "height": 100000, "txs": [], "dump": true } ] }'
if expect "replay: 100000 empty blocks" 0 replay --check "$tmp/empty-blocks.json"; then
    if "$python" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["final"]["height"] == 100000 and d["final"]["time"] == "2026-01-07T22:39:54Z" else 1)' "$out"; then
        ok "replay: 100000 empty blocks"
    else
        bad "replay: 100000 empty blocks" "wrong final height or time"
    fi
fi
script no-blocks '{ "blocks": [] }'
if expect "replay: no blocks" 0 replay "$tmp/no-blocks.json" && is_replay_json "$out"; then
    ok "replay: no blocks"
elif [ $rc -eq 0 ]; then bad "replay: no blocks" "output is not replay JSON"; fi

# ---- hostile and malformed scripts ------------------------------------------------------------

invalid "missing file" "$tmp/does-not-exist.json" "cannot open"
: >"$tmp/empty.json"
invalid "empty file" "$tmp/empty.json" "empty"
invalid "directory" "$tmp" "cannot read"
truncate -s 65M "$tmp/huge.json" 2>/dev/null || head -c 68157440 /dev/zero >"$tmp/huge.json"
invalid "file over 64 MiB" "$tmp/huge.json" "larger than 64 MiB"
rm -f "$tmp/huge.json"
script notjson 'this is not JSON'
invalid "not JSON" "$tmp/notjson.json" "not valid JSON"
"$python" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 64)' >"$tmp/binary.json"
invalid "binary garbage" "$tmp/binary.json" "not a JSON text file"
printf '{"blocks": [{"height": 1, "txs": [' >"$tmp/truncated.json"
invalid "truncated JSON" "$tmp/truncated.json" "unexpected end of file"
printf '{"blocks": []} {"blocks": []}' >"$tmp/two-docs.json"
invalid "two JSON documents" "$tmp/two-docs.json" "not valid JSON"
"$python" -c 'print("[" * 10000 + "]" * 10000)' >"$tmp/deep.json"
invalid "deep nesting (10000 arrays)" "$tmp/deep.json" "nested deeper than"
script toplist '[1, 2, 3]'
invalid "top level is a list" "$tmp/toplist.json" "expected an object"
printf '{"blocks": [{"height": 1, "txs": [{"type": "Msg\\nFoo\\u0007"}]}]}' >"$tmp/newline.json"
invalid "control characters stay on one line" "$tmp/newline.json" '$.blocks[0].txs[0].type' 'Msg\nFoo\x07'

script huge-height '{ "blocks": [ { "height": 1e400, "txs": [] } ] }'
invalid "huge number 1e400" "$tmp/huge-height.json" '$.blocks[0].height'
tx dseq-2p64 '{ "type": "MsgCloseDeployment", "owner": "alice", "dseq": 18446744073709551616 }'
invalid "2^64 as a number" "$tmp/dseq-2p64.json" '$.blocks[0].txs[0].dseq' "string of digits"
tx dseq-2p64-str '{ "type": "MsgCloseDeployment", "owner": "alice", "dseq": "18446744073709551616" }'
invalid "2^64 as a string" "$tmp/dseq-2p64-str.json" '$.blocks[0].txs[0].dseq' "18446744073709551615"
tx amount-40 '{ "type": "MsgSend", "from": "alice", "to": "bob", "amount": "1234567890123456789012345678901234567890uakt" }'
invalid "40-digit amount" "$tmp/amount-40.json" '$.blocks[0].txs[0].amount' "amount out of range"
script genesis-2p63 '{ "genesis": { "accounts": { "alice": ["9223372036854775808uakt"] } }, "blocks": [] }'
invalid "amount 2^63" "$tmp/genesis-2p63.json" '$.genesis.accounts.alice[0]' "amount out of range"
tx negative '{ "type": "MsgSend", "from": "alice", "to": "bob", "amount": "-5uakt" }'
invalid "negative amount" "$tmp/negative.json" '$.blocks[0].txs[0].amount' "expected a coin"
tx float-dseq '{ "type": "MsgCloseDeployment", "owner": "alice", "dseq": 1.5 }'
invalid "fractional integer" "$tmp/float-dseq.json" '$.blocks[0].txs[0].dseq' "expected an integer"

script height-string '{ "blocks": [ { "height": "x", "txs": [] } ] }'
invalid "height is a string" "$tmp/height-string.json" '$.blocks[0].height' "expected an integer"
script txs-object '{ "blocks": [ { "height": 1, "txs": {} } ] }'
invalid "txs is an object" "$tmp/txs-object.json" '$.blocks[0].txs' "expected a list"
script blocks-missing '{ "rules": "akash-v1" }'
invalid "blocks missing" "$tmp/blocks-missing.json" '$.blocks' "missing"
script unknown-top '{ "blocks": [], "extra": 1 }'
invalid "unknown key at top level" "$tmp/unknown-top.json" '$.extra' "unknown key"
tx unknown-tx-key '{ "type": "MsgSend", "from": "alice", "to": "bob", "amount": "1uakt", "memo": "hi" }'
invalid "unknown key in a tx" "$tmp/unknown-tx-key.json" '$.blocks[0].txs[0].memo' "unknown key"
"$python" - "$tmp/good.json" "$tmp/unknown-group-key.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["blocks"][0]["txs"][0]["groups"][0]["colour"] = "blue"
json.dump(d, open(sys.argv[2], "w"))
EOF
invalid "unknown key in a group" "$tmp/unknown-group-key.json" '$.blocks[0].txs[0].groups[0].colour' "unknown key"
"$python" - "$tmp/good.json" "$tmp/unknown-unit-key.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["blocks"][0]["txs"][0]["groups"][0]["resources"][0]["ram"] = 1
json.dump(d, open(sys.argv[2], "w"))
EOF
invalid "unknown key in a resource unit" "$tmp/unknown-unit-key.json" '$.blocks[0].txs[0].groups[0].resources[0].ram' "unknown key"
script dup-top '{ "blocks": [], "blocks": [] }'
invalid "duplicate key at top level" "$tmp/dup-top.json" '$.blocks' "duplicate key"
script dup-account '{ "genesis": { "accounts": { "alice": ["1uakt"], "alice": ["2uakt"] } }, "blocks": [] }'
invalid "duplicate account" "$tmp/dup-account.json" '$.genesis.accounts.alice' "duplicate key"
tx dup-attr '{ "type": "MsgCreateProvider", "owner": "alice", "host_uri": "https://a.test", "attributes": { "k": "1", "k": "2" } }'
invalid "duplicate attribute key" "$tmp/dup-attr.json" '$.blocks[0].txs[0].attributes.k' "duplicate key"

script heights-equal '{ "blocks": [ { "height": 5, "txs": [] }, { "height": 5, "txs": [] } ] }'
invalid "repeated height" "$tmp/heights-equal.json" '$.blocks[1].height' "strictly increase"
script heights-down '{ "blocks": [ { "height": 5, "txs": [] }, { "height": 3, "txs": [] } ] }'
invalid "decreasing heights" "$tmp/heights-down.json" '$.blocks[1].height' "strictly increase"
script height-0 '{ "blocks": [ { "height": 0, "txs": [] } ] }'
invalid "height 0" "$tmp/height-0.json" '$.blocks[0].height' "out of range"
script height-cap '{ "blocks": [ { "height": 100000001, "txs": [] } ] }'
invalid "height above the cap" "$tmp/height-cap.json" '$.blocks[0].height' "100000000"
script time-9999 '{ "genesis": { "time": "9999-12-31T00:00:00Z", "block_time_s": 86400 }, "blocks": [ { "height": 3, "txs": [] } ] }'
invalid "header time past year 9999" "$tmp/time-9999.json" '$.blocks[0].height' "9999"
script bad-time '{ "genesis": { "time": "2026-02-30T00:00:00Z" }, "blocks": [] }'
invalid "bad genesis time" "$tmp/bad-time.json" '$.genesis.time' "RFC 3339"
script bad-block-time '{ "genesis": { "block_time_s": 0 }, "blocks": [] }'
invalid "block_time_s 0" "$tmp/bad-block-time.json" '$.genesis.block_time_s' "out of range"

tx unknown-msg '{ "type": "MsgFrobnicate" }'
invalid "unknown message type" "$tmp/unknown-msg.json" '$.blocks[0].txs[0].type' "unknown message type"
tx no-type '{ "from": "alice" }'
invalid "tx without type" "$tmp/no-type.json" '$.blocks[0].txs[0].type' "missing"
# the chain layer: genesis validators, liveness, record, chain messages
# chain NAME VALIDATOR-EXTRA TOP-EXTRA BLOCK1-TXS: a script with validator val1 (power 10) and
# dave's account; the arguments are spliced into val1's object, the top level and block 1.
chain() {
    script "$1" "{ \"genesis\": { \"accounts\": { \"dave\": [\"50000000uakt\"] },
        \"validators\": [ { \"name\": \"val1\", \"tokens\": \"10000000\" $2 } ] } $3,
      \"blocks\": [ { \"height\": 1, \"txs\": [ $4 ] } ] }"
}
chain chain-good '' ', "record": ["proposers"], "liveness": [ { "validator": "val1", "absent_from": 1, "absent_to": 2 } ]' \
    '{ "type": "MsgDelegate", "delegator": "dave", "validator": "val1", "amount": "5000000uakt" }'
if expect "replay: a genesis validator and a delegation" 0 replay --check "$tmp/chain-good.json"; then
    if "$python" -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert d["results"][0]["ok"], d["results"]
assert d["proposers"] == {"1": "val1"}, d["proposers"]
v = d["final"]["validators"][0]
assert v["name"] == "val1" and v["status"] == "bonded" and v["tokens"] == "15000000", v
assert d["final"]["delegations"][0]["delegator"] == "dave"' "$out"; then
        ok "replay: a genesis validator and a delegation"
    else
        bad "replay: a genesis validator and a delegation" "unexpected values"
    fi
fi
if expect "replay --narrate with validators" 0 replay --narrate "$tmp/chain-good.json"; then
    if grep -q "val1 validates with a self-bond" "$out" && grep -q "proposed by val1" "$out"; then
        ok "replay --narrate with validators"
    else
        bad "replay --narrate with validators" "no validator lines in the narration"
    fi
fi
tx chain-off '{ "type": "MsgDelegate", "delegator": "alice", "validator": "val1", "amount": "5uakt" }'
if expect "chain message without validators" 0 replay "$tmp/chain-off.json"; then
    if "$python" -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert d["results"][0]["error"] == "ErrInvalidRequest"
assert "validators" not in d["final"]' "$out"; then
        ok "chain message without validators"
    else
        bad "chain message without validators" "expected ErrInvalidRequest and no chain state"
    fi
fi
script long-liveness '{ "params": { "slashing": { "signed_blocks_window": 1000 } },
  "genesis": { "validators": [ { "name": "a", "tokens": "20000000" },
                               { "name": "b", "tokens": "20000000" },
                               { "name": "c", "tokens": "10000000" } ] },
  "liveness": [ { "validator": "c", "absent_from": 900000, "absent_to": 999000 },
                { "validator": "b", "absent_from": 10, "absent_to": 20 },
                { "validator": "b", "absent_from": 15, "absent_to": 30 } ],
  "blocks": [ { "height": 30, "txs": [], "dump": true }, { "height": 1000000, "txs": [] } ] }'
if expect "replay: a million blocks with liveness ranges" 0 replay "$tmp/long-liveness.json"; then
    if "$python" -c 'import json,sys
d = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in d["final"]["validators"]}
assert v["c"]["jailed"] and not v["b"]["jailed"], v
assert [x["missed_blocks"] for x in d["dumps"][0]["validators"]] == [0, 21, 0], d["dumps"]' "$out"; then
        ok "replay: a million blocks with liveness ranges"
    else
        bad "replay: a million blocks with liveness ranges" "unexpected validators"
    fi
fi

script unknown-record '{ "record": ["proposers", "votes"], "blocks": [] }'
invalid "unknown record name" "$tmp/unknown-record.json" '$.record[1]' "unknown record"
chain bad-commission ', "commission": "five percent"' '' ''
invalid "bad commission" "$tmp/bad-commission.json" '$.genesis.validators[0].commission' "decimal"
chain high-commission ', "commission": "0.3"' '' ''
invalid "commission above max_rate" "$tmp/high-commission.json" '$.genesis.validators[0]' "ErrCommission"
script zero-tokens '{ "genesis": { "validators": [ { "name": "val1", "tokens": "0" } ] }, "blocks": [] }'
invalid "validator with zero tokens" "$tmp/zero-tokens.json" '$.genesis.validators[0]' "ErrSelfDelegationBelowMinimum"
script no-power '{ "genesis": { "validators": [ { "name": "val1", "tokens": "999999" } ] }, "blocks": [] }'
invalid "no validator with power" "$tmp/no-power.json" '$.genesis.validators' "power"
script del-unknown '{ "genesis": { "validators": [ { "name": "val1", "tokens": "1000000" } ],
  "delegations": [ { "delegator": "dave", "validator": "val2", "amount": "5" } ] }, "blocks": [] }'
invalid "delegation to an unknown validator" "$tmp/del-unknown.json" '$.genesis.delegations[0]' "ErrNoValidatorFound"
script del-denom '{ "genesis": { "validators": [ { "name": "val1", "tokens": "1000000" } ],
  "delegations": [ { "delegator": "dave", "validator": "val1", "amount": "5uusdc" } ] }, "blocks": [] }'
invalid "delegation in another denom" "$tmp/del-denom.json" '$.genesis.delegations[0].amount' "bond denom"
script bad-inflation '{ "genesis": { "mint_inflation": "13%" }, "blocks": [] }'
invalid "bad mint_inflation" "$tmp/bad-inflation.json" '$.genesis.mint_inflation' "decimal"
chain liveness-unknown '' ', "liveness": [ { "validator": "val2", "absent_from": 1, "absent_to": 2 } ]' ''
invalid "liveness of an unknown validator" "$tmp/liveness-unknown.json" '$.liveness[0].validator' "no validator named"
chain liveness-backwards '' ', "liveness": [ { "validator": "val1", "absent_from": 5, "absent_to": 2 } ]' ''
invalid "liveness range backwards" "$tmp/liveness-backwards.json" '$.liveness[0].absent_to' "before absent_from"
script absent '{ "blocks": [ { "height": 1, "txs": [], "absent": ["val1"] } ] }'
invalid "absent names no validator" "$tmp/absent.json" '$.blocks[0].absent[0]' "no validator named"
script double-sign-bad '{ "genesis": { "validators": [ { "name": "val1", "tokens": "1000000" } ] },
  "blocks": [ { "height": 1, "txs": [], "double_sign": ["Val1"] } ] }'
invalid "double_sign with a bad name" "$tmp/double-sign-bad.json" '$.blocks[0].double_sign[0]' "account name"
chain unknown-param '' '' '{ "type": "MsgSubmitProposal", "proposer": "dave", "deposit": "1uakt",
    "changes": [ { "module": "take", "param": "default_rate", "value": 10 } ] }'
invalid "unknown param in changes" "$tmp/unknown-param.json" '$.blocks[0].txs[0].changes[0].param' "unknown param"
chain unknown-module '' '' '{ "type": "MsgSubmitProposal", "proposer": "dave", "deposit": "1uakt",
    "changes": [ { "module": "bank", "param": "send_enabled", "value": true } ] }'
invalid "unknown module in changes" "$tmp/unknown-module.json" '$.blocks[0].txs[0].changes[0].module' "unknown module"
chain bad-change-value '' '' '{ "type": "MsgSubmitProposal", "proposer": "dave", "deposit": "1uakt",
    "changes": [ { "module": "gov", "param": "voting_period", "value": 60 } ] }'
invalid "bad value in changes" "$tmp/bad-change-value.json" '$.blocks[0].txs[0].changes[0].value'
chain bad-option '' '' '{ "type": "MsgVote", "voter": "dave", "proposal": 1, "option": "maybe" }'
invalid "bad vote option" "$tmp/bad-option.json" '$.blocks[0].txs[0].option' "no_with_veto"
chain bad-weight '' '' '{ "type": "MsgVoteWeighted", "voter": "dave", "proposal": 1,
    "options": [ { "option": "yes", "weight": "-0.5" } ] }'
invalid "negative vote weight" "$tmp/bad-weight.json" '$.blocks[0].txs[0].options[0].weight' "negative"
chain create-no-commission '' '' '{ "type": "MsgCreateValidator", "name": "val2", "amount": "1000000uakt" }'
invalid "MsgCreateValidator without commission" "$tmp/create-no-commission.json" '$.blocks[0].txs[0].commission' "missing"
script staking '{ "params": { "staking": { "max_validators": 0 } }, "blocks": [] }'
invalid "invalid staking params" "$tmp/staking.json" '$.params.staking.max_validators' "must be positive"
script bad-param '{ "params": { "market": { "order_max_bids": 0 } }, "blocks": [] }'
invalid "invalid param value" "$tmp/bad-param.json" '$.params.market.order_max_bids' "too low"
script no-uakt-take '{ "params": { "take": { "denom_take_rates": { "uusdc": 20 } } }, "blocks": [] }'
invalid "take rates without uakt" "$tmp/no-uakt-take.json" '$.params.take.denom_take_rates' "uakt"

tx bad-name '{ "type": "MsgSend", "from": "Alice", "to": "bob", "amount": "1uakt" }'
invalid "bad account name" "$tmp/bad-name.json" '$.blocks[0].txs[0].from' "account name"
script bad-account-key '{ "genesis": { "accounts": { "Alice!": ["1uakt"] } }, "blocks": [] }'
invalid "bad account name as a key" "$tmp/bad-account-key.json" '$.genesis.accounts' "account name"
tx bad-id '{ "type": "MsgCreateLease", "owner": "alice", "bid": "alice/x/1/1/prov1" }'
invalid "bad id" "$tmp/bad-id.json" '$.blocks[0].txs[0].bid' "bid id"
tx bad-gseq '{ "type": "MsgCloseGroup", "owner": "alice", "group": "alice/1/4294967296" }'
invalid "gseq above 2^32-1" "$tmp/bad-gseq.json" '$.blocks[0].txs[0].group' "group id"
tx bad-escrow-id '{ "type": "MsgAccountDeposit", "signer": "alice", "account": "lease/alice/1", "deposit": "1uakt" }'
invalid "bad escrow account id" "$tmp/bad-escrow-id.json" '$.blocks[0].txs[0].account' "escrow account id"
tx bad-coin '{ "type": "MsgSend", "from": "alice", "to": "bob", "amount": "100" }'
invalid "coin without denom" "$tmp/bad-coin.json" '$.blocks[0].txs[0].amount' "expected a coin"
tx bad-denom '{ "type": "MsgSend", "from": "alice", "to": "bob", "amount": "100UAKT" }'
invalid "bad denom" "$tmp/bad-denom.json" '$.blocks[0].txs[0].amount' "denom"
tx bad-dec '{ "type": "MsgCreateBid", "provider": "prov1", "order": "alice/1/1/1", "price": "1.1234567890123456789uakt", "deposit": "500000uakt" }'
invalid "dec with 19 fractional digits" "$tmp/bad-dec.json" '$.blocks[0].txs[0].price' "18 fractional digits"
tx bad-source '{ "type": "MsgAccountDeposit", "signer": "alice", "account": "deployment/alice/1", "deposit": "1uakt", "sources": ["wallet"] }'
invalid "bad deposit source" "$tmp/bad-source.json" '$.blocks[0].txs[0].sources[0]' "balance"
tx bad-hash '{ "type": "MsgUpdateDeployment", "owner": "alice", "dseq": 1, "hash": "abc" }'
invalid "odd-length hash" "$tmp/bad-hash.json" '$.blocks[0].txs[0].hash' "hex"
tx bad-scope '{ "type": "MsgGrantDepositAuthorization", "granter": "alice", "grantee": "bob", "spend_limit": "1uakt", "scope": "lease" }'
invalid "bad grant scope" "$tmp/bad-scope.json" '$.blocks[0].txs[0].scope' "deployment"
tx signer-conflict '{ "type": "MsgCloseLease", "owner": "mallory", "signer": "eve", "lease": "alice/1/1/1/prov1" }'
invalid "conflicting signer fields" "$tmp/signer-conflict.json" '$.blocks[0].txs[0].owner' "signer"
script unknown-rules '{ "rules": "akash-v9", "blocks": [] }'
invalid "unknown rules" "$tmp/unknown-rules.json" '$.rules' "unknown rules"
script rules-v2 '{ "rules": "akash-v2", "blocks": [] }'
invalid "rules akash-v2" "$tmp/rules-v2.json" '$.rules' "not supported yet"
script genesis-provider '{ "genesis": { "providers": [ { "owner": "prov1", "host_uri": "http://x.test", "attributes": {} } ] }, "blocks": [] }'
invalid "invalid genesis provider" "$tmp/genesis-provider.json" '$.genesis.providers[0]' "ErrInvalidProviderURI"

# ---- scenarios: validate and run -------------------------------------------------------------

baseline=$root/scenarios/baseline.json
# A small scenario (2 validators, a CPU fleet of 3 and a GPU fleet of 1, 10 tenants, 2
# workloads, one day); the bad scenarios below are variations of it.
small='{"name": "small", "duration_days": 1, "akt_usd": 0.5, "sample_interval_hours": 6,
 "genesis": {"validators": {"count": 2, "stake_akt": 1000000},
  "providers": [
   {"name": "cpu", "count": 3, "cpu_cores": 64, "memory_gib": 256, "storage_gib": 2000},
   {"name": "gpu", "count": 1, "cpu_cores": 128, "memory_gib": 1024, "storage_gib": 8000,
    "gpus": 8, "gpu_model": "h100"}]},
 "agents": {"tenants": {"count": 10, "balance_akt": 1000, "arrivals_per_day": 20,
  "workloads": [
   {"kind": "web", "cpu_millis": 1000, "memory_mib": 1024, "storage_mib": 1024,
    "lifetime_days": {"dist": "exponential", "mean": 2}, "budget_usd": {"cpu": 4}},
   {"kind": "train", "gpus": 1, "gpu_model": "h100", "cpu_millis": 8000, "memory_mib": 65536,
    "storage_mib": 102400, "lifetime_days": 1, "budget_usd": {"gpu": 1500}}]}}}'
script small "$small"
script sc-notjson '{"name": "small",
  "duration_days": }'
printf '%s' "$small" | sed 's/"arrivals_per_day"/"arrivals_per_dya"/' >"$tmp/sc-typo.json"
printf '%s' "$small" | sed 's/"akt_usd": 0.5/"akt_usd": "half"/' >"$tmp/sc-type.json"
printf '%s' "$small" | sed 's/"count": 2,/"count": 0,/' >"$tmp/sc-range.json"

# db_runs DB: print the statuses of the runs in DB, in order, space-separated ("" if none or
# no file); python's sqlite3, since the sqlite3 shell may be absent.
db_runs() {
    "$python" -c 'import os, sqlite3, sys
if not os.path.isfile(sys.argv[1]):
    sys.exit(0)
c = sqlite3.connect(sys.argv[1])
print(" ".join(s for (s,) in c.execute("SELECT status FROM runs ORDER BY run_id")))' "$1"
}

# no_complete_run DB: DB does not exist, or holds no run with status 'complete'.
no_complete_run() {
    case " $(db_runs "$1") " in
    *" complete "*) return 1 ;;
    esac
    return 0
}

# sc_invalid NAME COMMAND FILE DB SET [TEXT...]: `akashsim COMMAND FILE` (run: with -o DB;
# with --set SET unless SET is "") must exit 2, print nothing on stdout, exactly one line on
# stderr that names FILE and contains each TEXT, and (run) leave no database that claims a
# complete run.
sc_invalid() {
    name=$1
    cmd=$2
    file=$3
    db=$4
    override=$5
    shift 5
    if [ "$cmd" = run ] && [ -n "$override" ]; then
        expect "$name" 2 run "$file" -o "$db" --set "$override" || return
    elif [ "$cmd" = run ]; then
        expect "$name" 2 run "$file" -o "$db" || return
    elif [ -n "$override" ]; then
        expect "$name" 2 validate "$file" --set "$override" || return
    else
        expect "$name" 2 validate "$file" || return
    fi
    one_line_error "$name" "akashsim $cmd: $file" "$@" || return
    if [ "$cmd" = run ] && ! no_complete_run "$db"; then
        bad "$name" "$db holds a complete run"
        return
    fi
    ok "$name"
}

for cmd in validate run; do
    sc_invalid "$cmd: malformed JSON" "$cmd" "$tmp/sc-notjson.json" "$tmp/$cmd-1.db" "" \
        "not valid JSON (line 2, column 20)"
    sc_invalid "$cmd: unknown key" "$cmd" "$tmp/sc-typo.json" "$tmp/$cmd-2.db" "" \
        '$.agents.tenants.arrivals_per_dya: unknown key (did you mean "arrivals_per_day"?)'
    sc_invalid "$cmd: wrong type" "$cmd" "$tmp/sc-type.json" "$tmp/$cmd-3.db" "" \
        '$.akt_usd: expected a price in USD or a process'
    sc_invalid "$cmd: out-of-range value" "$cmd" "$tmp/sc-range.json" "$tmp/$cmd-4.db" "" \
        '$.genesis.validators.count: integer out of range: expected one in [1, 1000]'
    sc_invalid "$cmd: missing scenario file" "$cmd" "$tmp/no-such-scenario.json" "$tmp/$cmd-5.db" \
        "" "cannot open: No such file or directory"
    sc_invalid "$cmd: unknown key from --set" "$cmd" "$tmp/small.json" "$tmp/$cmd-6.db" \
        genesis.validators.comission=0.1 \
        '$.genesis.validators.comission: unknown key (did you mean "commission"?)'
    sc_invalid "$cmd: wrong type from --set" "$cmd" "$tmp/small.json" "$tmp/$cmd-7.db" \
        agents.tenants.workloads=3 '$.agents.tenants.workloads: expected a list, found a number'
    sc_invalid "$cmd: out-of-range value from --set" "$cmd" "$tmp/small.json" "$tmp/$cmd-8.db" \
        duration_days=0 '$.duration_days: 0 is out of range: expected more than 0 and at most 36500'
    sc_invalid "$cmd: cross-check from --set" "$cmd" "$tmp/small.json" "$tmp/$cmd-9.db" \
        'agents.tenants.workloads[1].gpu_model=a100' \
        '$.agents.tenants.workloads[1].gpu_model: no provider fleet has GPU model "a100"'
    for n in 1 2 3 4 5 6 7 8 9; do
        if [ -e "$tmp/$cmd-$n.db" ]; then
            bad "$cmd: invalid scenario $n" "created $tmp/$cmd-$n.db"
        fi
    done
done

# a malformed --set: exit 2, one line naming the override
if expect "run: malformed --set path" 2 run "$tmp/small.json" -o "$tmp/set.db" \
    --set 'agents.tenants.workloads[7].weight=1'; then
    if [ -s "$out" ]; then bad "run: malformed --set path" "wrote to stdout"
    elif [ "$(wc -l <"$err")" -ne 1 ] ||
        ! grep -qF -- '--set agents.tenants.workloads[7].weight: index 7 is out of range' "$err"; then
        bad "run: malformed --set path" "expected one line naming the override"
    elif [ -e "$tmp/set.db" ]; then bad "run: malformed --set path" "created the database"
    else ok "run: malformed --set path"; fi
fi

# the output cannot be opened: a directory that does not exist, a directory, not a database
mkdir "$tmp/outdir"
printf 'not a database, and long enough to have a header that sqlite reads' >"$tmp/text.db"
cp "$tmp/text.db" "$tmp/text.db.orig"
for case in "nodir/r.db:unable to open database file" "outdir:unable to open database file" \
    "text.db:file is not a database"; do
    db=$tmp/${case%%:*}
    reason=${case#*:}
    name="run: output $(basename "$db"): $reason"
    if expect "$name" 2 run "$tmp/small.json" -o "$db"; then
        if [ -s "$out" ]; then bad "$name" "wrote to stdout"
        elif [ "$(wc -l <"$err")" -ne 1 ] || ! grep -qF -- "akashsim run: $db: $reason" "$err"; then
            bad "$name" "expected one line 'akashsim run: $db: $reason'"
        elif [ -e "$tmp/nodir" ] || [ ! -d "$tmp/outdir" ] || [ -n "$(ls -A "$tmp/outdir")" ]; then
            bad "$name" "created files"
        elif ! cmp -s "$tmp/text.db" "$tmp/text.db.orig"; then
            bad "$name" "changed $tmp/text.db"
        else ok "$name"; fi
    fi
done

# options
for cmd in run validate; do
    if expect "$cmd --help" 0 "$cmd" --help && grep -q "usage: akashsim $cmd" "$out" &&
        [ ! -s "$err" ]; then
        ok "$cmd --help"
    elif [ $rc -eq 0 ]; then bad "$cmd --help" "no usage text on stdout"; fi
    usage_error "$cmd: unknown option" "$cmd" "$tmp/small.json" --frobnicate
    usage_error "$cmd: --set without a value" "$cmd" "$tmp/small.json" --set
    usage_error "$cmd: two scenarios" "$cmd" "$tmp/small.json" "$tmp/small.json"
done
usage_error "validate: no scenario" validate
usage_error "validate: --seed is run's" validate "$tmp/small.json" --seed 3
for seed in abc -1 1x 9223372036854775808 ""; do
    if expect "run --seed '$seed'" 2 run "$tmp/small.json" -o "$tmp/seed.db" --seed "$seed"; then
        if [ -s "$out" ] || [ "$(wc -l <"$err")" -ne 1 ] || ! grep -q -- "--seed needs an integer" "$err"; then
            bad "run --seed '$seed'" "expected one line about --seed"
        elif [ -e "$tmp/seed.db" ]; then bad "run --seed '$seed'" "created the database"
        else ok "run --seed '$seed'"; fi
    fi
done
if expect "run --seed at the end" 2 run "$tmp/small.json" -o "$tmp/seed.db" --seed &&
    grep -q -- "--seed needs an integer" "$err"; then
    ok "run --seed at the end"
elif [ $rc -eq 2 ]; then bad "run --seed at the end" "no message about --seed"; fi

# validate good scenarios
if expect "validate baseline" 0 validate "$baseline"; then
    if [ "$(cat "$out")" = "$baseline: valid scenario \"baseline\": 365 days, 100 validators, 60 providers in 5 fleets, 5000 tenants, 5 workloads" ] &&
        [ ! -s "$err" ]; then
        ok "validate baseline"
    else
        bad "validate baseline" "printed '$(cat "$out")'"
    fi
fi
# every shipped scenario validates
for sc in "$root"/scenarios/*.json; do
    name="validate shipped $(basename "$sc")"
    if expect "$name" 0 validate "$sc"; then
        if grep -q "^$sc: valid scenario " "$out" && [ ! -s "$err" ]; then
            ok "$name"
        else
            bad "$name" "printed '$(cat "$out")'"
        fi
    fi
done

# the question scenarios show their defining effect (whole runs of the three short ones)
if expect "run validator-outage" 0 run --quiet "$root/scenarios/validator-outage.json" \
    -o "$tmp/outage.db"; then
    got=$("$python" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(*c.execute("SELECT sum(chain_halts), round(sum(halted_s)), max(validators_offline) > 0 FROM metrics").fetchone())' "$tmp/outage.db")
    # one halt of two hours, less the few seconds before the first block that could not commit
    case $got in
    "1 "71[9][0-9].0" 1" | "1 7200.0 1") ok "run validator-outage" ;;
    *) bad "run validator-outage" "halts, seconds halted, validators offline: $got" ;;
    esac
fi
if expect "run take-rate-vote" 0 run --quiet "$root/scenarios/take-rate-vote.json" \
    -o "$tmp/vote.db"; then
    got=$("$python" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(*c.execute("SELECT count(*), min(status), min(messages) FROM proposals").fetchone())' "$tmp/vote.db")
    case $got in
    '1 passed [{"module":"take","param":"denom_take_rates","value":{"uakt":10}}]')
        ok "run take-rate-vote" ;;
    *) bad "run take-rate-vote" "proposals: $got" ;;
    esac
fi
if expect "run akt-crash (40 days)" 0 run --quiet "$root/scenarios/akt-crash.json" \
    --set duration_days=40 -o "$tmp/crash.db"; then
    got=$("$python" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
r = c.execute("SELECT akt_usd FROM metrics ORDER BY t_us").fetchall()
print(round(r[29][0], 2), round(r[36][0], 2))' "$tmp/crash.db")
    # the CSV path: $0.50 on day 30, $0.15 on day 37
    if [ "$got" = "0.5 0.15" ]; then ok "run akt-crash (40 days)"
    else bad "run akt-crash (40 days)" "AKT on days 30 and 37: $got"; fi
fi

if expect "validate with --set" 0 validate "$tmp/small.json" --set duration_days=2 \
    --set=agents.tenants.count=25 --set 'genesis.providers[0].count=7'; then
    if grep -qF "valid scenario \"small\": 2 days, 2 validators, 8 providers in 2 fleets, 25 tenants, 2 workloads" "$out"; then
        ok "validate with --set"
    else
        bad "validate with --set" "printed '$(cat "$out")'"
    fi
fi

# a tiny run of the baseline, twice into one file, then --quiet
db=$tmp/results.db
tiny="--set duration_days=1 --set sample_interval_hours=6 --set agents.tenants.count=50"
# check_db DB RUNS: the runs table holds RUNS rows, all 'complete' with ids 1.. in order, each
# run has 4 metrics rows (6 h samples over a day), and the last run's scenario_json and seed
# reflect the overrides (duration_days 1, tenants 50, and SEED when given).
check_db() {
    "$python" - "$@" <<'EOF'
import json, sqlite3, sys
db, n = sys.argv[1], int(sys.argv[2])
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
c = sqlite3.connect(db)
runs = c.execute("SELECT run_id, status, scenario_name, seed, scenario_json, message, events, blocks FROM runs ORDER BY run_id").fetchall()
assert [r[0] for r in runs] == list(range(1, n + 1)), runs
assert all(r[1] == "complete" and r[2] == "baseline" and r[5] is None for r in runs), [r[:3] for r in runs]
assert all(r[6] > 0 and r[7] > 14000 for r in runs), [r[6:] for r in runs]
for run_id, in c.execute("SELECT run_id FROM runs"):
    m = c.execute("SELECT count(*), min(t_us), max(t_us) FROM metrics WHERE run_id = ?", (run_id,)).fetchone()
    assert m == (4, 6 * 3600 * 10**6, 86400 * 10**6), (run_id, m)
last = runs[-1]
sc = json.loads(last[4])
assert last[3] == seed and int(sc.get("seed")) == seed, (last[3], sc.get("seed"))
assert sc["duration_days"] == 1 and sc["sample_interval_hours"] == 6, sc["duration_days"]
assert sc["agents"]["tenants"]["count"] == 50
EOF
}
# shellcheck disable=SC2086 # $tiny is a list of options
if expect "run: tiny baseline" 0 run "$baseline" -o "$db" $tiny; then
    if ! grep -q '^akashsim run: baseline, seed 1: 1.0 days simulated in' "$out" ||
        ! grep -q '^  deployments [0-9]*, leases [0-9]*' "$out" ||
        ! grep -qF "  results: $db, run 1" "$out"; then
        bad "run: tiny baseline" "no summary on stdout"
    elif [ -s "$err" ]; then bad "run: tiny baseline" "wrote to stderr"
    elif ! check_db "$db" 1 2>"$err"; then bad "run: tiny baseline" "database: $(tail -n 1 "$err")"
    else ok "run: tiny baseline"; fi
fi
# shellcheck disable=SC2086
if expect "run: a second run appends" 0 run "$baseline" -o "$db" $tiny --seed 7; then
    if ! grep -q '^akashsim run: baseline, seed 7: ' "$out" || ! grep -qF "  results: $db, run 2" "$out"; then
        bad "run: a second run appends" "no summary of run 2 on stdout"
    elif ! check_db "$db" 2 7 2>"$err"; then bad "run: a second run appends" "database: $(tail -n 1 "$err")"
    else ok "run: a second run appends"; fi
fi
# shellcheck disable=SC2086
if expect "run --quiet" 0 run --quiet "$baseline" $tiny -o "$db"; then
    if [ -s "$out" ] || [ -s "$err" ]; then bad "run --quiet" "printed something"
    elif ! check_db "$db" 3 2>"$err"; then bad "run --quiet" "database: $(tail -n 1 "$err")"
    else ok "run --quiet"; fi
fi
# an invalid scenario run into the same file adds nothing
if expect "run: invalid scenario into an existing database" 2 run "$baseline" -o "$db" \
    --set duration_days=0; then
    if [ "$(db_runs "$db")" = "complete complete complete" ]; then
        ok "run: invalid scenario into an existing database"
    else
        bad "run: invalid scenario into an existing database" "runs are now: $(db_runs "$db")"
    fi
fi
if expect "run: the small scenario" 0 run "$tmp/small.json" -o "$tmp/small.db" --quiet &&
    [ "$(db_runs "$tmp/small.db")" = "complete" ]; then
    ok "run: the small scenario"
elif [ $rc -eq 0 ]; then bad "run: the small scenario" "runs: $(db_runs "$tmp/small.db")"; fi

# ---- calibrate --------------------------------------------------------------------------------

if expect "calibrate --help" 0 calibrate --help && grep -q "usage: akashsim calibrate" "$out" &&
    grep -q -- "--run N" "$out" && [ ! -s "$err" ]; then
    ok "calibrate --help"
elif [ $rc -eq 0 ]; then bad "calibrate --help" "no usage text on stdout"; fi
if expect "help lists calibrate" 0 help && grep -q "^  calibrate RESULTS.db" "$out"; then
    ok "help lists calibrate"
elif [ $rc -eq 0 ]; then bad "help lists calibrate" "calibrate is not in the usage"; fi

# Two short baseline runs into one file: run 1 (3 days, seed 1) and run 2 (2 days, seed 2).
cal=$tmp/cal.db
if expect "calibrate: make the runs" 0 run "$baseline" -o "$cal" --quiet --set duration_days=3 &&
    expect "calibrate: make the runs" 0 run "$baseline" -o "$cal" --quiet --seed 2 \
        --set duration_days=2 && [ "$(db_runs "$cal")" = "complete complete" ]; then
    ok "calibrate: make the runs"
elif [ $rc -eq 0 ]; then bad "calibrate: make the runs" "runs: $(db_runs "$cal")"; fi
cp "$cal" "$tmp/cal.db.orig"

# check_table FILE: the table of calibrate's stdout in FILE, checked against the figures of
# --json in FILE.json: one row per figure, in order, each with its simulated value, a signed
# gap in % (or n/a) and yes/no; then the sources, numbered, each with an address.
check_table() {
    "$python" - "$1" "$1.json" <<'EOF'
import json, re, sys
lines = open(sys.argv[1]).read().split("\n")
figs = json.load(open(sys.argv[2]))
head = lines.index(next(l for l in lines if l.startswith("figure ")))
assert re.match(r"figure +unit +simulated +target +range +gap +in range +sources$", lines[head])
rows = lines[head + 1: head + 1 + len(figs)]
assert lines[head + 1 + len(figs)] == "", "more rows than figures"
for f, row in zip(figs, rows):
    assert row.startswith(f["figure"] + " "), (f["figure"], row)
    m = re.search(r"(n/a|[+-]\d+\.\d %|0\.0 %) +(yes|no|n/a) +([\d ]+)$", row)
    assert m, row
    shown = row[len(f["figure"]):].split()[len(f["unit"].split())]
    if f["simulated"] is None:
        assert shown == "n/a" and m.group(1) == "n/a" and m.group(2) == "n/a", row
    else:
        # the simulated column is the value, rounded to the decimals it shows
        decimals = len(shown.split(".")[1]) if "." in shown else 0
        value = float(shown.replace(",", ""))
        assert abs(value - f["simulated"]) <= 0.5 * 10 ** -decimals + 1e-9, row
        gap = 0.0 if m.group(1) == "0.0 %" else float(m.group(1)[:-2])
        assert abs(gap - f["gap_pct"]) <= 0.05 + 1e-9, (row, f["gap_pct"])
        assert m.group(2) == ("yes" if f["inside"] else "no"), row
    cited = [int(x) for x in m.group(3).split()]
    assert len(cited) == len(f["sources"]) >= 1, row
srcs = [l for l in lines[head + len(figs) + 1:] if re.match(r" *\d+  4\.[123] ", l)]
assert len(srcs) >= 10 and all("https://" in l for l in srcs), srcs
EOF
}

# check_json FILE DB RUN: the figures in FILE are those of run RUN in DB, recomputed here from
# the documented tables; every gap is (simulated - target) / target in %.
check_json() {
    "$python" - "$@" <<'EOF'
import json, sqlite3, statistics, sys
figs = {f["name"]: f for f in json.load(open(sys.argv[1]))}
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[2], uri=True)
run = int(sys.argv[3])
one = lambda sql: c.execute(sql, (run,)).fetchone()[0]
for name in ("active_providers", "gpus", "vcpus", "leases_per_day", "revenue_usd_per_day",
             "take_akt", "take_usdc", "h100_usd_gpu_hour", "akt_usd", "bonded_validators",
             "gpu_util"):
    assert name in figs, name
for f in figs.values():
    assert set(f) >= {"name", "figure", "unit", "simulated", "target", "low", "high", "gap_pct",
                      "inside", "basis", "how", "sources"}, f
    assert f["low"] <= f["target"] <= f["high"], f
    if f["simulated"] is None:
        assert f["gap_pct"] is None and f["inside"] is None, f
    else:
        want = 100 * (f["simulated"] - f["target"]) / f["target"]
        assert abs(f["gap_pct"] - want) <= 1e-6 * max(1, abs(want)), f
    assert all(s["source"] and s["section"].startswith("4.") for s in f["sources"]), f
end = one("SELECT max(t_us) FROM metrics WHERE run_id = ?")
days = end / 86400e6
m = lambda expr: one("SELECT %s FROM metrics WHERE run_id = ?" % expr)
last = lambda col: one("SELECT %s FROM metrics WHERE run_id = ? AND t_us = %d" % (col, end))
p = lambda expr: one("SELECT %s FROM providers WHERE run_id = ? AND exited_us IS NULL" % expr)
def close(name, want):
    got = figs[name]["simulated"]
    assert abs(got - want) <= 1e-6 * max(1, abs(want)), (name, got, want)
close("active_providers", last("active_providers"))
close("bonded_validators", last("bonded_validators"))
close("gpus", p("sum(gpus)"))
close("vcpus", p("sum(cpu_millis)") / 1000)
close("leases_per_day", m("sum(leases_created)") / days)
close("revenue_usd_per_day", m("sum(tenant_spend_usd)") / days)
close("akt_usd", m("avg(akt_usd)"))
close("gpu_util", 100 * m("avg(gpu_util)"))
take, income = m("sum(take_uakt)"), m("sum(provider_income_uakt)")
close("take_akt", 100 * take / (take + income))
take, income = m("sum(take_uusdc)"), m("sum(provider_income_uusdc)")
close("take_usdc", 100 * take / (take + income))
h100 = [p / g / 730.5 for p, g in c.execute(
    "SELECT l.price_usd_month, l.gpus FROM leases l JOIN providers p"
    " ON p.run_id = l.run_id AND p.provider = l.provider"
    " WHERE l.run_id = ? AND l.gpus > 0 AND p.gpu_model = 'h100'", (run,))]
assert h100, "no H100 leases"
close("h100_usd_gpu_hour", statistics.median(h100))
EOF
}

if expect "calibrate: the last complete run" 0 calibrate "$cal"; then
    cp "$out" "$tmp/cal-2.txt"
    if [ -s "$err" ]; then bad "calibrate: the last complete run" "wrote to stderr"
    elif [ "$(head -n 1 "$out")" != \
        "$cal, run 2: baseline, seed 2, 2.0 simulated days, rules akash-v1" ]; then
        bad "calibrate: the last complete run" "header: $(head -n 1 "$out")"
    elif ! grep -q '^active providers (end)  *providers  *[0-9][0-9]*  *58  *58 to 60  ' "$out"
    then
        bad "calibrate: the last complete run" "no row for the active providers"
    else ok "calibrate: the last complete run"; fi
fi
if expect "calibrate --json" 0 calibrate --json "$cal"; then
    cp "$out" "$tmp/cal-2.txt.json"
    if [ -s "$err" ]; then bad "calibrate --json" "wrote to stderr"
    elif ! check_json "$out" "$cal" 2 2>"$err"; then bad "calibrate --json" "$(tail -n 1 "$err")"
    elif ! check_table "$tmp/cal-2.txt" 2>"$err"; then
        bad "calibrate --json" "the table disagrees: $(tail -n 1 "$err")"
    else ok "calibrate --json"; fi
fi
for sel in "--run 1" "--run=1"; do
    # shellcheck disable=SC2086 # $sel is an option and its value
    if expect "calibrate $sel" 0 calibrate $sel "$cal" && [ "$(head -n 1 "$out")" = \
        "$cal, run 1: baseline, seed 1, 3.0 simulated days, rules akash-v1" ]; then
        cp "$out" "$tmp/cal-1.txt"
        # shellcheck disable=SC2086
        if ! expect "calibrate $sel --json" 0 calibrate "$cal" --json $sel; then :
        elif ! check_json "$out" "$cal" 1 2>"$err"; then bad "calibrate $sel" "$(tail -n 1 "$err")"
        elif ! cp "$out" "$tmp/cal-1.txt.json" || ! check_table "$tmp/cal-1.txt" 2>"$err"; then
            bad "calibrate $sel" "the table disagrees: $(tail -n 1 "$err")"
        else ok "calibrate $sel"; fi
    elif [ $rc -eq 0 ]; then bad "calibrate $sel" "header: $(head -n 1 "$out")"; fi
done
# a run without A100 providers: that row reads n/a, and null in JSON
if expect "calibrate: a figure the run lacks" 0 calibrate "$tmp/small.db" &&
    grep -q '^A100 price (median) *USD/GPU-hour *n/a .* n/a  n/a ' "$out" &&
    expect "calibrate: a figure the run lacks" 0 calibrate --json "$tmp/small.db" &&
    "$python" -c 'import json,sys
f = {x["name"]: x for x in json.load(open(sys.argv[1]))}["a100_usd_gpu_hour"]
assert f["simulated"] is None and f["gap_pct"] is None and f["inside"] is None' "$out"; then
    ok "calibrate: a figure the run lacks"
elif [ $rc -eq 0 ]; then bad "calibrate: a figure the run lacks" "no n/a row for A100 prices"; fi
if cmp -s "$cal" "$tmp/cal.db.orig" &&
    { [ ! -e "$cal-wal" ] || [ ! -s "$cal-wal" ]; }; then
    ok "calibrate: the database is unchanged"
else
    bad "calibrate: the database is unchanged" "$cal differs from its copy, or its WAL holds data"
fi
"$akashsim" calibrate "$cal" >/dev/full 2>"$err"
rc=$?
if [ $rc -ne 1 ]; then bad "calibrate: stdout not writable" "exit status $rc, expected 1"
elif [ "$(cat "$err")" != "akashsim calibrate: cannot write the figures" ]; then
    bad "calibrate: stdout not writable" "stderr: $(cat "$err")"
else ok "calibrate: stdout not writable"; fi

# Bad databases and runs. cal_error NAME LINE ARGS...: `calibrate ARGS` exits 2 with nothing on
# stdout and exactly LINE on stderr.
cal_error() {
    name=$1
    line=$2
    shift 2
    expect "$name" 2 calibrate "$@" || return
    one_line_error "$name" "$line" || return
    if [ "$(cat "$err")" != "$line" ]; then
        bad "$name" "stderr: $(cat "$err")"
        return
    fi
    ok "$name"
}
# mkdb NAME SQL: $tmp/NAME, a copy of the calibrated file changed by SQL ("" for none)
mkdb() {
    cp "$cal" "$tmp/$1" && "$python" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
if sys.argv[2]:
    c.executescript(sys.argv[2])
c.commit()
c.close()' "$tmp/$1" "$2"
}
mkdb cal-failed.db "UPDATE runs SET status = 'failed', message = 'invariant broken: x'
    WHERE run_id = 2"
mkdb cal-running.db "UPDATE runs SET status = 'running' WHERE run_id = 2"
mkdb cal-none.db "UPDATE runs SET status = 'failed' WHERE run_id IN (1, 2)"
mkdb cal-empty.db "DELETE FROM runs"
mkdb cal-v7.db "UPDATE meta SET value = '7' WHERE key = 'schema_version'"
mkdb cal-nometa.db "DROP TABLE meta"
mkdb cal-old.db "ALTER TABLE metrics DROP COLUMN take_uusdc"
"$python" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("CREATE TABLE t (x)")' \
    "$tmp/other.db"
: >"$tmp/zero.db"
cp "$tmp/cal-failed.db" "$tmp/cal-failed.db.orig"
cal_error "calibrate: missing file" \
    "akashsim calibrate: $tmp/none.db: cannot open: No such file or directory" "$tmp/none.db"
if [ -e "$tmp/none.db" ]; then bad "calibrate: missing file" "created $tmp/none.db"; fi
cal_error "calibrate: a directory" "akashsim calibrate: $tmp/outdir: cannot open: Is a directory" \
    "$tmp/outdir"
cal_error "calibrate: not a database" "akashsim calibrate: $tmp/text.db: file is not a database" \
    "$tmp/text.db"
cal_error "calibrate: an empty file" \
    "akashsim calibrate: $tmp/zero.db: not an akashsim results database (no runs table)" \
    "$tmp/zero.db"
cal_error "calibrate: another program's database" \
    "akashsim calibrate: $tmp/other.db: not an akashsim results database (no runs table)" \
    "$tmp/other.db"
cal_error "calibrate: no meta table" \
    "akashsim calibrate: $tmp/cal-nometa.db: not an akashsim results database (no meta table)" \
    "$tmp/cal-nometa.db"
cal_error "calibrate: another schema version" \
    "akashsim calibrate: $tmp/cal-v7.db: schema version 7, this akashsim reads 2" \
    "$tmp/cal-v7.db"
cal_error "calibrate: a missing run" "akashsim calibrate: $cal: no run 3" "$cal" --run 3
cal_error "calibrate: a failed run" \
    "akashsim calibrate: $tmp/cal-failed.db: run 2 is not complete (its status is failed)" \
    "$tmp/cal-failed.db" --run 2
cal_error "calibrate: a running run" \
    "akashsim calibrate: $tmp/cal-running.db: run 2 is not complete (its status is running)" \
    --run=2 "$tmp/cal-running.db"
cal_error "calibrate: no complete run" "akashsim calibrate: $tmp/cal-none.db: no complete run" \
    "$tmp/cal-none.db"
cal_error "calibrate: no runs at all" "akashsim calibrate: $tmp/cal-empty.db: no complete run" \
    "$tmp/cal-empty.db"
# a file written before a column was added: that figure reads n/a, the others are there
if expect "calibrate: a file without a newer column" 0 calibrate "$tmp/cal-old.db" &&
    grep -q '^take on USDC leases  *%  *n/a ' "$out" &&
    grep -q '^take on AKT leases  *%  *[0-9.]* ' "$out"; then
    ok "calibrate: a file without a newer column"
elif [ $rc -eq 0 ]; then bad "calibrate: a file without a newer column" "no n/a row"; fi
# the default skips a failed last run
if expect "calibrate: the default skips a failed run" 0 calibrate "$tmp/cal-failed.db" &&
    head -n 1 "$out" | grep -qF "cal-failed.db, run 1: baseline, seed 1, 3.0 simulated days"; then
    ok "calibrate: the default skips a failed run"
elif [ $rc -eq 0 ]; then bad "calibrate: the default skips a failed run" "$(head -n 1 "$out")"; fi
if cmp -s "$tmp/cal-failed.db" "$tmp/cal-failed.db.orig" &&
    cmp -s "$tmp/text.db" "$tmp/text.db.orig"; then ok "calibrate: refused files are unchanged"
else bad "calibrate: refused files are unchanged" "a file changed"; fi
for v in abc 0 -1 1x 9223372036854775808 ""; do
    cal_error "calibrate --run '$v'" \
        "akashsim calibrate: --run needs a run id, an integer from 1 to 2^63-1 (got \"$v\")" \
        "$cal" --run "$v"
done
cal_error "calibrate --run at the end" \
    "akashsim calibrate: --run needs a run id, an integer from 1 to 2^63-1 (got \"\")" \
    "$cal" --run
cal_error "calibrate --run=x" \
    "akashsim calibrate: --run needs a run id, an integer from 1 to 2^63-1 (got \"x\")" \
    "$cal" --run=x
# cal_usage NAME LINE ARGS...: `calibrate ARGS` exits 2 with nothing on stdout and LINE, a blank
# line and calibrate's usage on stderr.
cal_usage() {
    name=$1
    line=$2
    shift 2
    expect "$name" 2 calibrate "$@" || return
    if [ -s "$out" ]; then bad "$name" "wrote to stdout"
    elif [ "$(head -n 1 "$err")" != "$line" ]; then bad "$name" "first line: $(head -n 1 "$err")"
    elif [ "$(sed -n 3p "$err")" != "usage: akashsim calibrate RESULTS.db [--run N] [--json]" ]
    then bad "$name" "no usage on stderr"
    else ok "$name"; fi
}
cal_usage "calibrate: unknown option" "akashsim calibrate: unknown option --frobnicate" \
    "$cal" --frobnicate
cal_usage "calibrate: no database" "akashsim calibrate: missing RESULTS.db" --json
cal_usage "calibrate: two databases" \
    "akashsim calibrate: one database at a time (got $cal and $tmp/small.db)" \
    "$cal" "$tmp/small.db"

# ---- sweeps ---------------------------------------------------------------------------------

small=tests/sweeps/small.json
# sweep_run NAME RC ARGS...: `akashsim sweep ARGS` from the repository root (the sweep's base
# path is relative to its file, the reproducing commands to where the sweep ran)
sweep_run() {
    name=$1
    want=$2
    shift 2
    (cd "$root" && "$akashsim" "$@") >"$out" 2>"$err"
    rc=$?
    if [ $rc -ge 128 ] && [ $rc -ne 130 ]; then bad "$name" "crashed (exit status $rc)"; return 1; fi
    if [ $rc -ne "$want" ]; then bad "$name" "exit status $rc, expected $want"; return 1; fi
    return 0
}
case $akashsim in /*) ;; *) akashsim=$(pwd)/$akashsim ;; esac

usage_error "sweep: no sweep" sweep -o "$tmp/x.db"
usage_error "sweep: no output" sweep "$root/$small"
usage_error "sweep: unknown option" sweep "$root/$small" -o "$tmp/x.db" --frobnicate
usage_error "sweep: two sweeps" sweep "$root/$small" "$root/$small" -o "$tmp/x.db"
usage_error "merge: no inputs" merge "$tmp/x.db"
usage_error "merge: unknown option" merge --frobnicate "$tmp/x.db" "$tmp/y.db"
usage_error "summarize: no file" summarize
usage_error "summarize: two files" summarize "$tmp/x.db" "$tmp/y.db"
for bad_j in 0 abc -1 1025; do
    if expect "sweep: -j $bad_j" 2 sweep "$root/$small" -o "$tmp/x.db" -j "$bad_j" &&
        one_line_error "sweep: -j $bad_j" "-j needs a number of threads from 1 to 1024"; then
        ok "sweep: -j $bad_j"; fi
done
for bad_s in 0/2 3/2 x 1/ /2 1/0; do
    if expect "sweep: --shard $bad_s" 2 sweep "$root/$small" -o "$tmp/x.db" --shard "$bad_s" &&
        one_line_error "sweep: --shard $bad_s" "--shard needs I/N with 1 <= I <= N"; then
        ok "sweep: --shard $bad_s"; fi
done
[ ! -e "$tmp/x.db" ] && ok "sweep: no database from a usage error" ||
    bad "sweep: no database from a usage error" "$tmp/x.db exists"
if expect "run: --replication -1" 2 run "$baseline" -o "$tmp/x.db" --replication -1 &&
    one_line_error "run: --replication -1" "--replication needs an integer from 0 to 4294967295"
then ok "run: --replication -1"; fi

# invalid sweep files: one line naming the file and the JSON path, exit 2, no database
sw() {
    printf '{"name": "t", "base": "%s", %s}\n' "$baseline" "$2" >"$tmp/$1.json"
}
sw bad-design '"design": {"type": "lhx", "points": 4}, "parameters": [{"path": "seed", "min": 1, "max": 2}], "outcomes": [{"metric": "take_usd"}]'
sw bad-metric '"outcomes": [{"metric": "take_usdd"}]'
sw bad-point '"parameters": [{"path": "agents.tenants.arrivals_per_day", "values": [300, -5]}], "outcomes": [{"metric": "take_usd"}]'
printf '{"name": "t", "base": "nowhere.json", "outcomes": [{"metric": "take_usd"}]}\n' >"$tmp/bad-base.json"
for c in "bad-design|\$.design.type: unknown design \"lhx\" (did you mean \"lhs\"?)" \
         "bad-metric|\$.outcomes[0].metric: \"take_usdd\" is not a column of metrics" \
         "bad-base|\$.base: "; do
    f=${c%%|*}
    text=${c#*|}
    for cmd in sweep validate; do
        if [ $cmd = sweep ]; then set -- sweep "$tmp/$f.json" -o "$tmp/$f.db"
        else set -- validate "$tmp/$f.json"; fi
        if expect "$cmd: $f" 2 "$@" && one_line_error "$cmd: $f" "$tmp/$f.json" "$text"; then
            if [ -e "$tmp/$f.db" ]; then bad "$cmd: $f" "left a database"; else ok "$cmd: $f"; fi
        fi
    done
done
# validate checks every point's scenario; sweep records such a point as failed runs instead
if expect "validate: sweep with an invalid point" 2 validate "$tmp/bad-point.json" &&
    one_line_error "validate: sweep with an invalid point" "$tmp/bad-point.json: point 1: " \
        "arrivals_per_day"; then ok "validate: sweep with an invalid point"; fi
if expect "validate: --set on a sweep" 2 validate "$tmp/bad-point.json" --set seed=3 &&
    one_line_error "validate: --set on a sweep" "--set applies to scenarios"; then
    ok "validate: --set on a sweep"; fi
if expect "validate: good sweep" 0 validate "$root/$small" &&
    grep -q 'valid sweep "small": grid design, 2 points x 3 replications = 6 runs, 2 outcomes' "$out"
then ok "validate: good sweep"; else bad "validate: good sweep" "$(cat "$out")"; fi

# a sweep, its summary, its resumption and the command that repeats one run
if sweep_run "sweep: small" 0 sweep "$small" -o "$tmp/sw.db" -j 2 &&
    grep -q "6 runs in .* on 2 threads: 6 complete, 0 failed" "$out" &&
    [ "$(db_runs "$tmp/sw.db")" = "complete complete complete complete complete complete" ]
then ok "sweep: small"; else bad "sweep: small" "$(cat "$out")"; fi
if sweep_run "sweep: rerun skips complete runs" 0 sweep "$small" -o "$tmp/sw.db" &&
    grep -q "0 runs in .*6 already complete (skipped)" "$out"
then ok "sweep: rerun skips complete runs"; else bad "sweep: rerun skips complete runs" "$(cat "$out")"; fi
if expect "summarize" 0 summarize "$tmp/sw.db" &&
    grep -q 'outcome take_usd_sum (sum of take_usd):' "$out" &&
    grep -q '  point 1 (arrivals=400): mean .*, 95 % CI \[.*\], sd .*, n 3' "$out" &&
    [ "$("$python" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM summary WHERE n = 3").fetchone()[0])' "$tmp/sw.db")" = 4 ]
then ok "summarize"; else bad "summarize" "$(head -5 "$out")"; fi
cmd=$("$python" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT command FROM runs WHERE run_id = 5").fetchone()[0])' "$tmp/sw.db")
case $cmd in "akashsim run tests/sweeps/../../scenarios/baseline.json -o run.db --seed 7 --replication 1 --set duration_days=3 --set agents.tenants.arrivals_per_day=400")
    (cd "$root" && eval "\"$akashsim\" ${cmd#akashsim } --quiet" && mv run.db "$tmp/rep.db") >/dev/null 2>&1
    same=$("$python" -c 'import sqlite3,sys
a = sqlite3.connect(sys.argv[1]).execute("SELECT * FROM metrics WHERE run_id = 5 ORDER BY t_us").fetchall()
b = sqlite3.connect(sys.argv[2]).execute("SELECT * FROM metrics ORDER BY t_us").fetchall()
print(len(a) > 0 and [r[1:] for r in a] == [r[1:] for r in b])' "$tmp/sw.db" "$tmp/rep.db" 2>&1)
    if [ "$same" = True ]; then ok "sweep: runs.command repeats the run"
    else bad "sweep: runs.command repeats the run" "$same"; fi ;;
*) bad "sweep: runs.command" "$cmd" ;;
esac
if expect "sweep: a file of another sweep" 2 sweep "$tmp/bad-point.json" -o "$tmp/sw.db" &&
    one_line_error "sweep: a file of another sweep" "$tmp/sw.db: holds the sweep \"small\""
then ok "sweep: a file of another sweep"; fi
if expect "summarize: not a sweep" 2 summarize "$tmp/small.db" &&
    one_line_error "summarize: not a sweep" "$tmp/small.db: holds no sweep"
then ok "summarize: not a sweep"; fi
if expect "summarize: no file" 2 summarize "$tmp/none.db" &&
    one_line_error "summarize: no file" "$tmp/none.db: No such file or directory" &&
    [ ! -e "$tmp/none.db" ]
then ok "summarize: no file"; fi

# failed runs: recorded, reported with their command, the others complete; exit 1
if sweep_run "sweep: failed runs" 1 sweep "$tmp/bad-point.json" -o "$tmp/bp.db" &&
    grep -q "run 2 (point 1, replication 0) failed: point 1: " "$err" &&
    grep -q "  reproduce it alone: akashsim run .* --set agents.tenants.arrivals_per_day=-5" "$err" &&
    grep -q "1 complete, 1 failed" "$out" && [ "$(db_runs "$tmp/bp.db")" = "complete failed" ]
then ok "sweep: failed runs"; else bad "sweep: failed runs" "$(cat "$out")"; fi

# shards and merge
sweep_run "sweep: shard 1/2" 0 sweep "$small" -o "$tmp/s1.db" --shard 1/2 --quiet &&
    sweep_run "sweep: shard 2/2" 0 sweep "$small" -o "$tmp/s2.db" --shard 2/2 --quiet &&
    if expect "merge: two shards" 0 merge "$tmp/m.db" "$tmp/s1.db" "$tmp/s2.db" &&
        grep -q "2 files into $tmp/m.db: 6 runs copied, 0 already there" "$out" &&
        grep -q "the sweep has 6 of 6 runs complete, 0 failed, 0 not run" "$out"
    then ok "merge: two shards"; else bad "merge: two shards" "$(cat "$out")"; fi
if expect "merge: a sweep with another" 2 merge "$tmp/m2.db" "$tmp/s1.db" "$tmp/bp.db" &&
    one_line_error "merge: a sweep with another" "$tmp/bp.db: holds another sweep"
then ok "merge: a sweep with another"; fi
if expect "merge: the output as input" 2 merge "$tmp/m.db" "$tmp/m.db" &&
    one_line_error "merge: the output as input" "$tmp/m.db: is also the output"
then ok "merge: the output as input"; fi
if expect "merge: a missing input" 2 merge "$tmp/m3.db" "$tmp/nope.db" &&
    one_line_error "merge: a missing input" "$tmp/nope.db: No such file or directory" &&
    [ ! -e "$tmp/m3.db" ]
then ok "merge: a missing input"; fi

# the progress line, on a terminal only (util-linux script gives it one; `script` alone is the
# function above)
if command -v script >/dev/null 2>&1; then
    (cd "$root" && command script -qec "\"$akashsim\" sweep $small -o \"$tmp/tty.db\" -j 1" /dev/null) \
        >"$out" 2>&1
    if grep -q "akashsim sweep: [0-9] of 6 runs done, 0 failed" "$out"; then
        ok "sweep: progress on a terminal"
    else bad "sweep: progress on a terminal" "$(tr '\r' '\n' <"$out" | head -3)"; fi
    if grep -q "runs done" "$tmp/stderr"; then bad "sweep: no progress off a terminal" "found"
    else ok "sweep: no progress off a terminal"; fi
fi

# the shipped sweeps validate (every point's scenario), and one share of the Monte Carlo runs
for f in "$root"/scenarios/sweeps/*.json; do
    n=$(basename "$f")
    if expect "validate: shipped sweep $n" 0 validate "$f" && grep -q ": valid sweep" "$out"
    then ok "validate: shipped sweep $n"; else bad "validate: shipped sweep $n" "$(cat "$err")"; fi
done
if sweep_run "sweep: validator-outage-mc, shard 1/16" 0 sweep scenarios/sweeps/validator-outage-mc.json \
        -o "$tmp/vo.db" --shard 1/16 -j 2 &&
    grep -q "3 runs in .*: 3 complete, 0 failed" "$out" &&
    expect "summarize: validator-outage-mc, one shard" 0 summarize "$tmp/vo.db" &&
    grep -q "48 runs: 3 complete, 0 failed, 45 not run" "$out" &&
    grep -q "point 2 (outage_share=0.34): 1 (one replication, no interval)" "$out"
then ok "sweep: validator-outage-mc, shard 1/16 (a 34 % outage halts the chain once)"
else bad "sweep: validator-outage-mc, shard 1/16" "$(head -c 600 "$out")"; fi

# SIGINT during a sweep: runs under way are dropped, complete ones kept; the rerun finishes
sed "s/\"duration_days\": 3/\"duration_days\": 20/" "$root/$small" |
    sed "s#\"../../scenarios/baseline.json\"#\"$baseline\"#" >"$tmp/long.json"
"$akashsim" sweep "$tmp/long.json" -o "$tmp/long.db" -j 2 >"$out" 2>"$err" &
pid=$!
sleep 2
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
done_before=$("$python" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM runs WHERE status = '"'complete'"'").fetchone()[0])' "$tmp/long.db" 2>/dev/null)
others=$("$python" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM runs WHERE status <> '"'complete'"'").fetchone()[0])' "$tmp/long.db" 2>/dev/null)
if [ $rc -ne 130 ] && [ "$done_before" != 6 ]; then
    bad "sweep: SIGINT" "exit status $rc, expected 130"
elif [ "$others" != 0 ] || { [ $rc -eq 130 ] && ! grep -q "run the same command to resume" "$err"; }; then
    bad "sweep: SIGINT" "runs not complete: $others"
elif ! "$akashsim" sweep "$tmp/long.json" -o "$tmp/long.db" -j 2 >"$out" 2>"$err" ||
    ! grep -q "$((6 - done_before)) complete, 0 failed, $done_before already complete" "$out"; then
    bad "sweep: SIGINT" "resume: $(cat "$out")"
else
    ok "sweep: SIGINT keeps complete runs, the rerun finishes ($done_before before the signal)"
fi

# SIGTERM during a run: exit 130, the run recorded as failed ("interrupted"), never complete
"$akashsim" run "$baseline" -o "$tmp/int.db" >"$out" 2>"$err" &
pid=$!
sleep 1
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ $rc -ne 130 ]; then
    bad "run: interrupted by SIGTERM" "exit status $rc, expected 130"
elif [ "$(db_runs "$tmp/int.db")" != "failed" ] || ! grep -q "interrupted by signal 15" "$err"; then
    bad "run: interrupted by SIGTERM" "runs: $(db_runs "$tmp/int.db")"
else
    ok "run: interrupted by SIGTERM"
fi

echo "cli tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
