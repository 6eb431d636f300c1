/*
 * tests/test_slashing.c: signing info, the missed-block bitmap, downtime jailing, double-sign
 * evidence and MsgUnjail (chain-rules.md sections 1.7, 1.8 and 3; worked examples 8.4 and 8.5),
 * driven through the app: genesis validators, blocks with LastCommit absences and evidence,
 * messages.
 *
 * Expected numbers were derived by hand from the rules and checked against a Python model of
 * the SDK's HandleValidatorSignature and LegacyDec (not from this code's output). Common
 * assumptions: genesis validators bond at genesis (StartHeight 0); height 1 has an empty
 * LastCommit, so the vote processed at height h uses IndexOffset h - 2 for a validator that
 * was never jailed; header time of h = genesis + (h - 1) x 6 s.
 */
#include <stdlib.h>

#include <string.h>

#include "check_run.h"
#include "app_int.h"
#include "chainfx.h"

/* Default params with the slashing window (W, min signed), downtime jail duration and
 * fractions given, and minting off (inflation held at 0), so that the supply moves only by
 * slashing burns. */
static ak_params slash_params(int64_t window, const char *min_signed, int64_t jail,
                              const char *downtime, const char *double_sign)
{
    fx tmp;
    fx_init(&tmp);
    ak_params p = *ak_app_params(tmp.app);
    fx_fini(&tmp);
    p.slashing.signed_blocks_window = window;
    p.slashing.min_signed_per_window = fx_dec(min_signed);
    p.slashing.downtime_jail_duration = jail;
    p.slashing.slash_fraction_downtime = fx_dec(downtime);
    p.slashing.slash_fraction_double_sign = fx_dec(double_sign);
    p.mint.inflation_min = ak_dec_zero();
    p.mint.inflation_max = ak_dec_zero();
    return p;
}

static void set_params(fx *f, const ak_params *p)
{
    char why[200];
    ck_assert_msg(ak_app_set_params(f->app, p, why, sizeof why) == 0, "%s", why);
}

static const ak_signing_info *sinfo(fx *f, ak_addr a)
{
    const ak_signing_info *si = ak_slashing_info(f->app, a);
    ck_assert_ptr_nonnull(si);
    return si;
}

static void check_all(fx *f)
{
    char err[256];
    ck_assert_msg(ak_slashing_check(f->app, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(ak_app_check(f->app, err, sizeof err) == 0, "%s", err);
}

static ak_unix time_of(ak_height h)
{
    return CFX_GENESIS_TIME + (h - 1) * 6;
}

static ak_amount supply(fx *f)
{
    return ak_bank_supply_of(ak_app_bank(f->app), f->uakt);
}

static bool in_last_commit(fx *f, ak_addr a)
{
    uint32_t n;
    const ak_vote_info *v = ak_app_last_commit(f->app, &n);
    for (uint32_t i = 0; i < n; i++)
        if (v[i].addr == a)
            return true;
    return false;
}

/* Three big validators (10 M AKT each) and d, whose power is given in uakt. */
static ak_addr four_validators(fx *f, ak_amount d_tokens)
{
    cfx_validator(f, "a", 10000000000000, "0.05");
    cfx_validator(f, "b", 10000000000000, "0.05");
    cfx_validator(f, "c", 10000000000000, "0.05");
    return cfx_validator(f, "d", d_tokens, "0.05");
}

/* ---- signing info ---- */

/* AfterValidatorBonded at genesis: StartHeight 0, nothing missed, not jailed, not tombstoned.
 * Height 1 has no LastCommit; from height 2 every block advances IndexOffset by one. */
START_TEST(signing_info_created_at_genesis)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr d = four_validators(&f, 1000000000000);
    ck_assert_ptr_null(ak_slashing_info(f.app, d));
    cfx_at(&f, 1);
    const ak_signing_info *si = sinfo(&f, d);
    ck_assert_int_eq(si->start_height, 0);
    ck_assert_int_eq(si->index_offset, 0);
    ck_assert_int_eq(si->missed, 0);
    ck_assert_int_eq(si->jailed_until, 0);
    ck_assert(!si->tombstoned);
    cfx_at(&f, 10);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 9);
    ck_assert_int_eq(sinfo(&f, d)->missed, 0);
    ck_assert_uint_eq(sinfo(&f, d)->bitmap_words, 0); /* never missed: no bitmap */
    ck_assert_ptr_null(ak_slashing_info(f.app, fx_s(&f, "nobody")));
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* minSigned = RoundInt64(min_signed_per_window x W), banker's rounding (8.4): 0.05 x 10 000 =
 * 500, 0.05 x 30 000 = 1 500, 0.5 x 100 = 50, 0.025 x 100 = 2.5 -> 2, 0.005 x 100 = 0.5 -> 0,
 * 0.015 x 100 = 1.5 -> 2. Read from the keeper's cached maxMissed = W - minSigned. */
START_TEST(min_signed_rounding)
{
    static const struct {
        int64_t w;
        const char *min;
        int64_t max_missed;
    } cases[] = {{10000, "0.05", 9500}, {30000, "0.05", 28500}, {100, "0.5", 50},
                 {100, "0.025", 98},    {100, "0.005", 100},   {100, "0.015", 98}};
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    four_validators(&f, 1000000000000);
    cfx_at(&f, 2);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        p.slashing.signed_blocks_window = cases[i].w;
        p.slashing.min_signed_per_window = fx_dec(cases[i].min);
        set_params(&f, &p);
        cfx_at(&f, 3 + (ak_height)i);
        ck_assert_msg(f.app->slashing.max_missed == cases[i].max_missed, "W %lld min %s: %lld",
                      (long long)cases[i].w, cases[i].min, (long long)f.app->slashing.max_missed);
    }
    fx_fini(&f);
}
END_TEST

/* Banker's rounding decides jailing: with min 0.025 (minSigned 2, maxMissed 98) 98 misses in
 * the first window never jail; with half-up rounding (3, 97) they would. With min 0.005
 * (minSigned 0, maxMissed 100) even 100 misses out of 100 never jail. */
START_TEST(banker_rounding_decides_jail)
{
    static const struct {
        const char *min;
        int misses;
        bool jailed;
    } cases[] = {{"0.025", 98, false}, {"0.025", 99, true}, {"0.005", 100, false}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ak_params p = slash_params(100, cases[i].min, 600, "0.01", "0.05");
        fx f;
        cfx_init_params(&f, &p);
        ak_addr d = four_validators(&f, 1000000000000);
        cfx_at(&f, 1);
        /* absent at heights 2 .. 1 + misses: IndexOffsets 0 .. misses - 1 */
        cfx_at_absent(&f, 1 + cases[i].misses, &d, 1);
        cfx_at(&f, 160);
        ck_assert_msg(cfx_val(&f, d)->jailed == cases[i].jailed, "min %s, %d misses",
                      cases[i].min, cases[i].misses);
        fx_fini(&f);
    }
}
END_TEST

/* ---- downtime (8.4) ---- */

/* W = 100, min 0.5 (maxMissed 50), StartHeight 0, d absent from height 200 on: the counter is
 * h - 199 after height h; first > 50 at h = 250 > 0 + 100: jailed at BeginBlock(250), slashed
 * with the vote's power (1 000 000) at 0.0001: TruncateInt(10^12 x 0.0001) = 10^8 uakt,
 * JailedUntil = time(250) + 600, counter and offset reset. d holds 1 000 000 500 000 uakt
 * (power 1 000 000), so the slash event fraction is QuoRoundUp(10^8, 1 000 000 500 000) =
 * 0.000099999950000025. It still appears, jailed and skipped, in the LastCommits of 251 and
 * 252; the power-0 update of EndBlock(250) removes it from 253's. */
START_TEST(e84_small_window_jail)
{
    ak_params p = slash_params(100, "0.5", 600, "0.0001", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr d = four_validators(&f, 1000000500000);
    cfx_at(&f, 199);
    ck_assert_int_eq(sinfo(&f, d)->missed, 0);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 198);
    for (ak_height h = 200; h <= 249; h++) {
        cfx_at_absent(&f, h, &d, 1);
        ck_assert_int_eq(sinfo(&f, d)->missed, h - 199);
        ck_assert_int_eq(sinfo(&f, d)->index_offset, h - 1);
        ck_assert(!cfx_val(&f, d)->jailed);
    }
    check_all(&f);
    ak_amount s0 = supply(&f), bonded0 = cfx_pool(&f, AK_MODULE_BONDED_POOL);
    cfx_at_absent(&f, 250, &d, 1);
    const ak_validator *v = cfx_val(&f, d);
    ck_assert(v->jailed);
    ck_assert_int_eq(v->tokens, 1000000500000 - 100000000);
    ck_assert_int_eq(supply(&f), s0 - 100000000);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_BONDED_POOL), bonded0 - 100000000);
    const ak_signing_info *si = sinfo(&f, d);
    ck_assert_int_eq(si->jailed_until, time_of(250) + 600);
    ck_assert_int_eq(ak_app_time(f.app), time_of(250));
    ck_assert_int_eq(si->missed, 0);
    ck_assert_int_eq(si->index_offset, 0);
    ck_assert_int_eq(si->start_height, 0);
    ck_assert(!si->tombstoned);
    check_all(&f);

    /* the slash event recorded for distribution holds the effective fraction */
    const ak_distribution *dist = ak_app_distribution(f.app);
    uint32_t vh = ak_staking_find_val(f.app, d);
    const ak_val_dist *vd = ak_pool_at(&dist->vals, vh);
    ck_assert_uint_ne(vd->slash_events, AK_POOL_NONE);
    const ak_slash_event *ev = ak_pool_at(&dist->events, vd->slash_events);
    ck_assert(ak_dec_cmp(ev->fraction, fx_dec("0.000099999950000025")) == 0);

    /* jailed: skipped in 251 and 252, gone from 253's LastCommit */
    cfx_at_absent(&f, 251, &d, 1);
    ck_assert(in_last_commit(&f, d));
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 0);
    ck_assert_uint_eq(cfx_val(&f, d)->status, AK_BOND_UNBONDING);
    cfx_at_absent(&f, 252, &d, 1);
    ck_assert(in_last_commit(&f, d));
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 0);
    ck_assert_int_eq(sinfo(&f, d)->missed, 0);
    cfx_at_absent(&f, 253, &d, 1);
    ck_assert(!in_last_commit(&f, d));
    ck_assert_int_eq(cfx_val(&f, d)->tokens, 1000000500000 - 100000000); /* slashed once */
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* Grace period: W = 100, StartHeight 0, d absent from height 20: counter 51 at 70 but
 * 70 <= 100, no jail; 81 at 100, still no jail; jailed at 101 (counter 82 > 50). */
START_TEST(e84_grace_period)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr d = four_validators(&f, 1000000000000);
    cfx_at(&f, 19);
    cfx_at_absent(&f, 70, &d, 1);
    ck_assert_int_eq(sinfo(&f, d)->missed, 51);
    ck_assert(!cfx_val(&f, d)->jailed);
    cfx_at_absent(&f, 100, &d, 1);
    ck_assert_int_eq(sinfo(&f, d)->missed, 81);
    ck_assert(!cfx_val(&f, d)->jailed);
    cfx_at_absent(&f, 101, &d, 1);
    ck_assert(cfx_val(&f, d)->jailed);
    ck_assert_int_eq(sinfo(&f, d)->missed, 0);
    /* 0.01 of the vote's power 1 000 000 AKT */
    ck_assert_int_eq(cfx_val(&f, d)->tokens, 1000000000000 - 10000000000);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* Akash genesis params (W = 10 000, min 0.05, maxMissed 9 500): a validator that stops signing
 * is jailed after 9 501 consecutive absent blocks provided it has been bonded more than 10 000
 * blocks. Absent from 600: 9 500 misses at 10 099, jailed at 10 100. Absent from 2: 9 501 misses
 * already at 9 502, but jailed only at 10 001 (= 0 + 10 000 + 1). */
START_TEST(e84_akash_params)
{
    ak_params p = slash_params(10000, "0.05", 600, "0.0001", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr d = four_validators(&f, 1000000000000);
    cfx_at(&f, 599);
    cfx_at_absent(&f, 10099, &d, 1);
    ck_assert_int_eq(sinfo(&f, d)->missed, 9500);
    ck_assert(!cfx_val(&f, d)->jailed);
    cfx_at_absent(&f, 10100, &d, 1);
    ck_assert(cfx_val(&f, d)->jailed);
    ck_assert_int_eq(cfx_val(&f, d)->tokens, 1000000000000 - 100000000);
    check_all(&f);
    fx_fini(&f);

    cfx_init_params(&f, &p);
    d = four_validators(&f, 1000000000000);
    cfx_at(&f, 1);
    cfx_at_absent(&f, 9502, &d, 1);
    ck_assert_int_eq(sinfo(&f, d)->missed, 9501);
    cfx_at_absent(&f, 10000, &d, 1);
    ck_assert_int_eq(sinfo(&f, d)->missed, 9999);
    ck_assert(!cfx_val(&f, d)->jailed);
    cfx_at_absent(&f, 10001, &d, 1);
    ck_assert(cfx_val(&f, d)->jailed);
    fx_fini(&f);
}
END_TEST

/* Signing over a set bit clears it: W = 100, absent at 2 .. 41 (bits 0 .. 39, counter 40),
 * signing after: the counter stays 40 until the offsets come round, then drops one per block
 * (offset 100 at height 102 reuses bit 0). */
START_TEST(bitmap_bits_clear_when_signed)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr d = four_validators(&f, 1000000000000);
    cfx_at(&f, 1);
    cfx_at_absent(&f, 41, &d, 1);
    ck_assert_int_eq(sinfo(&f, d)->missed, 40);
    ck_assert(ak_signing_info_missed_at(sinfo(&f, d), 0));
    ck_assert(ak_signing_info_missed_at(sinfo(&f, d), 39));
    ck_assert(!ak_signing_info_missed_at(sinfo(&f, d), 40));
    ck_assert_uint_eq(sinfo(&f, d)->bitmap_words, 2); /* sized to W = 100 bits */
    cfx_at(&f, 101);
    ck_assert_int_eq(sinfo(&f, d)->missed, 40);
    cfx_at(&f, 102);
    ck_assert_int_eq(sinfo(&f, d)->missed, 39);
    ck_assert(!ak_signing_info_missed_at(sinfo(&f, d), 0));
    cfx_at(&f, 141);
    ck_assert_int_eq(sinfo(&f, d)->missed, 0);
    ck_assert(!cfx_val(&f, d)->jailed); /* 40 <= 50 all along */
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* Only Absent is missed: a nil precommit counts as signed (1.7). The app's blocks carry only
 * Commit and Absent, so this drives the keeper directly on the current block's LastCommit
 * (a white-box step: it processes the block's votes a second time). */
START_TEST(nil_counts_as_signed)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr d = four_validators(&f, 1000000000000);
    cfx_at(&f, 5);
    ak_app *app = f.app;
    uint32_t i = 0;
    while (app->votes[i].addr != d)
        i++;
    int64_t off = sinfo(&f, d)->index_offset;
    app->votes[i].flag = AK_FLAG_NIL;
    ak_app_votes_changed(app);
    ck_assert_int_eq(ak_slashing_begin_block(app), 0);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, off + 1);
    ck_assert_int_eq(sinfo(&f, d)->missed, 0);
    app->votes[i].flag = AK_FLAG_ABSENT;
    ak_app_votes_changed(app);
    ck_assert_int_eq(ak_slashing_begin_block(app), 0);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, off + 2);
    ck_assert_int_eq(sinfo(&f, d)->missed, 1);
    ck_assert(ak_signing_info_missed_at(sinfo(&f, d), off + 1));
    app->votes[i].flag = AK_FLAG_COMMIT;
    ak_app_votes_changed(app);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* A window shortened by governance does not reset the bitmap: offsets are taken mod the new W.
 * W = 100, absent at 2 .. 41 (bits 0 .. 39, counter 40); from BeginBlock(72) W = 60 (min 0.05,
 * maxMissed 57). At 72 offset 70 -> bit 70 mod 60 = 10: cleared, counter 39 (with W = 100 bit
 * 70 is clear and the counter would stay 40 until 102); bits 10 .. 39 are cleared by 101
 * (counter 10); offsets 100 .. 119 map to the clear bits 40 .. 59; offset 120 comes back to
 * bit 0 at 122 (9), and bit 9 at 131 (0). Never jailed (40 <= 57). */
START_TEST(window_shrink_keeps_bitmap)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr d = four_validators(&f, 1000000000000);
    cfx_at(&f, 1);
    cfx_at_absent(&f, 41, &d, 1);
    cfx_at(&f, 71);
    ck_assert_int_eq(sinfo(&f, d)->missed, 40);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 70);
    p.slashing.signed_blocks_window = 60;
    p.slashing.min_signed_per_window = fx_dec("0.05");
    set_params(&f, &p);
    cfx_at(&f, 72);
    ck_assert_int_eq(sinfo(&f, d)->missed, 39);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 71);
    ck_assert(!ak_signing_info_missed_at(sinfo(&f, d), 10));
    cfx_at(&f, 73);
    ck_assert_int_eq(sinfo(&f, d)->missed, 38);
    cfx_at(&f, 101);
    ck_assert_int_eq(sinfo(&f, d)->missed, 10);
    cfx_at(&f, 121);
    ck_assert_int_eq(sinfo(&f, d)->missed, 10);
    cfx_at(&f, 122);
    ck_assert_int_eq(sinfo(&f, d)->missed, 9);
    ck_assert(!ak_signing_info_missed_at(sinfo(&f, d), 0));
    cfx_at(&f, 131);
    ck_assert_int_eq(sinfo(&f, d)->missed, 0);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 130);
    ck_assert(!cfx_val(&f, d)->jailed);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* A window lengthened by governance: W = 100 -> 200 from BeginBlock(60). Bits 0 .. 39 are set;
 * offset 100 at 102 now maps to bit 100 (clear), so the counter stays 40; a miss at 150 (offset
 * 148) sets bit 148, growing the bitmap to 200 bits (4 words), counter 41; offset 200 at 202
 * comes back to bit 0: 40; bits 0 .. 39 are cleared by 241 (counter 1: bit 148 remains). */
START_TEST(window_growth_grows_bitmap)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr d = four_validators(&f, 1000000000000);
    cfx_at(&f, 1);
    cfx_at_absent(&f, 41, &d, 1);
    cfx_at(&f, 59);
    p.slashing.signed_blocks_window = 200;
    set_params(&f, &p);
    cfx_at(&f, 102);
    ck_assert_int_eq(sinfo(&f, d)->missed, 40);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 101);
    ck_assert_uint_eq(sinfo(&f, d)->bitmap_words, 2);
    cfx_at(&f, 149);
    cfx_at_absent(&f, 150, &d, 1);
    ck_assert_int_eq(sinfo(&f, d)->missed, 41);
    ck_assert_uint_eq(sinfo(&f, d)->bitmap_words, 4);
    ck_assert(ak_signing_info_missed_at(sinfo(&f, d), 148));
    ck_assert(ak_signing_info_missed_at(sinfo(&f, d), 39)); /* kept across the growth */
    cfx_at(&f, 201);
    ck_assert_int_eq(sinfo(&f, d)->missed, 41);
    cfx_at(&f, 202);
    ck_assert_int_eq(sinfo(&f, d)->missed, 40);
    cfx_at(&f, 203);
    ck_assert_int_eq(sinfo(&f, d)->missed, 39);
    cfx_at(&f, 241);
    ck_assert_int_eq(sinfo(&f, d)->missed, 1);
    cfx_at(&f, 243);
    ck_assert_int_eq(sinfo(&f, d)->missed, 1);
    ck_assert(!cfx_val(&f, d)->jailed);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* A LastCommit that changes membership between blocks (a validator joins) is resolved afresh:
 * the newcomer's votes are counted from its first LastCommit, the others' unaffected. */
START_TEST(last_commit_membership_change)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr d = four_validators(&f, 1000000000000);
    ak_addr e = fx_s(&f, "e");
    ck_assert_int_eq(ak_app_genesis_balance(f.app, e, (ak_coin){f.uakt, 2000000000000}), 0);
    cfx_at(&f, 10);
    /* e joins: created at 10, bonded at EndBlock(10) (StartHeight 10), in the set from 12, in
     * the LastCommit from 13 */
    ak_msg m = cfx_create_validator_msg(&f, e, 2000000000000, "0.05");
    fx_ok(&f, &m);
    cfx_at(&f, 12);
    ck_assert(!in_last_commit(&f, e));
    ck_assert_int_eq(sinfo(&f, e)->start_height, 10);
    ck_assert_int_eq(sinfo(&f, e)->index_offset, 0);
    cfx_at_absent(&f, 13, &e, 1);
    ck_assert(in_last_commit(&f, e));
    ck_assert_int_eq(sinfo(&f, e)->index_offset, 1);
    ck_assert_int_eq(sinfo(&f, e)->missed, 1);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 12);
    cfx_at(&f, 20);
    ck_assert_int_eq(sinfo(&f, e)->index_offset, 8);
    ck_assert_int_eq(sinfo(&f, e)->missed, 1);
    ck_assert_int_eq(sinfo(&f, d)->index_offset, 19);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* The downtime slash reaches back to distributionHeight = H - 2 (ValidatorUpdateDelay + the
 * LastCommit): W = 10, min 0.5, fraction 0.01; v has 10^9 self, 10^8 from carol and 10^8 from
 * bob (1.2 x 10^9, power 1 200). bob unbonds all at 8, carol 5 x 10^7 at 9; v, absent from 2,
 * is jailed at 11 (counter 10 > 5, 11 > 10), infraction height 9. The vote's power is that of
 * the set of 10, which has bob's unbonding (EndBlock(8)) but not carol's: 1 100. Slash amount
 * TruncateInt(1 100 x 10^6 x 0.01) = 11 000 000; carol's entry (created 9 >= 9) loses
 * 0.01 x 5 x 10^7 = 500 000; bob's (created 8 < 9) nothing; v burns the other 10 500 000 of its
 * 1.05 x 10^9. */
START_TEST(downtime_distribution_height)
{
    ak_params p = slash_params(10, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000, "0.05");
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    cfx_delegation(&f, f.carol, v, 100000000);
    cfx_delegation(&f, f.bob, v, 100000000);
    cfx_at(&f, 1);
    cfx_at_absent(&f, 8, &v, 1);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.bob, v, 100000000);
    fx_ok(&f, &m);
    cfx_at_absent(&f, 9, &v, 1);
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.carol, v, 50000000);
    fx_ok(&f, &m);
    cfx_at_absent(&f, 10, &v, 1);
    ck_assert(!cfx_val(&f, v)->jailed);
    ak_amount s0 = supply(&f), nb0 = cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL);
    cfx_at_absent(&f, 11, &v, 1);
    ck_assert(cfx_val(&f, v)->jailed);
    uint32_t n;
    const ak_vote_info *votes = ak_app_last_commit(f.app, &n);
    for (uint32_t i = 0; i < n; i++)
        if (votes[i].addr == v)
            ck_assert_int_eq(votes[i].power, 1100);
    ck_assert_int_eq(supply(&f), s0 - 11000000);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL), nb0 - 500000);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 1050000000 - 10500000);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* ---- double sign (8.5, 1.8, 3.4) ---- */

/* 8.5: v has power 1 000 (10^9 uakt: 8 x 10^8 self, 2 x 10^8 from carol) and signs twice at
 * 1 000; carol unbonds her 2 x 10^8 at 1 005; the evidence is processed at 1 010 with fraction
 * 0.05. slashAmount = 5 x 10^7; the entry (created 1 005 >= distribution height 999) loses
 * 0.05 x 2 x 10^8 = 10^7; v (8 x 10^8) burns the remaining 4 x 10^7 -> 7.6 x 10^8; 5 x 10^7
 * burned in all. Jailed until 9999-12-31T23:59:59Z, tombstoned. */
START_TEST(e85_double_sign)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000000, "0.05");
    ak_addr v = cfx_validator(&f, "v", 800000000, "0.05");
    cfx_delegation(&f, f.carol, v, 200000000);
    cfx_at(&f, 1000);
    ck_assert_int_eq(ak_app_end_block(f.app), 0); /* evidence of 1000 goes into a later block */
    f.in_block = false;
    ak_evidence ev;
    ck_assert_int_eq(ak_app_evidence_previous(f.app, v, &ev), 0);
    ck_assert_int_eq(ev.height, 1000);
    ck_assert_int_eq(ev.time, time_of(1000));
    ck_assert_int_eq(ev.power, 1000);
    cfx_at(&f, 1005);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.carol, v, 200000000);
    fx_ok(&f, &m);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 800000000);
    cfx_at(&f, 1009);
    ak_amount s0 = supply(&f), nb0 = cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ak_block_info info = {0, NULL, 0, &ev, 1};
    ck_assert_int_eq(ak_app_begin_block_with(f.app, 1010, &info), 0);
    ck_assert_int_eq(supply(&f), s0 - 50000000);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL), nb0 - 10000000);
    const ak_validator *vv = cfx_val(&f, v);
    ck_assert_int_eq(vv->tokens, 760000000);
    ck_assert(vv->jailed);
    const ak_ubd *u = ak_pool_at(&ak_app_staking(f.app)->ubds,
                                 ak_map_get(&ak_app_staking(f.app)->ubd_index,
                                            ak_key2(f.carol, ak_staking_find_val(f.app, v))));
    const ak_ubd_entry *e = ak_pool_at(&ak_app_staking(f.app)->ubd_entries, u->entries);
    ck_assert_int_eq(e->creation_height, 1005);
    ck_assert_int_eq(e->initial_balance, 200000000);
    ck_assert_int_eq(e->balance, 190000000);
    const ak_signing_info *si = sinfo(&f, v);
    ck_assert(si->tombstoned);
    ck_assert_int_eq(si->jailed_until, 253402300799);
    ck_assert_int_eq(AK_DOUBLE_SIGN_JAIL_END, 253402300799);
    check_all(&f);

    /* the same evidence again: already tombstoned, ignored */
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ck_assert_int_eq(ak_app_begin_block_with(f.app, 1011, &info), 0);
    f.in_block = true;
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 760000000);
    ck_assert_int_eq(supply(&f), s0 - 50000000);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* Double sign: distributionHeight = infraction height - 1. v (10^9 self, 10^8 each from carol
 * and bob) signs twice at 1 000; bob unbonds all at 998, carol all at 999; evidence claiming
 * power 1 200 is processed at 1 005 (fraction 0.05): slash amount 6 x 10^7; carol's entry
 * (999 >= 999) loses 5 x 10^6, bob's (998) nothing; v burns 5.5 x 10^7 of its 10^9. */
START_TEST(double_sign_distribution_height)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000, "0.05");
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    cfx_delegation(&f, f.carol, v, 100000000);
    cfx_delegation(&f, f.bob, v, 100000000);
    cfx_at(&f, 998);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.bob, v, 100000000);
    fx_ok(&f, &m);
    cfx_at(&f, 999);
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, f.carol, v, 100000000);
    fx_ok(&f, &m);
    cfx_at(&f, 1004);
    ak_amount s0 = supply(&f), nb0 = cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ak_evidence ev = {v, 1000, time_of(1000), 1200, 11200};
    ak_block_info info = {0, NULL, 0, &ev, 1};
    ck_assert_int_eq(ak_app_begin_block_with(f.app, 1005, &info), 0);
    ck_assert_int_eq(supply(&f), s0 - 60000000);
    ck_assert_int_eq(cfx_pool(&f, AK_MODULE_NOT_BONDED_POOL), nb0 - 5000000);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 1000000000 - 55000000);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* The slash uses the evidence's power, not today's tokens: power 500 claimed for a validator of
 * 10^9 uakt burns 0.05 x 5 x 10^8 = 2.5 x 10^7. */
START_TEST(double_sign_uses_evidence_power)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000000, "0.05");
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    cfx_at(&f, 19);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ak_evidence ev = {v, 15, time_of(15), 500, 10001000};
    ak_block_info info = {0, NULL, 0, &ev, 1};
    ck_assert_int_eq(ak_app_begin_block_with(f.app, 20, &info), 0);
    f.in_block = true;
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 1000000000 - 25000000);
    ck_assert(cfx_val(&f, v)->jailed);
    ck_assert(sinfo(&f, v)->tombstoned);
    fx_fini(&f);
}
END_TEST

/* Evidence age (1.8): too old only if BOTH the block age exceeds max_age_num_blocks AND the time
 * age exceeds max_age_duration, strictly. Limits 100 blocks and 600 s; processed at H = 1 000,
 * T = time(1 000):
 *   x: 101 blocks old, 600 s old   -> processed (time age not > 600)
 *   y: 100 blocks old, 601 s old   -> processed (block age not > 100)
 *   z: 101 blocks old, 601 s old   -> ignored
 *   w: 100 blocks old, 600 s old   -> processed
 * Each processed one loses 0.05 x 10^9 (power 1 000). */
START_TEST(evidence_age_needs_both)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    p.consensus.evidence_max_age_num_blocks = 100;
    p.consensus.evidence_max_age_duration = 600;
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000000, "0.05");
    ak_addr x = cfx_validator(&f, "x", 1000000000, "0.05");
    ak_addr y = cfx_validator(&f, "y", 1000000000, "0.05");
    ak_addr z = cfx_validator(&f, "z", 1000000000, "0.05");
    ak_addr w = cfx_validator(&f, "w", 1000000000, "0.05");
    cfx_at(&f, 999);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ak_unix t = time_of(1000);
    ak_evidence ev[4] = {
        {x, 1000 - 101, t - 600, 1000, 10004000},
        {y, 1000 - 100, t - 601, 1000, 10004000},
        {z, 1000 - 101, t - 601, 1000, 10004000},
        {w, 1000 - 100, t - 600, 1000, 10004000},
    };
    ak_block_info info = {0, NULL, 0, ev, 4};
    ck_assert_int_eq(ak_app_begin_block_with(f.app, 1000, &info), 0);
    f.in_block = true;
    ck_assert_int_eq(ak_app_time(f.app), t);
    ck_assert_int_eq(cfx_val(&f, x)->tokens, 950000000);
    ck_assert(sinfo(&f, x)->tombstoned);
    ck_assert_int_eq(cfx_val(&f, y)->tokens, 950000000);
    ck_assert(sinfo(&f, y)->tombstoned);
    ck_assert_int_eq(cfx_val(&f, z)->tokens, 1000000000);
    ck_assert(!sinfo(&f, z)->tombstoned);
    ck_assert(!cfx_val(&f, z)->jailed);
    ck_assert_int_eq(cfx_val(&f, w)->tokens, 950000000);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* Evidence that cannot be handled is ignored: an unknown address, an Unbonded validator (u never
 * ranked: max_validators 2). */
START_TEST(evidence_ignored)
{
    ak_params p = slash_params(100, "0.5", 600, "0.01", "0.05");
    p.staking.max_validators = 2;
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000000, "0.05");
    cfx_validator(&f, "b", 10000000000000, "0.05");
    ak_addr u = cfx_validator(&f, "u", 1000000000, "0.05");
    cfx_at(&f, 9);
    ck_assert_uint_eq(cfx_val(&f, u)->status, AK_BOND_UNBONDED);
    ck_assert_ptr_null(ak_slashing_info(f.app, u));
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ak_amount s0 = supply(&f);
    ak_evidence ev[2] = {{fx_s(&f, "ghost"), 5, time_of(5), 1000, 20000000},
                         {u, 5, time_of(5), 1000, 20000000}};
    ak_block_info info = {0, NULL, 0, ev, 2};
    ck_assert_int_eq(ak_app_begin_block_with(f.app, 10, &info), 0);
    f.in_block = true;
    ck_assert_int_eq(supply(&f), s0);
    ck_assert_int_eq(cfx_val(&f, u)->tokens, 1000000000);
    ck_assert(!cfx_val(&f, u)->jailed);
    ck_assert_ptr_null(ak_slashing_info(f.app, u));
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* A validator already jailed for downtime (Unbonding) that double-signed: slashed again,
 * stays jailed (no second Jail), JailedUntil moves to 9999, tombstoned. W = 10, min 0.5
 * (maxMissed 5): absent from 2, counter 9 at 10 (10 <= 0 + 10), jailed at 11 (counter 10,
 * 11 > 10), 0.01 of 10^9 = 10^7; evidence of height 8 (power 1 000) at 20: 5 x 10^7 more. */
START_TEST(double_sign_of_jailed_validator)
{
    ak_params p = slash_params(10, "0.5", 60, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000000, "0.05");
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    cfx_at(&f, 1);
    cfx_at_absent(&f, 10, &v, 1);
    ck_assert_int_eq(sinfo(&f, v)->missed, 9);
    ck_assert(!cfx_val(&f, v)->jailed);
    cfx_at_absent(&f, 11, &v, 1);
    ck_assert(cfx_val(&f, v)->jailed);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 990000000);
    ck_assert_int_eq(sinfo(&f, v)->jailed_until, time_of(11) + 60);
    cfx_at(&f, 19);
    ck_assert_uint_eq(cfx_val(&f, v)->status, AK_BOND_UNBONDING);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ak_evidence ev = {v, 8, time_of(8), 1000, 10001000};
    ak_block_info info = {0, NULL, 0, &ev, 1};
    ck_assert_int_eq(ak_app_begin_block_with(f.app, 20, &info), 0);
    f.in_block = true;
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 990000000 - 50000000);
    ck_assert(cfx_val(&f, v)->jailed);
    ck_assert(sinfo(&f, v)->tombstoned);
    ck_assert_int_eq(sinfo(&f, v)->jailed_until, AK_DOUBLE_SIGN_JAIL_END);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* ---- MsgUnjail (3.5) ---- */

static ak_msg unjail_msg(ak_addr v)
{
    ak_msg m = {.type = AK_MSG_UNJAIL};
    m.validator.validator = v;
    return m;
}

/* A genesis validator with a minimum self-delegation. */
static ak_addr validator_min(fx *f, const char *name, ak_amount tokens, ak_amount min_self)
{
    ak_addr a = fx_s(f, name);
    int rc = ak_app_genesis_validator(f->app, a, tokens, fx_dec("0.05"), fx_dec("0.2"),
                                      fx_dec("0.01"), min_self, &f->res);
    ck_assert_msg(rc == 0, "genesis validator %s: %s", name, ak_err_name(rc));
    return a;
}

/* Unknown validator: sk.Validator fails with staking's ErrNoValidatorFound; an empty address
 * fails to decode (ErrInvalidAddress). A validator that is not jailed: ErrValidatorNotJailed. */
START_TEST(unjail_unknown_and_not_jailed)
{
    ak_params p = slash_params(10, "0.5", 60, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    ak_addr a = cfx_validator(&f, "a", 10000000000000, "0.05");
    cfx_at(&f, 3);
    ak_addr ghost = fx_s(&f, "ghost");
    ak_msg m = unjail_msg(ghost);
    fx_fails(&f, &m, AK_ENO_VALIDATOR_FOUND);
    m = unjail_msg(AK_ADDR_NONE);
    fx_fails(&f, &m, AK_EINVALID_ADDRESS);
    m = unjail_msg(a);
    fx_fails(&f, &m, AK_EVALIDATOR_NOT_JAILED);
    /* the signer must be the validator's operator */
    m.signer = f.alice;
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    fx_fini(&f);
}
END_TEST

/* Self-delegation checks come before the jailed check (unjail.go order):
 *   v (min self 500 AKT) undelegates 600 of its 1 000 AKT: 400 < 500, staking jails it;
 *   MsgUnjail -> ErrSelfDelegationTooLowToUnjail;
 *   v undelegates the rest (carol's delegation keeps it alive) -> ErrNoDelegation (the SDK's
 *   GetDelegation error; its ErrMissingSelfDelegation branch is unreachable). */
START_TEST(unjail_self_delegation_errors)
{
    ak_params p = slash_params(10, "0.5", 60, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000000, "0.05");
    ak_addr v = validator_min(&f, "v", 1000000000, 500000000);
    ck_assert_int_eq(ak_app_genesis_balance(f.app, v, (ak_coin){f.uakt, 500000000}), 0);
    cfx_delegation(&f, f.carol, v, 100000000);
    cfx_at(&f, 3);
    ak_msg m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, v, v, 600000000);
    fx_ok(&f, &m);
    ck_assert(cfx_val(&f, v)->jailed);
    ak_msg u = unjail_msg(v);
    fx_fails(&f, &u, AK_ESELF_DELEGATION_TOO_LOW_TO_UNJAIL);
    m = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, v, v, 400000000);
    fx_ok(&f, &m);
    fx_fails(&f, &u, AK_ENO_DELEGATION);
    /* self-bond restored above the minimum: the jail (no downtime, signing info with
     * JailedUntil 0) no longer blocks */
    m = cfx_delegate_msg(&f, AK_MSG_DELEGATE, v, v, 500000000);
    fx_ok(&f, &m);
    fx_ok(&f, &u);
    ck_assert(!cfx_val(&f, v)->jailed);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* Downtime jail: MsgUnjail before JailedUntil -> ErrValidatorJailed; at exactly JailedUntil it
 * succeeds (the SDK refuses only while time is Before JailedUntil). W = 10, min 0.5, jail 60 s:
 * v absent from 2, jailed at 11, JailedUntil = time(11) + 60 = time(21). After the unjail v
 * bonds again at EndBlock(21): StartHeight 21 (a fresh grace period), counters reset at the
 * jail. Absent again it is in the LastCommit from 24 (set of 23): 8 misses at 31 (31 <= 21 + 10,
 * no jail), jailed at 32 with the vote's power 990 (10^9 - 10^7 after the first slash):
 * 0.01 x 990 x 10^6 = 9.9 x 10^6. */
START_TEST(unjail_after_downtime)
{
    ak_params p = slash_params(10, "0.5", 60, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000000, "0.05");
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    cfx_at(&f, 1);
    cfx_at_absent(&f, 11, &v, 1);
    ck_assert(cfx_val(&f, v)->jailed);
    ck_assert_int_eq(sinfo(&f, v)->jailed_until, time_of(21));
    cfx_at(&f, 20);
    ak_msg u = unjail_msg(v);
    fx_fails(&f, &u, AK_EVALIDATOR_JAILED);
    cfx_at(&f, 21);
    ck_assert_int_eq(ak_app_time(f.app), time_of(21));
    fx_ok(&f, &u);
    ck_assert(!cfx_val(&f, v)->jailed);
    fx_fails(&f, &u, AK_EVALIDATOR_NOT_JAILED);
    cfx_at(&f, 22);
    ck_assert_uint_eq(cfx_val(&f, v)->status, AK_BOND_BONDED);
    ck_assert_int_eq(sinfo(&f, v)->start_height, 21);
    ck_assert_int_eq(sinfo(&f, v)->missed, 0);
    ck_assert_int_eq(sinfo(&f, v)->index_offset, 0);
    cfx_at_absent(&f, 23, &v, 1);
    ck_assert(!in_last_commit(&f, v));
    cfx_at_absent(&f, 31, &v, 1);
    ck_assert(in_last_commit(&f, v));
    ck_assert_int_eq(sinfo(&f, v)->missed, 8);
    ck_assert(!cfx_val(&f, v)->jailed);
    cfx_at_absent(&f, 32, &v, 1);
    ck_assert(cfx_val(&f, v)->jailed);
    ck_assert_int_eq(cfx_val(&f, v)->tokens, 1000000000 - 10000000 - 9900000);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* Tombstoned: ErrValidatorJailed for ever, even after 9999-12-31T23:59:59Z. */
START_TEST(unjail_tombstoned)
{
    ak_params p = slash_params(10, "0.5", 60, "0.01", "0.05");
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000000, "0.05");
    ak_addr v = cfx_validator(&f, "v", 1000000000, "0.05");
    cfx_at(&f, 5);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ak_evidence ev = {v, 4, time_of(4), 1000, 10001000};
    ak_block_info info = {0, NULL, 0, &ev, 1};
    ck_assert_int_eq(ak_app_begin_block_with(f.app, 6, &info), 0);
    f.in_block = true;
    ak_msg u = unjail_msg(v);
    fx_fails(&f, &u, AK_EVALIDATOR_JAILED);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ak_block_info late = {AK_DOUBLE_SIGN_JAIL_END + 1, NULL, 0, NULL, 0};
    ck_assert_int_eq(ak_app_begin_block_with(f.app, 7, &late), 0);
    fx_fails(&f, &u, AK_EVALIDATOR_JAILED);
    fx_fini(&f);
}
END_TEST

/* A jailed validator without signing info was never bonded: it may unjail at any time once its
 * self-delegation is back at its minimum. n is created at 3 but never ranks (max_validators 1),
 * drops below its minimum (jailed by staking), delegates back and unjails at once. */
START_TEST(unjail_without_signing_info)
{
    ak_params p = slash_params(10, "0.5", 600, "0.01", "0.05");
    p.staking.max_validators = 1;
    fx f;
    cfx_init_params(&f, &p);
    cfx_validator(&f, "a", 10000000000000, "0.05");
    ak_addr n = fx_s(&f, "n");
    ck_assert_int_eq(ak_app_genesis_balance(f.app, n, (ak_coin){f.uakt, 50000000}), 0);
    cfx_at(&f, 3);
    ak_msg m = cfx_create_validator_msg(&f, n, 20000000, "0.05");
    m.create_validator.min_self_delegation = 10000000;
    fx_ok(&f, &m);
    cfx_at(&f, 5);
    ck_assert_uint_eq(cfx_val(&f, n)->status, AK_BOND_UNBONDED);
    ak_msg un = cfx_delegate_msg(&f, AK_MSG_UNDELEGATE, n, n, 15000000);
    fx_ok(&f, &un);
    ck_assert(cfx_val(&f, n)->jailed);
    ck_assert_ptr_null(ak_slashing_info(f.app, n));
    ak_msg de = cfx_delegate_msg(&f, AK_MSG_DELEGATE, n, n, 10000000);
    fx_ok(&f, &de);
    ak_msg u = unjail_msg(n);
    fx_ok(&f, &u);
    ck_assert(!cfx_val(&f, n)->jailed);
    check_all(&f);
    fx_fini(&f);
}
END_TEST

/* ak_slashing_check notices a counter that disagrees with the bitmap, a negative offset, a
 * tombstone without the permanent jail, and a bonded validator without signing info. */
START_TEST(check_catches_corruption)
{
    fx f;
    cfx_init(&f);
    ak_addr d = four_validators(&f, 10000000000000);
    cfx_at_absent(&f, 6, &d, 1);
    check_all(&f);
    ak_signing_info *si = (ak_signing_info *)sinfo(&f, d);
    ck_assert_int_eq(si->missed, 5); /* the LastCommits of heights 2 to 6 */
    char err[256];
    si->missed = 4;
    ck_assert_int_eq(ak_slashing_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_str_eq(err, "signing info of d: missed blocks counter 4 but 5 bits set");
    ck_assert_int_eq(ak_app_check(f.app, err, sizeof err), AK_EINVARIANT);
    si->missed = 5;
    int64_t off = si->index_offset;
    si->index_offset = -1;
    ck_assert_int_eq(ak_slashing_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "negative index offset"));
    si->index_offset = off;
    si->tombstoned = true;
    ck_assert_int_eq(ak_slashing_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "tombstoned but jailed only until"));
    si->tombstoned = false;
    check_all(&f);
    ak_map_del(&f.app->slashing.info_index, ak_key2(d, 0));
    ck_assert_int_eq(ak_slashing_check(f.app, err, sizeof err), AK_EINVARIANT);
    ck_assert_str_eq(err, "bonded validator d has no signing info");
    fx_fini(&f);
}
END_TEST

/* Lazy liveness bookkeeping is exact: two apps take the same 1,500 blocks, in which d misses
 * stretches of blocks (enough to be jailed once), is unjailed, a window change shrinks the
 * window, and everyone else signs. One takes the full path every block, the other counts steady
 * blocks lazily; their signing infos (offset, counter, start, jail, every bit of the window)
 * agree at every comparison, and the lazy one did skip most blocks. */
START_TEST(lazy_liveness_matches_full)
{
    ak_params p = slash_params(100, "0.5", 60, "0.01", "0.05");
    fx f[2];
    ak_addr d = 0, all[4];
    for (int k = 0; k < 2; k++) {
        cfx_init_params(&f[k], &p);
        d = four_validators(&f[k], 10000000000000);
        all[0] = fx_s(&f[k], "a");
        all[1] = fx_s(&f[k], "b");
        all[2] = fx_s(&f[k], "c");
        all[3] = d;
    }
    uint64_t skipped = 0;
    for (ak_height h = 1; h <= 1500; h++) {
        bool absent = (h >= 200 && h < 320) || (h >= 700 && h < 720) || (h >= 1100 && h < 1105);
        for (int k = 0; k < 2; k++) {
            if (k == 0)
                f[0].app->slashing.steady = false; /* the full path every block */
            int64_t before = f[k].app->slashing.pending;
            cfx_at_absent(&f[k], h, absent ? &d : NULL, absent ? 1 : 0);
            if (k == 1 && f[1].app->slashing.pending > before)
                skipped++;
            if (h == 500) { /* d was jailed around 270; its jail (60 s) is over: unjail */
                ak_msg m = {.type = AK_MSG_UNJAIL};
                m.validator.validator = d;
                fx_ok(&f[k], &m);
            }
            if (h == 900) { /* governance shrinks the window */
                ak_params q = *ak_app_params(f[k].app);
                q.slashing.signed_blocks_window = 50;
                set_params(&f[k], &q);
            }
        }
        if (h % 23 == 0 || h == 1500) {
            for (int i = 0; i < 4; i++) {
                const ak_signing_info *x = sinfo(&f[0], all[i]), *y = sinfo(&f[1], all[i]);
                ck_assert_int_eq(x->index_offset, y->index_offset);
                ck_assert_int_eq(x->missed, y->missed);
                ck_assert_int_eq(x->start_height, y->start_height);
                ck_assert_int_eq(x->jailed_until, y->jailed_until);
                for (int64_t b = 0; b < 100; b++)
                    ck_assert(ak_signing_info_missed_at(x, b) == ak_signing_info_missed_at(y, b));
                ck_assert(cfx_val(&f[0], all[i])->jailed == cfx_val(&f[1], all[i])->jailed);
            }
            check_all(&f[1]);
        }
    }
    ck_assert_int_gt(sinfo(&f[1], d)->jailed_until, 0); /* d was jailed on the way */
    ck_assert_uint_gt(skipped, 1000);
    fx_fini(&f[0]);
    fx_fini(&f[1]);
}
END_TEST

static Suite *slashing_suite(void)
{
    Suite *s = suite_create("slashing");
    TCase *tc = tcase_create("signing info");
    tcase_add_test(tc, signing_info_created_at_genesis);
    tcase_add_test(tc, min_signed_rounding);
    tcase_add_test(tc, banker_rounding_decides_jail);
    tcase_add_test(tc, bitmap_bits_clear_when_signed);
    tcase_add_test(tc, nil_counts_as_signed);
    tcase_add_test(tc, lazy_liveness_matches_full);
    tcase_add_test(tc, window_shrink_keeps_bitmap);
    tcase_add_test(tc, window_growth_grows_bitmap);
    tcase_add_test(tc, last_commit_membership_change);
    suite_add_tcase(s, tc);
    tc = tcase_create("downtime");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, e84_small_window_jail);
    tcase_add_test(tc, e84_grace_period);
    tcase_add_test(tc, e84_akash_params);
    tcase_add_test(tc, downtime_distribution_height);
    suite_add_tcase(s, tc);
    tc = tcase_create("double sign");
    tcase_add_test(tc, e85_double_sign);
    tcase_add_test(tc, double_sign_distribution_height);
    tcase_add_test(tc, double_sign_uses_evidence_power);
    tcase_add_test(tc, evidence_age_needs_both);
    tcase_add_test(tc, evidence_ignored);
    tcase_add_test(tc, double_sign_of_jailed_validator);
    suite_add_tcase(s, tc);
    tc = tcase_create("unjail");
    tcase_add_test(tc, unjail_unknown_and_not_jailed);
    tcase_add_test(tc, unjail_self_delegation_errors);
    tcase_add_test(tc, unjail_after_downtime);
    tcase_add_test(tc, unjail_tombstoned);
    tcase_add_test(tc, unjail_without_signing_info);
    tcase_add_test(tc, check_catches_corruption);
    suite_add_tcase(s, tc);
    return s;
}


int main(void)
{
    return check_run(slashing_suite());
}
