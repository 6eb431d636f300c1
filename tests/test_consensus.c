/*
 * tests/test_consensus.c: Check suite for protocol/consensus.{h,c}, CometBFT v0.38 validator
 * sets, proposer selection, the three sets over time and the block production model
 * (chain-rules.md section 1; worked numbers of sections 8.1 to 8.3).
 *
 * Every expected number below comes from the rules pages' worked examples, from a hand
 * derivation written next to it, or from a Python model that transcribes cometbft
 * types/validator_set.go (IncrementProposerPriority, RescalePriorities,
 * shiftByAvgProposerPriority with big.Int floor division, updateWithChangeSet with
 * processChanges / verifyRemovals / verifyUpdates / computeNewPriorities) and the updateState
 * timeline of state/execution.go, written independently of consensus.c. Python's // is the
 * floor, like big.Int Div for a positive divisor; the model truncates toward zero where Go's
 * int64 `/` does.
 *
 * Assumptions common to all tests: addresses are names and order bytewise; names are interned
 * in an order unrelated to their bytewise order (ids are not addresses); every height decides
 * in round 0 unless a test says otherwise.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "consensus.h"
#include "errors.h"

static ak_strtab S;

static void setup(void)
{
    ck_assert_int_eq(ak_strtab_init(&S), 0);
}

static void teardown(void)
{
    ak_strtab_fini(&S);
}

static ak_addr N(const char *s)
{
    ak_str id;
    ck_assert_int_eq(ak_strtab_intern(&S, s, strlen(s), &id), 0);
    return id;
}

static const char *NM(ak_addr a)
{
    return a == AK_ADDR_NONE ? "(none)" : ak_strtab_get(&S, a);
}

static int64_t prio(const ak_valset *vs, const char *name)
{
    int32_t i = ak_valset_index(vs, N(name));
    ck_assert_msg(i >= 0, "%s not in set", name);
    return vs->vals[i].priority;
}

/* Assert the set, in index order, is exactly the given names, powers and priorities. */
struct cv {
    const char *name;
    int64_t power, priority;
};

static void assert_set(const ak_valset *vs, const struct cv *want, uint32_t n)
{
    ck_assert_int_eq(ak_valset_check(vs), 0);
    ck_assert_uint_eq(vs->n, n);
    int64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        ck_assert_msg(vs->vals[i].addr == N(want[i].name), "index %u: %s, want %s", i,
                      NM(vs->vals[i].addr), want[i].name);
        ck_assert_int_eq(vs->vals[i].power, want[i].power);
        ck_assert_msg(vs->vals[i].priority == want[i].priority, "%s priority %lld, want %lld",
                      want[i].name, (long long)vs->vals[i].priority, (long long)want[i].priority);
        total += want[i].power;
    }
    ck_assert_int_eq(vs->total, total);
}

static void assert_proposer(const ak_valset *vs, const char *name)
{
    ck_assert_msg(ak_valset_proposer(vs) == N(name), "proposer %s, want %s",
                  NM(ak_valset_proposer(vs)), name);
}

/* Snapshot of a set for "unchanged" checks. */
struct snap {
    uint32_t n;
    int64_t total;
    int32_t proposer;
    ak_cval vals[32];
};

static void take(struct snap *s, const ak_valset *vs)
{
    ck_assert_uint_le(vs->n, 32);
    memset(s, 0, sizeof *s);
    s->n = vs->n;
    s->total = vs->total;
    s->proposer = vs->proposer;
    if (vs->n)
        memcpy(s->vals, vs->vals, vs->n * sizeof *vs->vals);
}

static void assert_same(const struct snap *s, const ak_valset *vs)
{
    struct snap t;
    take(&t, vs);
    ck_assert_int_eq(memcmp(s, &t, sizeof t), 0);
}

/* Genesis A1 B2 C3, interned C, B, A so that id order is the reverse of address order. */
static void genesis_abc(ak_consensus *c)
{
    ak_valupdate v[3] = {{N("C"), 3}, {N("B"), 2}, {N("A"), 1}};
    ck_assert_int_eq(ak_consensus_genesis(c, &S, v, 3), 0);
    ck_assert_int_eq(ak_consensus_check(c), 0);
}

/* ---- 8.1 ---- */

/* Heights 1-12, priorities (A, B, C) after the selection for that height: the table of 8.1,
 * then the same cycle (3 : 2 : 1 proposals per 6 heights). */
START_TEST(test_spec_8_1_sequence)
{
    static const struct {
        const char *proposer;
        int64_t a, b, c;
    } want[6] = {
        {"C", 1, 2, -3}, {"B", 2, -2, 0}, {"A", -3, 0, 3},
        {"C", -2, 2, 0}, {"B", -1, -2, 3}, {"C", 0, 0, 0},
    };
    ak_consensus c;
    genesis_abc(&c);
    int counts[3] = {0, 0, 0};
    for (int h = 1; h <= 12; h++) {
        ck_assert_int_eq(c.height, h);
        const ak_valset *cur = &c.cur;
        assert_proposer(cur, want[(h - 1) % 6].proposer);
        ck_assert_int_eq(prio(cur, "A"), want[(h - 1) % 6].a);
        ck_assert_int_eq(prio(cur, "B"), want[(h - 1) % 6].b);
        ck_assert_int_eq(prio(cur, "C"), want[(h - 1) % 6].c);
        /* index order: power descending */
        ck_assert_uint_eq(cur->vals[0].addr, N("C"));
        ck_assert_uint_eq(cur->vals[1].addr, N("B"));
        ck_assert_uint_eq(cur->vals[2].addr, N("A"));
        counts[ak_strtab_get(&S, ak_valset_proposer(cur))[0] - 'A']++;
        ck_assert_int_eq(ak_consensus_commit(&c, NULL, 0), 0);
        ck_assert_int_eq(ak_consensus_check(&c), 0);
    }
    ck_assert_int_eq(counts[0], 2);
    ck_assert_int_eq(counts[1], 4);
    ck_assert_int_eq(counts[2], 6);
    ak_consensus_fini(&c);
}
END_TEST

/* Genesis set: NewValidatorSet gives every validator -(6 + 0) = -6, centered to 0, then one
 * increment (1, 2, 3) picks C -> (1, 2, -3); next is one more increment (2, 4, 0) -> B. */
START_TEST(test_spec_8_1_genesis_sets)
{
    ak_consensus c;
    genesis_abc(&c);
    static const struct cv cur[] = {{"C", 3, -3}, {"B", 2, 2}, {"A", 1, 1}};
    static const struct cv next[] = {{"C", 3, 0}, {"B", 2, -2}, {"A", 1, 2}};
    assert_set(&c.cur, cur, 3);
    assert_set(&c.next, next, 3);
    assert_proposer(&c.cur, "C");
    assert_proposer(&c.next, "B");
    ck_assert_uint_eq(c.last.n, 0);
    ck_assert_int_eq(c.height, 1);
    ak_consensus_fini(&c);
}
END_TEST

/* Rounds at height 1: r0 C, r1 B, r2 A, r3 C, r4 B. */
START_TEST(test_spec_8_1_rounds)
{
    static const char *const want[] = {"C", "B", "A", "C", "B"};
    ak_consensus c;
    genesis_abc(&c);
    struct snap before;
    take(&before, &c.cur);
    for (int r = 0; r < 5; r++) {
        ak_addr p = ak_consensus_round_proposer(&c, r);
        ck_assert_msg(p == N(want[r]), "round %d: %s, want %s", r, NM(p), want[r]);
        /* the one-call form (a jump from round 0 to r) agrees here: no rescale triggers */
        if (r > 0) {
            ak_valset cp;
            ak_valset_init(&cp, &S);
            ck_assert_int_eq(ak_valset_copy(&cp, &c.cur), 0);
            ck_assert_int_eq(ak_valset_increment(&cp, r), 0);
            assert_proposer(&cp, want[r]);
            ak_valset_fini(&cp);
        }
    }
    assert_same(&before, &c.cur); /* round copies are never persisted */
    ck_assert_uint_eq(ak_consensus_round_proposer(&c, -1), AK_ADDR_NONE);
    ak_consensus_fini(&c);
}
END_TEST

/* Four validators of power 10, W < X < Y < Z: heights 1-8 W X Y Z W X Y Z. Interned Z first. */
START_TEST(test_spec_8_1_equal_round_robin)
{
    ak_valupdate v[4] = {{N("Z"), 10}, {N("Y"), 10}, {N("X"), 10}, {N("W"), 10}};
    static const char *const want = "WXYZWXYZ";
    ak_consensus c;
    ck_assert_int_eq(ak_consensus_genesis(&c, &S, v, 4), 0);
    for (int h = 0; h < 8; h++) {
        char nm[2] = {want[h], 0};
        assert_proposer(&c.cur, nm);
        ck_assert_int_eq(ak_consensus_commit(&c, NULL, 0), 0);
    }
    /* index order for equal powers is address order */
    ck_assert_uint_eq(c.cur.vals[0].addr, N("W"));
    ck_assert_uint_eq(c.cur.vals[3].addr, N("Z"));
    ak_consensus_fini(&c);
}
END_TEST

/* ---- 8.2 ---- */

/* A1 B2 C3 at (0, 0, 0); D 4 joins: tvp = 10, D = -(10 + 1) = -11; avg floor(-11/4) = -3 ->
 * (A3, B3, C3, D-8). Then increment(1): avg floor(1/4) = 0, +power (4, 5, 6, -4), C picked ->
 * (4, 5, -4, -4). */
START_TEST(test_spec_8_2_new_validator)
{
    ak_valset vs;
    ak_valupdate v[3] = {{N("A"), 1}, {N("B"), 2}, {N("C"), 3}};
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 3), 0);
    for (uint32_t i = 0; i < vs.n; i++)
        vs.vals[i].priority = 0;
    ak_valset_priorities_changed(&vs);
    ak_valupdate d = {N("D"), 4};
    ck_assert_int_eq(ak_valset_update(&vs, &d, 1), 0);
    static const struct cv joined[] = {{"D", 4, -8}, {"C", 3, 3}, {"B", 2, 3}, {"A", 1, 3}};
    assert_set(&vs, joined, 4);
    ck_assert_int_eq(ak_valset_increment(&vs, 1), 0);
    static const struct cv after[] = {{"D", 4, -4}, {"C", 3, -4}, {"B", 2, 5}, {"A", 1, 4}};
    assert_set(&vs, after, 4);
    assert_proposer(&vs, "C");
    ak_valset_fini(&vs);
}
END_TEST

/* Powers (1, 1), priorities (100, -100): diffMax 4, diff 200, ratio 50 -> (2, -2). A whole
 * increment then centers (avg 0), adds (3, -1), picks A: (1, -1). */
START_TEST(test_spec_8_2_rescale)
{
    ak_valset vs;
    ak_valupdate v[2] = {{N("B"), 1}, {N("A"), 1}};
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 2), 0);
    vs.vals[0].priority = 100; /* A (index 0: equal powers, address order) */
    vs.vals[1].priority = -100;
    ak_valset_priorities_changed(&vs);
    ck_assert_int_eq(ak_valset_rescale(&vs, 2 * vs.total), 0);
    ck_assert_int_eq(prio(&vs, "A"), 2);
    ck_assert_int_eq(prio(&vs, "B"), -2);
    vs.vals[0].priority = 100;
    vs.vals[1].priority = -100;
    ak_valset_priorities_changed(&vs);
    ck_assert_int_eq(ak_valset_increment(&vs, 1), 0);
    ck_assert_int_eq(prio(&vs, "A"), 1);
    ck_assert_int_eq(prio(&vs, "B"), -1);
    assert_proposer(&vs, "A");
    /* diff_max <= 0 changes nothing; diff == diff_max does not rescale */
    vs.vals[0].priority = 100;
    vs.vals[1].priority = -100;
    ak_valset_priorities_changed(&vs);
    ck_assert_int_eq(ak_valset_rescale(&vs, 0), 0);
    ck_assert_int_eq(ak_valset_rescale(&vs, 200), 0);
    ck_assert_int_eq(prio(&vs, "A"), 100);
    ck_assert_int_eq(prio(&vs, "B"), -100);
    /* diff 200, diff_max 199: ratio ceil(200/199) = 2 -> (50, -50) */
    ck_assert_int_eq(ak_valset_rescale(&vs, 199), 0);
    ck_assert_int_eq(prio(&vs, "A"), 50);
    ck_assert_int_eq(prio(&vs, "B"), -50);
    ak_valset_fini(&vs);
}
END_TEST

/* (-5, -1, -1): avg floor(-7/3) = -3 -> (-2, 2, 2); C's truncating / would give (-3, 1, 1). */
START_TEST(test_spec_8_2_center_negative)
{
    ak_valset vs;
    ak_valupdate v[3] = {{N("C"), 1}, {N("B"), 1}, {N("A"), 1}};
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 3), 0);
    vs.vals[0].priority = -5;
    vs.vals[1].priority = -1;
    vs.vals[2].priority = -1;
    ak_valset_priorities_changed(&vs);
    ck_assert_int_eq(ak_valset_center(&vs), 0);
    ck_assert_int_eq(prio(&vs, "A"), -2);
    ck_assert_int_eq(prio(&vs, "B"), 2);
    ck_assert_int_eq(prio(&vs, "C"), 2);
    /* a positive sum floors down too: (5, 1, 1) -> avg 2 -> (3, -1, -1) */
    vs.vals[0].priority = 5;
    vs.vals[1].priority = 1;
    vs.vals[2].priority = 1;
    ak_valset_priorities_changed(&vs);
    ck_assert_int_eq(ak_valset_center(&vs), 0);
    ck_assert_int_eq(prio(&vs, "A"), 3);
    ck_assert_int_eq(prio(&vs, "B"), -1);
    ak_valset_fini(&vs);
}
END_TEST

/* Powers (1, 1), priorities (-7, 1): diffMax 4, diff 8, ratio (8 + 3) / 4 = 2; -7 / 2 = -3
 * (toward zero, not -4), 1 / 2 = 0. */
START_TEST(test_spec_8_2_truncating_rescale)
{
    ak_valset vs;
    ak_valupdate v[2] = {{N("A"), 1}, {N("B"), 1}};
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 2), 0);
    vs.vals[0].priority = -7;
    vs.vals[1].priority = 1;
    ak_valset_priorities_changed(&vs);
    ck_assert_int_eq(ak_valset_rescale(&vs, 4), 0);
    ck_assert_int_eq(prio(&vs, "A"), -3);
    ck_assert_int_eq(prio(&vs, "B"), 0);
    ak_valset_fini(&vs);
}
END_TEST

/* ---- 8.3 ---- */

START_TEST(test_spec_8_3_quorum)
{
    ck_assert_int_eq(ak_quorum(3), 3);
    ck_assert_int_eq(ak_quorum(4), 3);
    ck_assert_int_eq(ak_quorum(10), 7);
    ck_assert_int_eq(ak_quorum(100), 67); /* HasTwoThirdsAny: > 66, i.e. >= 67 */
    ck_assert_int_eq(ak_quorum(1), 1);
    ck_assert_int_eq(ak_quorum(2), 2);
    ck_assert_int_eq(ak_quorum(6), 5);
    ck_assert_int_eq(ak_quorum(40), 27);
    /* floor(2 * 1152921504606846975 / 3) + 1 */
    ck_assert_int_eq(ak_quorum(AK_MAX_TOTAL_VOTING_POWER), 768614336404564651LL);
    ck_assert_int_eq(AK_MAX_TOTAL_VOTING_POWER, 1152921504606846975LL);
}
END_TEST

/* ---- updates ---- */

/* D (4) returned at EndBlock(1) is in next at height 2 and first in cur at height 3.
 * Height 2: new = copy(next at 1) = (C0, B-2, A2) + D: tvp 10, D -11, avg floor(-11/4) = -3
 * -> (C3, B1, A5, D-8); increment: avg floor(1/4) = 0, +power (C6, B3, A6, D-4), tie C = A = 6
 * goes to A -> A -4. Height 3: next incremented again: avg floor(1/4) = 0, (D0, C9, B5, A-3)
 * -> C picked: C -1. */
START_TEST(test_update_takes_effect_two_heights_later)
{
    ak_consensus c;
    genesis_abc(&c);
    ak_valupdate d = {N("D"), 4};
    ck_assert_int_eq(ak_consensus_commit(&c, &d, 1), 0); /* EndBlock(1) returned D */
    ck_assert_int_eq(c.height, 2);
    ck_assert_int_eq(ak_valset_index(&c.cur, N("D")), -1); /* not at H + 1 */
    assert_proposer(&c.cur, "B");
    static const struct cv next2[] = {{"D", 4, -4}, {"C", 3, 6}, {"B", 2, 3}, {"A", 1, -4}};
    assert_set(&c.next, next2, 4);
    assert_proposer(&c.next, "A");
    static const struct cv last2[] = {{"C", 3, -3}, {"B", 2, 2}, {"A", 1, 1}};
    assert_set(&c.last, last2, 3);

    ck_assert_int_eq(ak_consensus_commit(&c, NULL, 0), 0);
    ck_assert_int_eq(c.height, 3);
    assert_set(&c.cur, next2, 4); /* D signs and may propose from H + 2 */
    assert_proposer(&c.cur, "A");
    ck_assert_int_eq(ak_valset_index(&c.cur, N("D")), 0);
    static const struct cv last3[] = {{"C", 3, 0}, {"B", 2, -2}, {"A", 1, 2}};
    assert_set(&c.last, last3, 3); /* the LastCommit of height 3 is signed by the old set */
    static const struct cv next3[] = {{"D", 4, 0}, {"C", 3, -1}, {"B", 2, 5}, {"A", 1, -3}};
    assert_set(&c.next, next3, 4);

    ck_assert_int_eq(ak_consensus_commit(&c, NULL, 0), 0);
    assert_set(&c.cur, next3, 4);
    assert_proposer(&c.cur, "C");
    ck_assert_int_eq(ak_consensus_check(&c), 0);
    ak_consensus_fini(&c);
}
END_TEST

/* A removal waits as long: C removed at EndBlock(1) is still in cur at height 2 (it signs
 * height 2), gone from cur at height 3, and gone from last (the LastCommit signers) at 4. */
START_TEST(test_removal_takes_effect_two_heights_later)
{
    ak_consensus c;
    genesis_abc(&c);
    ak_valupdate rm = {N("C"), 0};
    ck_assert_int_eq(ak_consensus_commit(&c, &rm, 1), 0);
    ck_assert_int_ge(ak_valset_index(&c.cur, N("C")), 0);
    ck_assert_int_eq(ak_valset_index(&c.next, N("C")), -1);
    ck_assert_int_eq(ak_consensus_commit(&c, NULL, 0), 0);
    ck_assert_int_eq(ak_valset_index(&c.cur, N("C")), -1);
    ck_assert_int_ge(ak_valset_index(&c.last, N("C")), 0);
    ck_assert_int_eq(ak_consensus_commit(&c, NULL, 0), 0);
    ck_assert_int_eq(ak_valset_index(&c.last, N("C")), -1);
    ck_assert_int_eq(c.cur.total, 3);
    ak_consensus_fini(&c);
}
END_TEST

/* Genesis (C-3, B2, A1); A -> 10 keeps its priority 1: tvp 17, no new validator; no rescale
 * (diff 5 <= 30), avg 0; order A C B; the proposer index follows C. Then increment: +power
 * (A11, C0, B4) -> A picked: 11 - 15 = -4. */
START_TEST(test_update_power_change_keeps_priority)
{
    ak_valset vs;
    ak_valupdate v[3] = {{N("A"), 1}, {N("B"), 2}, {N("C"), 3}};
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 3), 0);
    ak_valupdate up = {N("A"), 10};
    ck_assert_int_eq(ak_valset_update(&vs, &up, 1), 0);
    static const struct cv upd[] = {{"A", 10, 1}, {"C", 3, -3}, {"B", 2, 2}};
    assert_set(&vs, upd, 3);
    assert_proposer(&vs, "C");
    ck_assert_int_eq(vs.proposer, 1);
    ck_assert_int_eq(ak_valset_increment(&vs, 1), 0);
    static const struct cv inc[] = {{"A", 10, -4}, {"C", 3, 0}, {"B", 2, 4}};
    assert_set(&vs, inc, 3);
    assert_proposer(&vs, "A");
    ak_valset_fini(&vs);
}
END_TEST

/* A1 B2 C100: genesis (C-3, B2, A1), six more increments each C -3, B +2, A +1 (C always
 * picked) -> (C-21, B14, A7). Remove C: T = 3, diffMax 6, diff 7 > 6, ratio (7 + 5) / 6 = 2 ->
 * (B7, A3); avg floor(10/2) = 5 -> (B2, A-2). C was the proposer: none now. */
START_TEST(test_update_removal_rescales)
{
    ak_valset vs;
    ak_valupdate v[3] = {{N("C"), 100}, {N("A"), 1}, {N("B"), 2}};
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 3), 0);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(ak_valset_increment(&vs, 1), 0);
        assert_proposer(&vs, "C");
    }
    static const struct cv before[] = {{"C", 100, -21}, {"B", 2, 14}, {"A", 1, 7}};
    assert_set(&vs, before, 3);
    ak_valupdate rm = {N("C"), 0};
    ck_assert_int_eq(ak_valset_update(&vs, &rm, 1), 0);
    static const struct cv after[] = {{"B", 2, 2}, {"A", 1, -2}};
    assert_set(&vs, after, 2);
    ck_assert_uint_eq(ak_valset_proposer(&vs), AK_ADDR_NONE);
    ak_valset_fini(&vs);
}
END_TEST

/* tvp counts updates but not removals. {A: Max-1, B: 1} after NewValidatorSet: (A-1, B1).
 * Changes {A: 0, C: Max-1}: after removals Max, tvp = 2 Max - 1 = 2305843009213693949,
 * C = -(tvp + tvp >> 3) = -2594073385365405692. Total Max; diffMax 2 Max; diff = 1 + 2594...692
 * = 2594073385365405693 > 2305843009213693950, ratio 2 -> (B 0, C -1297036692682702846);
 * avg = -648518346341351423 exactly -> (C -648518346341351423, B 648518346341351423). */
START_TEST(test_update_tvp_before_removals)
{
    const int64_t M = AK_MAX_TOTAL_VOTING_POWER;
    ak_valset vs;
    ak_valupdate v[2] = {{N("A"), M - 1}, {N("B"), 1}};
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 2), 0);
    static const struct cv g[] = {{"A", 1152921504606846974LL, -1}, {"B", 1, 1}};
    assert_set(&vs, g, 2);
    ak_valupdate ch[2] = {{N("C"), M - 1}, {N("A"), 0}};
    ck_assert_int_eq(ak_valset_update(&vs, ch, 2), 0);
    static const struct cv u[] = {{"C", 1152921504606846974LL, -648518346341351423LL},
                                  {"B", 1, 648518346341351423LL}};
    assert_set(&vs, u, 2);
    ak_valset_fini(&vs);
}
END_TEST

/* Removing every validator while adding a new one is not an empty result. */
START_TEST(test_update_replace_all)
{
    ak_valset vs;
    ak_valupdate v[3] = {{N("A"), 1}, {N("B"), 2}, {N("C"), 3}};
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 3), 0);
    ak_valupdate ch[4] = {{N("B"), 0}, {N("D"), 7}, {N("A"), 0}, {N("C"), 0}};
    ck_assert_int_eq(ak_valset_update(&vs, ch, 4), 0);
    /* tvp = 0 + 7 + 6 removed = 13, D = -(13 + 1) = -14, centered alone to 0 */
    static const struct cv d[] = {{"D", 7, 0}};
    assert_set(&vs, d, 1);
    ak_valset_fini(&vs);
}
END_TEST

START_TEST(test_update_errors)
{
    const int64_t M = AK_MAX_TOTAL_VOTING_POWER;
    ak_valset vs;
    ak_valupdate v[3] = {{N("A"), 1}, {N("B"), 2}, {N("C"), 3}};
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 3), 0);
    ck_assert_int_eq(ak_valset_increment(&vs, 2), 0);
    struct snap s0;
    take(&s0, &vs);

    ak_valupdate dup[3] = {{N("D"), 5}, {N("A"), 2}, {N("D"), 6}};
    ck_assert_int_eq(ak_valset_update(&vs, dup, 3), AK_EINVAL);
    assert_same(&s0, &vs);
    ak_valupdate dup0[2] = {{N("A"), 0}, {N("A"), 0}};
    ck_assert_int_eq(ak_valset_update(&vs, dup0, 2), AK_EINVAL);
    assert_same(&s0, &vs);
    ak_valupdate neg[2] = {{N("D"), 5}, {N("A"), -1}};
    ck_assert_int_eq(ak_valset_update(&vs, neg, 2), AK_EINVAL);
    assert_same(&s0, &vs);
    ak_valupdate big = {N("D"), M + 1};
    ck_assert_int_eq(ak_valset_update(&vs, &big, 1), AK_EINVAL);
    assert_same(&s0, &vs);
    ak_valupdate unknown[2] = {{N("A"), 4}, {N("E"), 0}};
    ck_assert_int_eq(ak_valset_update(&vs, unknown, 2), AK_EINVAL);
    assert_same(&s0, &vs);
    ak_valupdate empty[3] = {{N("C"), 0}, {N("A"), 0}, {N("B"), 0}};
    ck_assert_int_eq(ak_valset_update(&vs, empty, 3), AK_EINVAL);
    assert_same(&s0, &vs);
    /* 6 + (Max - 5) = Max + 1: each power is allowed, the total is not */
    ak_valupdate over = {N("D"), M - 5};
    ck_assert_int_eq(ak_valset_update(&vs, &over, 1), AK_EINVAL);
    assert_same(&s0, &vs);
    ak_valupdate none = {AK_ADDR_NONE, 5};
    ck_assert_int_eq(ak_valset_update(&vs, &none, 1), AK_EINVAL);
    assert_same(&s0, &vs);
    ak_valupdate bad_id = {S.len + 10, 5};
    ck_assert_int_eq(ak_valset_update(&vs, &bad_id, 1), AK_EINVAL);
    assert_same(&s0, &vs);

    /* at the limits: exactly Max total is fine, n == 0 changes nothing (no centering either) */
    ak_valupdate exact = {N("D"), M - 6};
    ck_assert_int_eq(ak_valset_update(&vs, NULL, 0), 0);
    assert_same(&s0, &vs);
    ck_assert_int_eq(ak_valset_update(&vs, &exact, 1), 0);
    ck_assert_int_eq(vs.total, M);
    ck_assert_int_eq(ak_valset_check(&vs), 0);

    /* increment and the constructors */
    ck_assert_int_eq(ak_valset_increment(&vs, 0), AK_EINVAL);
    ak_valset e;
    ak_valset_init(&e, &S);
    ck_assert_int_eq(ak_valset_increment(&e, 1), AK_EINVAL);
    ck_assert_int_eq(ak_valset_rescale(&e, 4), AK_EINVAL);
    ck_assert_int_eq(ak_valset_center(&e), AK_EINVAL);
    ck_assert_uint_eq(ak_valset_proposer(&e), AK_ADDR_NONE);
    ck_assert_int_eq(ak_valset_new(&e, &S, v, 0), AK_EINVAL);
    ak_valupdate zero[2] = {{N("A"), 1}, {N("B"), 0}};
    ck_assert_int_eq(ak_valset_new(&e, &S, zero, 2), AK_EINVAL);
    ck_assert_uint_eq(e.n, 0);
    ck_assert_int_eq(ak_valset_new(&e, &S, dup, 3), AK_EINVAL);
    ck_assert_uint_eq(e.n, 0);
    ak_valset_fini(&e);
    ak_valset_fini(&vs);

    ak_consensus c;
    ck_assert_int_eq(ak_consensus_genesis(&c, &S, v, 0), AK_EINVAL);
    ck_assert_int_eq(ak_consensus_genesis(&c, &S, neg, 2), AK_EINVAL);
    ak_consensus_fini(&c); /* safe after a failed genesis */
}
END_TEST

/* A failed commit (bad updates from the app) changes nothing. */
START_TEST(test_commit_error_changes_nothing)
{
    ak_consensus c;
    genesis_abc(&c);
    ck_assert_int_eq(ak_consensus_commit(&c, NULL, 0), 0);
    struct snap l, k, n;
    take(&l, &c.last);
    take(&k, &c.cur);
    take(&n, &c.next);
    ak_valupdate bad[2] = {{N("B"), 1}, {N("B"), 2}};
    ck_assert_int_eq(ak_consensus_commit(&c, bad, 2), AK_EINVAL);
    ak_valupdate unknown = {N("Q"), 0};
    ck_assert_int_eq(ak_consensus_commit(&c, &unknown, 1), AK_EINVAL);
    ck_assert_int_eq(ak_consensus_commit(&c, NULL, 1), AK_EINVAL);
    assert_same(&l, &c.last);
    assert_same(&k, &c.cur);
    assert_same(&n, &c.next);
    ck_assert_int_eq(c.height, 2);
    ck_assert_int_eq(ak_consensus_check(&c), 0);
    ak_consensus_fini(&c);
}
END_TEST

/* Bytewise address order: "b" < "va" < "val" < "val1" < "val2"; equal powers sit in that
 * order, interned in another. */
START_TEST(test_index_address_order)
{
    static const char *const order[] = {"b", "va", "val", "val1", "val2"};
    ak_valupdate v[5] = {{N("val1"), 5}, {N("val"), 5}, {N("val2"), 5}, {N("b"), 5}, {N("va"), 5}};
    ak_valset vs;
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, 5), 0);
    for (int i = 0; i < 5; i++) {
        ck_assert_uint_eq(vs.vals[i].addr, N(order[i]));
        ck_assert_int_eq(ak_valset_index(&vs, N(order[i])), i);
    }
    assert_proposer(&vs, "b"); /* all tied at 5 after +power: the smallest address */
    ck_assert_int_eq(ak_valset_index(&vs, N("v")), -1);
    ck_assert_int_eq(ak_valset_index(&vs, N("val0")), -1);
    ck_assert_int_eq(ak_valset_index(&vs, N("zzz")), -1);
    ck_assert_int_eq(ak_valset_index(&vs, AK_ADDR_NONE), -1);
    ak_valset_fini(&vs);
}
END_TEST

START_TEST(test_copy_is_independent)
{
    ak_valset a, b;
    ak_valupdate v[3] = {{N("A"), 1}, {N("B"), 2}, {N("C"), 3}};
    ck_assert_int_eq(ak_valset_new(&a, &S, v, 3), 0);
    ak_valset_init(&b, &S);
    ck_assert_int_eq(ak_valset_copy(&b, &a), 0);
    ck_assert_int_eq(ak_valset_copy(&b, &b), 0);
    struct snap sa;
    take(&sa, &a);
    assert_same(&sa, &b);
    ck_assert_int_eq(ak_valset_increment(&b, 1), 0);
    assert_same(&sa, &a);
    ak_valupdate d = {N("D"), 9};
    ck_assert_int_eq(ak_valset_update(&b, &d, 1), 0); /* grows b beyond its copy */
    ck_assert_int_eq(ak_valset_check(&b), 0);
    ck_assert_int_eq(ak_valset_copy(&b, &a), 0); /* shrinking copy reuses the storage */
    assert_same(&sa, &b);
    ck_assert_int_eq(ak_valset_check(&b), 0);
    ak_valset_fini(&a);
    ak_valset_fini(&b);
    ak_valset_fini(NULL);
    ak_consensus_fini(NULL);
}
END_TEST

/* Powers 1..10 (T = 55): over 20 * 55 heights each proposes exactly 20 * power times. */
START_TEST(test_weighted_fairness)
{
    char names[10][4];
    ak_valupdate v[10];
    for (int i = 0; i < 10; i++) {
        names[i][0] = 'p';
        names[i][1] = (char)('0' + (i + 1) / 10);
        names[i][2] = (char)('0' + (i + 1) % 10);
        names[i][3] = 0;
        v[i] = (ak_valupdate){N(names[i]), i + 1};
    }
    ak_consensus c;
    ck_assert_int_eq(ak_consensus_genesis(&c, &S, v, 10), 0);
    int counts[10] = {0};
    for (int h = 0; h < 55 * 20; h++) {
        ak_addr p = ak_valset_proposer(&c.cur);
        for (int i = 0; i < 10; i++)
            if (p == v[i].addr)
                counts[i]++;
        ck_assert_int_eq(ak_consensus_commit(&c, NULL, 0), 0);
    }
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(counts[i], 20 * (i + 1));
    ck_assert_int_eq(ak_consensus_check(&c), 0);
    ak_consensus_fini(&c);
}
END_TEST

/* The increment keeps the smallest and largest priority and their sum from one block to the
 * next instead of scanning for them: against the formulas applied from scratch (rescale when
 * max - min > 2 x total, center on the floored average, add powers, pick the largest with ties
 * to the smaller address, take the total off it), 6,000 increments of 12 validators with
 * uneven powers agree on every priority and proposer, including after priorities are pushed
 * far apart by hand every 150 blocks (which makes the next increment rescale) and, in the
 * second half, one pushed low every 7 blocks. */
START_TEST(test_increment_matches_formulas)
{
    enum { NV = 12 };
    char names[NV][8];
    ak_valupdate v[NV];
    for (int i = 0; i < NV; i++) {
        snprintf(names[i], sizeof names[i], "q%02u", (unsigned)i % 100u);
        v[i] = (ak_valupdate){N(names[i]), (int64_t)(i * i * 37 % 101) + 1 + (i == 3) * 5000};
    }
    ak_valset vs;
    ck_assert_int_eq(ak_valset_new(&vs, &S, v, NV), 0);
    int64_t p[NV];
    for (uint32_t i = 0; i < vs.n; i++)
        p[i] = vs.vals[i].priority;
    uint64_t x = 99;
    int rescaled = 0;
    for (int step = 0; step < 6000; step++) {
        if (step % 150 == 75 || (step > 3000 && step % 7 == 3)) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t k = (uint32_t)(x >> 33) % vs.n;
            /* far apart (a rescale), or one priority pushed low, near the edge of the window
             * (the bound the increment keeps on the largest priority may then call for a
             * rescale that the exact spread refuses) */
            if (step % 150 == 75)
                p[k] = (int64_t)((x >> 20) % 100) * vs.total * ((x >> 40) & 1 ? 1 : -1);
            else
                p[k] = -vs.total - (int64_t)((x >> 20) % (uint64_t)vs.total);
            vs.vals[k].priority = p[k];
            ak_valset_priorities_changed(&vs);
        }
        /* the formulas, from scratch */
        int64_t mn = p[0], mx = p[0];
        for (uint32_t i = 1; i < vs.n; i++) {
            mn = p[i] < mn ? p[i] : mn;
            mx = p[i] > mx ? p[i] : mx;
        }
        if (mx - mn > 2 * vs.total) {
            int64_t ratio = (mx - mn + 2 * vs.total - 1) / (2 * vs.total);
            for (uint32_t i = 0; i < vs.n; i++)
                p[i] /= ratio;
            rescaled++;
        }
        int64_t sum = 0;
        for (uint32_t i = 0; i < vs.n; i++)
            sum += p[i];
        int64_t avg = sum / (int64_t)vs.n - (sum % (int64_t)vs.n != 0 && sum < 0);
        uint32_t best = 0;
        for (uint32_t i = 0; i < vs.n; i++) {
            p[i] = p[i] - avg + vs.vals[i].power;
            if (p[i] > p[best] || (p[i] == p[best] && vs.rank[i] < vs.rank[best]))
                best = i;
        }
        p[best] -= vs.total;
        ck_assert_int_eq(ak_valset_increment(&vs, 1), 0);
        ck_assert_int_eq(vs.proposer, (int32_t)best);
        for (uint32_t i = 0; i < vs.n; i++)
            ck_assert_int_eq(vs.vals[i].priority, p[i]);
    }
    ck_assert_int_ge(rescaled, 10);
    ak_valset_fini(&vs);
}
END_TEST

/* A 40-height trace with additions, removals, power changes, re-additions and names that are
 * prefixes of each other, replayed through ak_consensus_commit; proposers per height and the
 * final set are the Python model's (changes passed here in the order the model drew them). */
START_TEST(test_trace_with_updates)
{
    static const struct {
        const char *name;
        int64_t power;
    } init[12] = {
        {"val00", 25}, {"val01", 10}, {"val02", 25}, {"val03", 25}, {"val04", 10}, {"val05", 1},
        {"val06", 25}, {"val07", 3}, {"val08", 25}, {"val09", 1000}, {"val10", 3}, {"val11", 3},
    };
    static const struct {
        int height;
        int n;
        struct {
            const char *name;
            int64_t power;
        } ch[3];
    } sched[] = {
        {2, 2, {{"val00", 500}, {"val14", 5000}}},
        {7, 1, {{"val05", 0}}},
        {8, 1, {{"val09", 50}}},
        {9, 3, {{"val04", 0}, {"val14", 0}, {"val", 500}}},
        {14, 3, {{"val10", 5000}, {"zz", 50}, {"val14", 500}}},
        {24, 2, {{"val00", 5000}, {"val02", 0}}},
        {25, 2, {{"val12", 5000}, {"a", 2}}},
        {31, 1, {{"a", 0}}},
        {38, 3, {{"val11", 0}, {"val02", 2}, {"val1", 1}}},
        {39, 1, {{"val15", 5000}}},
    };
    static const char *const props[40] = {
        "val09", "val09", "val09", "val00", "val14", "val09", "val14", "val14", "val14", "val14",
        "val02", "val00", "val03", "val06", "val", "val10", "val10", "val00", "val10", "val10",
        "val10", "val", "val10", "val10", "val10", "val00", "val10", "val00", "val09", "val10",
        "val12", "val00", "val10", "val12", "val00", "val", "val10", "val12", "val00", "val10",
    };
    static const struct cv final[] = {
        {"val00", 5000, 10154}, {"val10", 5000, 2597}, {"val12", 5000, -7178},
        {"val15", 5000, -17250}, {"val", 500, -3207}, {"val14", 500, 12468},
        {"val09", 50, -7642}, {"zz", 50, 768}, {"val03", 25, 6930}, {"val06", 25, 6930},
        {"val08", 25, 8099}, {"val01", 10, 7596}, {"val07", 3, 7362}, {"val02", 2, -13811},
        {"val1", 1, -13813},
    };
    /* intern in reverse to decouple ids from names */
    for (int i = 11; i >= 0; i--)
        N(init[i].name);
    ak_valupdate v[12];
    for (int i = 0; i < 12; i++)
        v[i] = (ak_valupdate){N(init[i].name), init[i].power};
    ak_consensus c;
    ck_assert_int_eq(ak_consensus_genesis(&c, &S, v, 12), 0);
    size_t si = 0;
    for (int h = 1; h <= 40; h++) {
        ck_assert_int_eq(c.height, h);
        ck_assert_msg(ak_valset_proposer(&c.cur) == N(props[h - 1]), "height %d: %s, want %s", h,
                      NM(ak_valset_proposer(&c.cur)), props[h - 1]);
        ak_valupdate u[3];
        uint32_t n = 0;
        if (si < sizeof sched / sizeof sched[0] && sched[si].height == h) {
            for (int k = 0; k < sched[si].n; k++)
                u[n++] = (ak_valupdate){N(sched[si].ch[k].name), sched[si].ch[k].power};
            si++;
        }
        ck_assert_int_eq(ak_consensus_commit(&c, n ? u : NULL, n), 0);
        ck_assert_int_eq(ak_consensus_check(&c), 0);
    }
    assert_set(&c.cur, final, sizeof final / sizeof final[0]);
    assert_proposer(&c.cur, "val12");
    ak_consensus_fini(&c);
}
END_TEST

/* ---- timeouts and production ---- */

START_TEST(test_timeouts_default)
{
    ak_timeouts t;
    ak_timeouts_default(&t);
    ck_assert_int_eq(t.propose, 3000000);
    ck_assert_int_eq(t.propose_delta, 500000);
    ck_assert_int_eq(t.prevote, 1000000);
    ck_assert_int_eq(t.prevote_delta, 500000);
    ck_assert_int_eq(t.precommit, 1000000);
    ck_assert_int_eq(t.precommit_delta, 500000);
    ck_assert_int_eq(t.commit, 5000000);
    ck_assert_int_eq(t.gossip, 1000000);
}
END_TEST

/* All online: round 0, C proposes, 5 s + 1 s; every flag Commit. */
START_TEST(test_produce_all_online)
{
    ak_consensus c;
    genesis_abc(&c);
    ak_timeouts t;
    ak_timeouts_default(&t);
    bool on[3] = {true, true, true};
    uint8_t flags[3] = {0, 0, 0};
    ak_block_outcome o;
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, &o, flags), 0);
    ck_assert(o.committed);
    ck_assert_int_eq(o.round, 0);
    ck_assert_uint_eq(o.proposer, N("C"));
    ck_assert_int_eq(o.duration_us, 6000000);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(flags[i], AK_FLAG_COMMIT);
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 1, &o, NULL), 0); /* flags optional */
    ck_assert(o.committed);
    ak_consensus_fini(&c);
}
END_TEST

static void genesis_equal(ak_consensus *c, const char *names, int64_t power)
{
    ak_valupdate v[16];
    uint32_t n = (uint32_t)strlen(names);
    for (uint32_t i = 0; i < n; i++) {
        char nm[2] = {names[n - 1 - i], 0}; /* intern in reverse */
        v[i] = (ak_valupdate){N(nm), power};
    }
    ck_assert_int_eq(ak_consensus_genesis(c, &S, v, n), 0);
}

/* W X Y Z power 10 (T 40, quorum 27). W (round 0's proposer) offline, 30 online: round 0 fails
 * after propose(0) 3 s + precommit(0) 1 s; X proposes round 1; 4 + 1 + 5 = 10 s. Flags in index
 * order W X Y Z: Absent, Commit, Commit, Commit. */
START_TEST(test_produce_proposer_offline)
{
    ak_consensus c;
    genesis_equal(&c, "WXYZ", 10);
    assert_proposer(&c.cur, "W");
    ak_timeouts t;
    ak_timeouts_default(&t);
    bool on[4] = {false, true, true, true};
    uint8_t flags[4];
    ak_block_outcome o;
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, &o, flags), 0);
    ck_assert(o.committed);
    ck_assert_int_eq(o.round, 1);
    ck_assert_uint_eq(o.proposer, N("X"));
    ck_assert_int_eq(o.duration_us, 3000000 + 1000000 + 1000000 + 5000000);
    ck_assert_uint_eq(flags[0], AK_FLAG_ABSENT);
    ck_assert_uint_eq(flags[1], AK_FLAG_COMMIT);
    ck_assert_uint_eq(flags[2], AK_FLAG_COMMIT);
    ck_assert_uint_eq(flags[3], AK_FLAG_COMMIT);
    ck_assert_uint_eq(ak_consensus_round_proposer(&c, 1), N("X"));

    /* Z offline instead: W proposes round 0; Z is recorded Absent */
    bool on2[4] = {true, true, true, false};
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on2, 10, &o, flags), 0);
    ck_assert_int_eq(o.round, 0);
    ck_assert_int_eq(o.duration_us, 6000000);
    ck_assert_uint_eq(flags[0], AK_FLAG_COMMIT);
    ck_assert_uint_eq(flags[3], AK_FLAG_ABSENT);

    /* max_rounds 1 with W offline: no block after one failed round of 4 s */
    memset(flags, 0xee, sizeof flags);
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 1, &o, flags), 0);
    ck_assert(!o.committed);
    ck_assert_int_eq(o.round, 1);
    ck_assert_uint_eq(o.proposer, AK_ADDR_NONE);
    ck_assert_int_eq(o.duration_us, 4000000);
    ck_assert_uint_eq(flags[0], 0xee);
    ak_consensus_fini(&c);
}
END_TEST

/* Seven of power 10 (T 70, quorum 47), a and b offline (50 online): rounds 0 (a) and 1 (b)
 * fail: (3 + 1) + (3.5 + 1.5) = 9 s; c proposes round 2; 9 + 1 + 5 = 15 s. */
START_TEST(test_produce_two_proposers_offline)
{
    ak_consensus c;
    genesis_equal(&c, "abcdefg", 10);
    ak_timeouts t;
    ak_timeouts_default(&t);
    bool on[7] = {false, false, true, true, true, true, true};
    ak_block_outcome o;
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, &o, NULL), 0);
    ck_assert(o.committed);
    ck_assert_int_eq(o.round, 2);
    ck_assert_uint_eq(o.proposer, N("c"));
    ck_assert_int_eq(o.duration_us, 15000000);

    /* the deltas are the model's: with propose_delta 2 s and precommit_delta 0 the same height
     * takes (3 + 1) + (5 + 1) + 1 + 5 = 16 s */
    t.propose_delta = 2000000;
    t.precommit_delta = 0;
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, &o, NULL), 0);
    ck_assert_int_eq(o.duration_us, 16000000);
    ak_consensus_fini(&c);
}
END_TEST

/* Weighted: a5 b6 c7 d8 e9 (T 35, quorum 24). Rounds at genesis: e d c b a e d c b (Python
 * model, one increment per round). e offline (26 online): d proposes round 1, 10 s. d and e
 * offline (18 online): halt. */
START_TEST(test_produce_weighted)
{
    ak_valupdate v[5] = {{N("e"), 9}, {N("d"), 8}, {N("c"), 7}, {N("b"), 6}, {N("a"), 5}};
    ak_consensus c;
    ck_assert_int_eq(ak_consensus_genesis(&c, &S, v, 5), 0);
    static const char *const rounds = "edcbaedcb";
    for (int r = 0; r < 9; r++) {
        char nm[2] = {rounds[r], 0};
        ck_assert_uint_eq(ak_consensus_round_proposer(&c, r), N(nm));
    }
    ak_timeouts t;
    ak_timeouts_default(&t);
    bool on[5] = {false, true, true, true, true}; /* index 0 is e */
    ak_block_outcome o;
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, &o, NULL), 0);
    ck_assert(o.committed);
    ck_assert_int_eq(o.round, 1);
    ck_assert_uint_eq(o.proposer, N("d"));
    ck_assert_int_eq(o.duration_us, 10000000);
    bool on2[5] = {false, false, true, true, true};
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on2, 10, &o, NULL), 0);
    ck_assert(!o.committed);
    ak_consensus_fini(&c);
}
END_TEST

/* Powers 1, 1, 1 with one offline: online 2 = exactly 2/3 of 3, below quorum 3: no block,
 * flags untouched. */
START_TEST(test_produce_exactly_two_thirds_halts)
{
    ak_consensus c;
    genesis_equal(&c, "ABC", 1);
    ak_timeouts t;
    ak_timeouts_default(&t);
    for (int off = 0; off < 3; off++) {
        bool on[3] = {true, true, true};
        on[off] = false;
        uint8_t flags[3] = {0xee, 0xee, 0xee};
        ak_block_outcome o;
        ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 100, &o, flags), 0);
        ck_assert(!o.committed);
        ck_assert_int_eq(o.round, 0);
        ck_assert_uint_eq(o.proposer, AK_ADDR_NONE);
        ck_assert_int_eq(o.duration_us, 0);
        ck_assert_uint_eq(flags[0], 0xee);
        ck_assert_uint_eq(flags[1], 0xee);
        ck_assert_uint_eq(flags[2], 0xee);
    }
    ak_consensus_fini(&c);
}
END_TEST

/* Quorum exactly: A3 B3 C4 (T 10, quorum 7). A offline: 7 online -> block (C proposes round 0:
 * genesis +power (3, 3, 4) picks C). C offline: 6 online -> halt. */
START_TEST(test_produce_quorum_boundary)
{
    ak_valupdate v[3] = {{N("C"), 4}, {N("B"), 3}, {N("A"), 3}};
    ak_consensus c;
    ck_assert_int_eq(ak_consensus_genesis(&c, &S, v, 3), 0);
    ck_assert_uint_eq(c.cur.vals[0].addr, N("C"));
    ck_assert_uint_eq(c.cur.vals[1].addr, N("A"));
    ak_timeouts t;
    ak_timeouts_default(&t);
    ak_block_outcome o;
    uint8_t flags[3];
    bool a_off[3] = {true, false, true}; /* index order C, A, B */
    ck_assert_int_eq(ak_consensus_produce(&c, &t, a_off, 10, &o, flags), 0);
    ck_assert(o.committed);
    ck_assert_uint_eq(o.proposer, N("C"));
    ck_assert_uint_eq(flags[0], AK_FLAG_COMMIT);
    ck_assert_uint_eq(flags[1], AK_FLAG_ABSENT);
    ck_assert_uint_eq(flags[2], AK_FLAG_COMMIT);
    bool c_off[3] = {false, true, true};
    ck_assert_int_eq(ak_consensus_produce(&c, &t, c_off, 10, &o, flags), 0);
    ck_assert(!o.committed);
    ak_consensus_fini(&c);
}
END_TEST

START_TEST(test_produce_errors)
{
    ak_consensus c;
    genesis_equal(&c, "WXYZ", 10);
    ak_timeouts t;
    ak_timeouts_default(&t);
    bool on[4] = {false, true, true, true};
    ak_block_outcome o = {false, -7, AK_ADDR_NONE, -7};
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 0, &o, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_consensus_produce(&c, &t, NULL, 10, &o, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_consensus_produce(&c, NULL, on, 10, &o, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, NULL, NULL), AK_EINVAL);
    t.prevote = -1;
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, &o, NULL), AK_EINVAL);
    ak_timeouts_default(&t);
    t.propose_delta = INT64_MAX; /* round 1 is reached but only round 0 fails: fine */
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, &o, NULL), 0);
    ck_assert_int_eq(o.round, 1);
    bool on2[4] = {false, false, true, true}; /* halts: 20 < 27, no timeouts computed */
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on2, 10, &o, NULL), 0);
    ck_assert(!o.committed);
    ak_timeouts_default(&t);
    t.commit = INT64_MAX;
    o = (ak_block_outcome){false, -7, AK_ADDR_NONE, -7};
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, &o, NULL), AK_EOVERFLOW);
    ck_assert_int_eq(o.round, -7); /* untouched on error */
    ak_consensus empty;
    memset(&empty, 0, sizeof empty);
    ak_timeouts_default(&t);
    ck_assert_int_eq(ak_consensus_produce(&empty, &t, on, 10, &o, NULL), AK_EINVAL);
    ck_assert_int_eq(ak_consensus_commit(&empty, NULL, 0), AK_EINVAL);
    ck_assert_uint_eq(ak_consensus_round_proposer(&empty, 0), AK_ADDR_NONE);
    ak_consensus_fini(&c);
}
END_TEST

/* More than 256 validators: round copies take the heap path. 300 of power 1, round r's
 * proposer is the r-th in address order (equal powers: round robin, as W X Y Z). */
START_TEST(test_large_set_rounds)
{
    enum { NV = 300 };
    ak_valupdate *v = calloc(NV, sizeof *v);
    bool *on = calloc(NV, sizeof *on);
    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_nonnull(on);
    char nm[16];
    for (int i = NV - 1; i >= 0; i--) {
        snprintf(nm, sizeof nm, "v%03d", i);
        v[i] = (ak_valupdate){N(nm), 1};
    }
    ak_consensus c;
    ck_assert_int_eq(ak_consensus_genesis(&c, &S, v, NV), 0);
    ck_assert_uint_eq(ak_consensus_round_proposer(&c, 0), N("v000"));
    ck_assert_uint_eq(ak_consensus_round_proposer(&c, 7), N("v007"));
    for (int i = 0; i < NV; i++)
        on[i] = i >= 5;
    ak_timeouts t;
    ak_timeouts_default(&t);
    ak_block_outcome o;
    ck_assert_int_eq(ak_consensus_produce(&c, &t, on, 10, &o, NULL), 0);
    ck_assert_int_eq(o.round, 5);
    ck_assert_uint_eq(o.proposer, N("v005"));
    /* failed rounds 0..4: propose 3 + 3.5 + 4 + 4.5 + 5 = 20 s, precommit 1 + ... + 3 = 10 s */
    ck_assert_int_eq(o.duration_us, 30000000 + 6000000);
    ck_assert_int_eq(ak_consensus_commit(&c, NULL, 0), 0);
    ck_assert_uint_eq(ak_valset_proposer(&c.cur), N("v001"));
    ak_consensus_fini(&c);
    free(v);
    free(on);
}
END_TEST

static Suite *consensus_suite(void)
{
    Suite *s = suite_create("consensus");
    TCase *tc = tcase_create("spec");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_spec_8_1_sequence);
    tcase_add_test(tc, test_spec_8_1_genesis_sets);
    tcase_add_test(tc, test_spec_8_1_rounds);
    tcase_add_test(tc, test_spec_8_1_equal_round_robin);
    tcase_add_test(tc, test_spec_8_2_new_validator);
    tcase_add_test(tc, test_spec_8_2_rescale);
    tcase_add_test(tc, test_spec_8_2_center_negative);
    tcase_add_test(tc, test_spec_8_2_truncating_rescale);
    tcase_add_test(tc, test_spec_8_3_quorum);
    suite_add_tcase(s, tc);

    tc = tcase_create("updates");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_update_takes_effect_two_heights_later);
    tcase_add_test(tc, test_removal_takes_effect_two_heights_later);
    tcase_add_test(tc, test_update_power_change_keeps_priority);
    tcase_add_test(tc, test_update_removal_rescales);
    tcase_add_test(tc, test_update_tvp_before_removals);
    tcase_add_test(tc, test_update_replace_all);
    tcase_add_test(tc, test_update_errors);
    tcase_add_test(tc, test_commit_error_changes_nothing);
    tcase_add_test(tc, test_index_address_order);
    tcase_add_test(tc, test_copy_is_independent);
    tcase_add_test(tc, test_weighted_fairness);
    tcase_add_test(tc, test_increment_matches_formulas);
    tcase_add_test(tc, test_trace_with_updates);
    suite_add_tcase(s, tc);

    tc = tcase_create("production");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_timeouts_default);
    tcase_add_test(tc, test_produce_all_online);
    tcase_add_test(tc, test_produce_proposer_offline);
    tcase_add_test(tc, test_produce_two_proposers_offline);
    tcase_add_test(tc, test_produce_weighted);
    tcase_add_test(tc, test_produce_exactly_two_thirds_halts);
    tcase_add_test(tc, test_produce_quorum_boundary);
    tcase_add_test(tc, test_produce_errors);
    tcase_add_test(tc, test_large_set_rounds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(consensus_suite());
}
