/*
 * tests/test_vote.c: the voter policies (models/vote.h): the table, the fixed options, turnout's
 * shares and its two draws per decision, the staking APR and self-interest's reading of it.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "check_run.h"
#include "msg.h"
#include "rng.h"
#include "store.h"
#include "vote.h"

static ak_dec dec(const char *s)
{
    ak_dec d;
    ck_assert_int_eq(ak_dec_parse(s, strlen(s), &d), 0);
    return d;
}

START_TEST(table_and_fixed_options)
{
    const ak_voter_policy *const *all = ak_voter_policies();
    int n = 0;
    for (; all[n]; n++)
        ck_assert_ptr_eq(ak_voter_find(all[n]->name), all[n]);
    ck_assert_int_eq(n, 5);
    ck_assert_ptr_null(ak_voter_find("maybe"));
    ak_voter v = {ak_voter_find("yes"), 0, {0}};
    ak_vote_ctx c = {0};
    ck_assert_int_eq(v.policy->decide(&v, &c, NULL), AK_VOTE_YES);
    v.policy = ak_voter_find("no");
    ck_assert_int_eq(v.policy->decide(&v, &c, NULL), AK_VOTE_NO);
    v.policy = ak_voter_find("abstain");
    ck_assert_int_eq(v.policy->decide(&v, &c, NULL), AK_VOTE_ABSTAIN);
}
END_TEST

START_TEST(turnout_shares_and_draws)
{
    gsl_rng *r, *twin;
    ck_assert_int_eq(ak_rng_stream(3, 0, AK_RNG_GOVERNANCE, &r), 0);
    ck_assert_int_eq(ak_rng_stream(3, 0, AK_RNG_GOVERNANCE, &twin), 0);
    ak_voter v = {ak_voter_find("turnout"), 0.6, {3, 1, 0, 0}};
    ak_vote_ctx c = {0};
    int count[5] = {0};
    enum { N = 40000 };
    for (int i = 0; i < N; i++) {
        int o = v.policy->decide(&v, &c, r);
        ck_assert(o == 0 || o == AK_VOTE_YES || o == AK_VOTE_NO);
        count[o]++;
        (void)gsl_rng_uniform(twin);
        (void)gsl_rng_uniform(twin);
    }
    /* 40 % stay away; of the rest, three quarters yes */
    ck_assert_msg(fabs(count[0] / (double)N - 0.4) < 0.015, "abstained from voting: %d", count[0]);
    ck_assert_msg(fabs(count[AK_VOTE_YES] / (double)(N - count[0]) - 0.75) < 0.015, "yes: %d",
                  count[AK_VOTE_YES]);
    ck_assert_double_eq(gsl_rng_uniform(r), gsl_rng_uniform(twin)); /* two draws each */
    gsl_rng_free(r);
    gsl_rng_free(twin);
}
END_TEST

START_TEST(apr_and_self_interest)
{
    ak_strtab strs;
    ck_assert_int_eq(ak_strtab_init(&strs), 0);
    ak_params now, up;
    ck_assert_int_eq(ak_params_default(&now, &strs), 0);
    up = now;
    /* Akash's band is [0.04, 0.08] and its community tax 0.25: at inflation 0.06 and half the
     * supply bonded, 0.06 x 0.75 / 0.5; outside the band the inflation is clamped into it */
    ck_assert_double_eq_tol(ak_vote_apr(&now, 0.06, 0.5), 0.06 * 0.75 / 0.5, 1e-12);
    ck_assert_double_eq_tol(ak_vote_apr(&now, 0.13, 0.5), 0.08 * 0.75 / 0.5, 1e-12);
    ck_assert(isnan(ak_vote_apr(&now, 0.06, 0)));
    /* raising the floor above the current inflation raises the APR: yes */
    up.mint.inflation_min = dec("0.07");
    ak_vote_ctx c = ak_vote_context(&now, &up, 0.06, 0.5);
    ck_assert_double_eq_tol(c.apr_proposed, 0.07 * 0.75 / 0.5, 1e-12);
    ak_voter v = {ak_voter_find("self_interest"), 0, {0}};
    ck_assert_int_eq(v.policy->decide(&v, &c, NULL), AK_VOTE_YES);
    /* a higher community tax lowers it: no */
    up = now;
    up.distribution.community_tax = dec("0.30");
    c = ak_vote_context(&now, &up, 0.06, 0.5);
    ck_assert_int_eq(v.policy->decide(&v, &c, NULL), AK_VOTE_NO);
    /* a take rate changes nothing of it: abstain */
    up = now;
    up.take.default_take_rate = 10;
    c = ak_vote_context(&now, &up, 0.06, 0.5);
    ck_assert_int_eq(v.policy->decide(&v, &c, NULL), AK_VOTE_ABSTAIN);
    /* harsher slashing: no, whatever the APR */
    up.slashing.slash_fraction_downtime = dec("0.01");
    up.mint.inflation_min = dec("0.07");
    c = ak_vote_context(&now, &up, 0.06, 0.5);
    ck_assert(c.harsher_slashing);
    ck_assert_int_eq(v.policy->decide(&v, &c, NULL), AK_VOTE_NO);
    ak_strtab_fini(&strs);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vote");
    TCase *tc = tcase_create("policies");
    tcase_add_test(tc, table_and_fixed_options);
    tcase_add_test(tc, turnout_shares_and_draws);
    tcase_add_test(tc, apr_and_self_interest);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(suite());
}
