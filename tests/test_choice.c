/*
 * tests/test_choice.c: the tenants' provider choice policies (models/choice.h): the table and
 * lookup, cheapest with its tie rule, reputation's score, random's one draw and uniformity.
 */
#include <check.h>
#include <string.h>

#include "check_run.h"
#include "choice.h"
#include "rng.h"

static ak_dec price(int64_t micro)
{
    return ak_dec_from_raw((__int128)micro * 1000000000000);
}

START_TEST(table_and_lookup)
{
    const ak_choice_policy *const *all = ak_choice_policies();
    ck_assert_str_eq(all[0]->name, "cheapest");
    int n = 0;
    for (; all[n]; n++) {
        ck_assert_ptr_eq(ak_choice_find(all[n]->name), all[n]);
        ck_assert(all[n]->doc && all[n]->doc[0]);
        ck_assert_uint_le(all[n]->draws, 1);
    }
    ck_assert_int_eq(n, 3);
    ck_assert_ptr_null(ak_choice_find("Cheapest"));
    ck_assert_ptr_null(ak_choice_find(NULL));
}
END_TEST

START_TEST(cheapest_and_reputation)
{
    const ak_choice_policy *cheap = ak_choice_find("cheapest");
    const ak_choice_policy *rep = ak_choice_find("reputation");
    ak_choice_bid b[3] = {{price(5000000), 7, 0}, {price(3000000), 8, 2}, {price(3000000), 9, 0}};
    /* the lowest price; of two equal, the first in the chain's order */
    ck_assert_uint_eq(cheap->choose(b, 3, 1, NULL), 1);
    /* reputation: 3 x (1 + 1 x 2) = 9 against 5 and 3: bidder 9 */
    ck_assert_uint_eq(rep->choose(b, 3, 1, NULL), 2);
    /* penalty 0 is cheapest */
    ck_assert_uint_eq(rep->choose(b, 3, 0, NULL), 1);
    /* known failures of every bidder: scores 5 x 3 = 15 against 3 x 3 = 9 and 3 x 5 = 15 */
    b[0].failures = 2;
    b[2].failures = 4;
    ck_assert_uint_eq(rep->choose(b, 3, 1, NULL), 1);
    ck_assert_uint_eq(cheap->choose(b, 1, 1, NULL), 0);
}
END_TEST

START_TEST(random_is_uniform_with_one_draw)
{
    const ak_choice_policy *rnd = ak_choice_find("random");
    gsl_rng *r, *twin;
    ck_assert_int_eq(ak_rng_stream(5, 0, AK_RNG_TENANTS, &r), 0);
    ck_assert_int_eq(ak_rng_stream(5, 0, AK_RNG_TENANTS, &twin), 0);
    ak_choice_bid b[4] = {{price(1), 0, 0}, {price(2), 1, 0}, {price(3), 2, 0}, {price(4), 3, 0}};
    int count[4] = {0};
    for (int i = 0; i < 40000; i++) {
        uint32_t k = rnd->choose(b, 4, 1, r);
        ck_assert_uint_lt(k, 4);
        count[k]++;
        (void)gsl_rng_uniform(twin);
    }
    for (int k = 0; k < 4; k++)
        ck_assert_msg(count[k] > 9500 && count[k] < 10500, "bid %d chosen %d times", k, count[k]);
    /* exactly one uniform per choice: the streams are still aligned */
    ck_assert_double_eq(gsl_rng_uniform(r), gsl_rng_uniform(twin));
    gsl_rng_free(r);
    gsl_rng_free(twin);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("choice");
    TCase *tc = tcase_create("policies");
    tcase_add_test(tc, table_and_lookup);
    tcase_add_test(tc, cheapest_and_reputation);
    tcase_add_test(tc, random_is_uniform_with_one_draw);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(suite());
}
