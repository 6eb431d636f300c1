#!/bin/sh
# tests/cli/mpi.sh MPI_AKASHSIM PLAIN_AKASHSIM: a sweep spread over two MPI ranks (mpirun
# --oversubscribe, so two ranks fit any machine) gives the same rows as the same sweep run by one
# process, and running it again finds every run complete.
set -u
mpi_bin=$1
plain_bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Open MPI refuses root unless told; containers and CI often run as root
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail() { echo "FAIL mpi: $*"; exit 1; }

"$plain_bin" sweep tests/sweeps/small.json -o "$tmp/one.db" -j 1 --quiet || fail "plain sweep"
mpirun --oversubscribe -np 2 "$mpi_bin" sweep tests/sweeps/small.json -o "$tmp/mpi.db" -j 1 \
  > "$tmp/out.txt" 2> "$tmp/err.txt" || { cat "$tmp/out.txt" "$tmp/err.txt"; fail "mpirun"; }
grep -q "6 runs in .* on 2 MPI ranks (2 threads in all): 6 complete, 0 failed" "$tmp/out.txt" ||
  { cat "$tmp/out.txt"; fail "summary line"; }
ls "$tmp" | grep -q part && fail "a rank's part file was left behind"
python3 - "$tmp/one.db" "$tmp/mpi.db" <<'PY' || fail "contents differ"
import sqlite3, sys
q = {
    "runs": "SELECT run_id, scenario_json, seed, replication, point, point_json, variant, "
            "status, events, blocks, command FROM runs ORDER BY run_id",
    "metrics": "SELECT * FROM metrics ORDER BY run_id, t_us",
    "leases": "SELECT * FROM leases ORDER BY run_id, lease_id",
    "outcomes": "SELECT * FROM outcomes ORDER BY run_id, outcome",
}
a, b = (sqlite3.connect(f) for f in sys.argv[1:3])
for t, sql in q.items():
    ra, rb = a.execute(sql).fetchall(), b.execute(sql).fetchall()
    if not ra or ra != rb:
        sys.exit(f"{t}: {len(ra)} rows in one process, {len(rb)} over MPI, or they differ")
PY
mpirun --oversubscribe -np 2 "$mpi_bin" sweep tests/sweeps/small.json -o "$tmp/mpi.db" \
  > "$tmp/out2.txt" 2>&1 || { cat "$tmp/out2.txt"; fail "resume"; }
grep -q "0 runs in .*6 already complete (skipped)" "$tmp/out2.txt" ||
  { cat "$tmp/out2.txt"; fail "resume summary"; }
echo "mpi tests: 2 ranks give the rows of one process; a rerun skips every run"
