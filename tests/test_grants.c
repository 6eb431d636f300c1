/*
 * tests/test_grants.c: deposit authorizations: MsgGrantDepositAuthorization and the grant walk
 * of AuthorizeDeposits (protocol/grants.h, ak_escrow_authorize in protocol/escrow.c;
 * market-rules.md section 3.2 and worked example E9 of section 8; /work/notes/provider-
 * upstream.md section 3; docs/deviations.md 2.2 for ErrUnauthorizedDepositScope).
 *
 * MsgGrant is checked in the handler's order: granter == grantee (EqualFold), scopes (empty,
 * unknown, repeated), spend limit > 0; a new grant replaces the old one. The walk visits the
 * signer's grants in granter name order, takes what each can give (partial acceptance), keeps
 * a used-up grant with limit 0, skips grants of the wrong scope or denom, and a refund on close
 * restores the granter's limit.
 */
#include <string.h>

#include "fixture.h"

static ak_msg grant_msg(ak_addr granter, ak_addr grantee, ak_coin limit, const uint32_t *scopes,
                        uint32_t n)
{
    ak_msg m = {.type = AK_MSG_GRANT_DEPOSIT_AUTHORIZATION};
    m.grant.granter = granter;
    m.grant.grantee = grantee;
    m.grant.spend_limit = limit;
    for (uint32_t i = 0; i < n; i++)
        m.grant.scopes[i] = scopes[i];
    m.grant.nscopes = n;
    return m;
}

static const uint32_t DEPLOYMENT_ONLY[] = {AK_SCOPE_DEPLOYMENT};
static const uint32_t BID_ONLY[] = {AK_SCOPE_BID};
static const uint32_t BOTH[] = {AK_SCOPE_DEPLOYMENT, AK_SCOPE_BID};

/* granter grants grantee `amount` uakt for the given scopes; must succeed. */
static void grant(fx *f, ak_addr granter, ak_addr grantee, ak_amount amount, const uint32_t *scopes,
                  uint32_t n)
{
    ak_msg m = grant_msg(granter, grantee, (ak_coin){f->uakt, amount}, scopes, n);
    fx_ok(f, &m);
}

static const ak_grant *get(fx *f, ak_addr granter, ak_addr grantee)
{
    return ak_grants_get(ak_app_grants(f->app), granter, grantee);
}

static ak_amount limit_of(fx *f, ak_addr granter, ak_addr grantee)
{
    const ak_grant *g = get(f, granter, grantee);
    ck_assert_ptr_nonnull(g);
    return g->spend_limit.amount;
}

/* MsgCreateDeployment of owner/dseq with deposit `amount` drawn from `sources`. */
static ak_msg deploy_from(fx *f, ak_addr owner, uint64_t dseq, ak_amount amount,
                          const uint32_t *sources, uint32_t n)
{
    ak_msg m = fx_deploy(f, owner, dseq, amount, "100");
    for (uint32_t i = 0; i < n; i++)
        m.create_deployment.deposit.sources[i] = sources[i];
    m.create_deployment.deposit.nsources = n;
    return m;
}

static const uint32_t SRC_GRANT[] = {AK_SOURCE_GRANT};
static const uint32_t SRC_BALANCE_GRANT[] = {AK_SOURCE_BALANCE, AK_SOURCE_GRANT};
static const uint32_t SRC_GRANT_BALANCE[] = {AK_SOURCE_GRANT, AK_SOURCE_BALANCE};

/* The deposits of an escrow account, oldest first, as "owner:amount:balance|grant,...". */
static const char *deposits_of(fx *f, const ak_escrow_account *a, char *buf, size_t cap)
{
    const ak_escrow *e = ak_app_escrow(f->app);
    buf[0] = '\0';
    for (uint32_t h = a->dep_head; h != AK_POOL_NONE;) {
        const ak_escrow_deposit *d = ak_pool_at(&e->deposits, h);
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s:%lld:%s", len ? "," : "", ak_app_str(f->app, d->owner),
                 (long long)fx_dec_int(d->balance), d->source == AK_SOURCE_GRANT ? "grant" : "balance");
        h = d->next;
    }
    return buf;
}

#define DEPOSITS_ARE(f, acct, want)                                                                \
    do {                                                                                           \
        char buf_[256];                                                                            \
        ck_assert_str_eq(deposits_of((f), (acct), buf_, sizeof buf_), (want));                     \
    } while (0)

/* ---- MsgGrantDepositAuthorization ---- */

START_TEST(grant_stores_limit_and_scopes)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ck_assert_ptr_null(get(&f, f.alice, f.bob));
    grant(&f, f.alice, f.bob, 300000, BOTH, 2);
    const ak_grant *g = get(&f, f.alice, f.bob);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(g->granter, f.alice);
    ck_assert_uint_eq(g->grantee, f.bob);
    ck_assert_uint_eq(g->spend_limit.denom, f.uakt);
    ck_assert_int_eq(g->spend_limit.amount, 300000);
    ck_assert_uint_eq(g->scopes, AK_SCOPE_BIT(AK_SCOPE_DEPLOYMENT) | AK_SCOPE_BIT(AK_SCOPE_BID));
    ck_assert_ptr_null(get(&f, f.bob, f.alice)); /* directed */
    /* granting moves no coins */
    ck_assert_int_eq(fx_balance(&f, f.alice), 100000000);
    fx_fini(&f);
}
END_TEST

/* strings.EqualFold(grantee, granter): the same name, in any case. */
START_TEST(grantee_cannot_be_the_granter)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = grant_msg(f.alice, f.alice, (ak_coin){f.uakt, 1}, DEPLOYMENT_ONLY, 1);
    fx_fails(&f, &m, AK_EGRANTEE_IS_GRANTER);
    ck_assert_str_eq(f.res.detail, ""); /* the bare authz error */
    ak_str upper = fx_s(&f, "ALICE");
    m = grant_msg(upper, f.alice, (ak_coin){f.uakt, 1}, DEPLOYMENT_ONLY, 1);
    fx_fails(&f, &m, AK_EGRANTEE_IS_GRANTER);
    m = grant_msg(f.alice, upper, (ak_coin){f.uakt, 1}, DEPLOYMENT_ONLY, 1);
    fx_fails(&f, &m, AK_EGRANTEE_IS_GRANTER);
    /* checked before the scopes and the limit */
    m = grant_msg(f.alice, f.alice, (ak_coin){f.uakt, 0}, NULL, 0);
    fx_fails(&f, &m, AK_EGRANTEE_IS_GRANTER);
    fx_fini(&f);
}
END_TEST

/* DepositAuthorization.ValidateBasic: scopes non-empty, each deployment(1) or bid(2), none
 * twice. */
START_TEST(scopes_must_be_known_and_distinct)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_coin c = {f.uakt, 100};
    ak_msg m = grant_msg(f.alice, f.bob, c, NULL, 0);
    fx_fails(&f, &m, AK_EINVALID_AUTHZ_SCOPE);
    ck_assert_str_eq(f.res.detail, "empty scope: invalid authz scope");
    const uint32_t zero[] = {0}, three[] = {3}, late_bad[] = {AK_SCOPE_BID, 0};
    m = grant_msg(f.alice, f.bob, c, zero, 1);
    fx_fails(&f, &m, AK_EINVALID_AUTHZ_SCOPE);
    ck_assert_str_eq(f.res.detail, "invalid scope: invalid authz scope");
    m = grant_msg(f.alice, f.bob, c, three, 1);
    fx_fails(&f, &m, AK_EINVALID_AUTHZ_SCOPE);
    m = grant_msg(f.alice, f.bob, c, late_bad, 2);
    fx_fails(&f, &m, AK_EINVALID_AUTHZ_SCOPE);
    const uint32_t dup_dep[] = {AK_SCOPE_DEPLOYMENT, AK_SCOPE_DEPLOYMENT};
    const uint32_t dup_bid[] = {AK_SCOPE_BID, AK_SCOPE_DEPLOYMENT, AK_SCOPE_BID};
    m = grant_msg(f.alice, f.bob, c, dup_dep, 2);
    fx_fails(&f, &m, AK_EINVALID_AUTHZ_SCOPE);
    ck_assert_str_eq(f.res.detail, "duplicate scope: invalid authz scope");
    m = grant_msg(f.alice, f.bob, c, dup_bid, 3);
    fx_fails(&f, &m, AK_EINVALID_AUTHZ_SCOPE);
    /* the scopes are checked before the limit */
    m = grant_msg(f.alice, f.bob, (ak_coin){f.uakt, 0}, NULL, 0);
    fx_fails(&f, &m, AK_EINVALID_AUTHZ_SCOPE);
    ck_assert_ptr_null(get(&f, f.alice, f.bob));
    fx_fini(&f);
}
END_TEST

/* !spend_limit.IsPositive(): "spend limit cannot be negative", for zero too. */
START_TEST(spend_limit_must_be_positive)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = grant_msg(f.alice, f.bob, (ak_coin){f.uakt, 0}, DEPLOYMENT_ONLY, 1);
    fx_fails(&f, &m, AK_EINVALID_COINS);
    ck_assert_str_eq(f.res.detail, "spend limit cannot be negative: invalid coins");
    m = grant_msg(f.alice, f.bob, (ak_coin){f.uakt, -5}, DEPLOYMENT_ONLY, 1);
    fx_fails(&f, &m, AK_EINVALID_COINS);
    m = grant_msg(f.alice, f.bob, (ak_coin){f.uakt, 1}, DEPLOYMENT_ONLY, 1);
    fx_ok(&f, &m);
    /* the limit need not be covered by the granter's balance */
    m = grant_msg(f.bob, f.carol, (ak_coin){f.uakt, 1000000}, DEPLOYMENT_ONLY, 1);
    fx_ok(&f, &m);
    fx_fini(&f);
}
END_TEST

/* A second MsgGrant for the same pair replaces the first: limit, denom and scopes. */
START_TEST(a_second_grant_replaces_the_first)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    grant(&f, f.alice, f.bob, 300000, DEPLOYMENT_ONLY, 1);
    ak_msg m = grant_msg(f.alice, f.bob, (ak_coin){f.uusdc, 100000}, BID_ONLY, 1);
    fx_ok(&f, &m);
    const ak_grant *g = get(&f, f.alice, f.bob);
    ck_assert_uint_eq(g->spend_limit.denom, f.uusdc);
    ck_assert_int_eq(g->spend_limit.amount, 100000); /* not 400,000 */
    ck_assert_uint_eq(g->scopes, AK_SCOPE_BIT(AK_SCOPE_BID));
    /* still one grant in bob's list */
    const ak_grants *gs = ak_app_grants(f.app);
    ck_assert_ptr_eq(ak_grants_first(gs, f.bob), g);
    ck_assert_ptr_null(ak_grants_next(gs, g));
    fx_fini(&f);
}
END_TEST

START_TEST(granter_must_sign)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = grant_msg(f.alice, f.bob, (ak_coin){f.uakt, 10}, DEPLOYMENT_ONLY, 1);
    m.signer = f.bob; /* the grantee cannot grant itself another's coins */
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    m.signer = f.alice;
    fx_ok(&f, &m);
    fx_fini(&f);
}
END_TEST

/* ---- the grant walk of AuthorizeDeposits ---- */

/* Grants are visited in ascending granter order, whatever order they were made in; the last
 * one drawn is accepted partially. */
START_TEST(grants_are_drawn_in_granter_order)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    grant(&f, f.carol, f.bob, 300000, DEPLOYMENT_ONLY, 1);
    grant(&f, f.alice, f.bob, 300000, DEPLOYMENT_ONLY, 1);
    const ak_grants *gs = ak_app_grants(f.app);
    const ak_grant *g = ak_grants_first(gs, f.bob);
    ck_assert_uint_eq(g->granter, f.alice);
    ck_assert_uint_eq(ak_grants_next(gs, g)->granter, f.carol);
    ak_msg m = deploy_from(&f, f.bob, 1, 500000, SRC_GRANT, 1);
    fx_ok(&f, &m);
    DEPOSITS_ARE(&f, fx_account(&f, f.bob, 1), "alice:300000:grant,carol:200000:grant");
    ck_assert_int_eq(limit_of(&f, f.alice, f.bob), 0);
    ck_assert_int_eq(limit_of(&f, f.carol, f.bob), 100000);
    /* the coins come from the granters */
    ck_assert_int_eq(fx_balance(&f, f.alice), 100000000 - 300000);
    ck_assert_int_eq(fx_balance(&f, f.carol), 50000000 - 200000);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_ESCROW), 500000);
    fx_fini(&f);
}
END_TEST

/* A used-up grant stays stored with a zero limit (the walker ignores Delete) and is skipped. */
START_TEST(a_used_up_grant_is_kept_at_zero_and_skipped)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    grant(&f, f.alice, f.bob, 300000, DEPLOYMENT_ONLY, 1);
    grant(&f, f.carol, f.bob, 900000, DEPLOYMENT_ONLY, 1);
    ak_msg m = deploy_from(&f, f.bob, 1, 500000, SRC_GRANT, 1);
    fx_ok(&f, &m);
    ck_assert_int_eq(limit_of(&f, f.alice, f.bob), 0);
    ck_assert_ptr_eq(ak_grants_first(ak_app_grants(f.app), f.bob), get(&f, f.alice, f.bob));
    m = deploy_from(&f, f.bob, 2, 500000, SRC_GRANT, 1);
    fx_ok(&f, &m);
    DEPOSITS_ARE(&f, fx_account(&f, f.bob, 2), "carol:500000:grant"); /* no 0 from alice */
    ck_assert_int_eq(limit_of(&f, f.carol, f.bob), 200000);
    /* what is left cannot pay another 500,000 */
    m = deploy_from(&f, f.bob, 3, 500000, SRC_GRANT, 1);
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    ck_assert_str_eq(f.res.detail, "deposit invalid: insufficient balance");
    fx_fini(&f);
}
END_TEST

/* Sources are walked in message order: [grant, balance] spends the grant first. */
START_TEST(sources_are_walked_in_message_order)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg s = {.type = AK_MSG_SEND};
    s.send.from = f.alice;
    s.send.to = f.bob;
    s.send.amount = (ak_coin){f.uakt, 400000};
    fx_ok(&f, &s);
    grant(&f, f.carol, f.bob, 300000, DEPLOYMENT_ONLY, 1);
    ak_msg m = deploy_from(&f, f.bob, 1, 500000, SRC_GRANT_BALANCE, 2);
    fx_ok(&f, &m);
    DEPOSITS_ARE(&f, fx_account(&f, f.bob, 1), "carol:300000:grant,bob:200000:balance");
    ck_assert_int_eq(limit_of(&f, f.carol, f.bob), 0);
    ck_assert_int_eq(fx_balance(&f, f.bob), 200000);
    fx_fini(&f);
}
END_TEST

/* A grant of the wrong scope is skipped; if only such grants could have covered the
 * shortfall the message fails with ErrUnauthorizedDepositScope (akashsim's name for it,
 * docs/deviations.md 2.2), and nothing is spent. */
START_TEST(a_grant_of_the_wrong_scope_is_skipped)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    grant(&f, f.alice, f.bob, 1000000, BID_ONLY, 1);
    ak_msg m = deploy_from(&f, f.bob, 1, 500000, SRC_GRANT, 1);
    fx_fails(&f, &m, AK_EUNAUTHORIZED_DEPOSIT_SCOPE);
    ck_assert_str_eq(f.res.detail,
                     "grants of another scope cannot pay this deposit: unauthorized deposit scope");
    /* a right-scope grant that is too small: still short, still the scope error */
    grant(&f, f.carol, f.bob, 100000, DEPLOYMENT_ONLY, 1);
    fx_fails(&f, &m, AK_EUNAUTHORIZED_DEPOSIT_SCOPE);
    ck_assert_int_eq(limit_of(&f, f.carol, f.bob), 100000);
    /* with enough of the right scope, alice's grant is passed over */
    grant(&f, f.carol, f.bob, 500000, DEPLOYMENT_ONLY, 1);
    fx_ok(&f, &m);
    DEPOSITS_ARE(&f, fx_account(&f, f.bob, 1), "carol:500000:grant");
    ck_assert_int_eq(limit_of(&f, f.alice, f.bob), 1000000);
    ck_assert_int_eq(limit_of(&f, f.carol, f.bob), 0);
    ck_assert_int_eq(fx_balance(&f, f.alice), 100000000);
    fx_fini(&f);
}
END_TEST

/* A grant in another denom is skipped: the shortfall is ErrInvalidDeposit "insufficient
 * balance". */
START_TEST(a_grant_in_another_denom_is_skipped)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg g = grant_msg(f.alice, f.bob, (ak_coin){f.uusdc, 1000000}, DEPLOYMENT_ONLY, 1);
    fx_ok(&f, &g);
    ak_msg m = deploy_from(&f, f.bob, 1, 500000, SRC_GRANT, 1);
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    ck_assert_str_eq(f.res.detail, "deposit invalid: insufficient balance");
    ck_assert_int_eq(limit_of(&f, f.alice, f.bob), 1000000);
    fx_fini(&f);
}
END_TEST

/* The granter's balance is checked only when the coins move: a granter that spent its coins
 * makes the deposit fail with the bank's ErrInsufficientFunds, and the grant is not spent. */
START_TEST(a_granter_without_coins_fails_at_transfer)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    grant(&f, f.carol, f.bob, 500000, DEPLOYMENT_ONLY, 1);
    ak_msg s = {.type = AK_MSG_SEND};
    s.send.from = f.carol;
    s.send.to = f.alice;
    s.send.amount = (ak_coin){f.uakt, 50000000 - 499999};
    fx_ok(&f, &s);
    ak_msg m = deploy_from(&f, f.bob, 1, 500000, SRC_GRANT, 1);
    fx_fails(&f, &m, AK_EINSUFFICIENT_FUNDS);
    ck_assert_int_eq(limit_of(&f, f.carol, f.bob), 500000);
    fx_fini(&f);
}
END_TEST

/* Bids draw bid-scope grants; a deployment-only grant cannot pay a bid deposit. */
START_TEST(bid_deposits_draw_bid_scope_grants)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg d = fx_deploy(&f, f.alice, 1, 500000, "100");
    fx_ok(&f, &d);
    grant(&f, f.carol, f.prov2, 500000, DEPLOYMENT_ONLY, 1);
    ak_msg b = fx_bid(&f, fx_bid_id(f.alice, 1, 1, 1, f.prov2), "100");
    b.create_bid.deposit.sources[0] = AK_SOURCE_GRANT;
    fx_fails(&f, &b, AK_EUNAUTHORIZED_DEPOSIT_SCOPE);
    grant(&f, f.carol, f.prov2, 500000, BID_ONLY, 1);
    fx_ok(&f, &b);
    const ak_bid *bid = ak_app_find_bid(f.app, b.create_bid.id);
    const ak_escrow_account *a = ak_pool_at(&ak_app_escrow(f.app)->accounts, bid->account);
    DEPOSITS_ARE(&f, a, "carol:500000:grant");
    ck_assert_int_eq(fx_balance(&f, f.prov2), 10000000); /* the provider paid nothing */
    ck_assert_int_eq(limit_of(&f, f.carol, f.prov2), 0);
    fx_fini(&f);
}
END_TEST

/* E9: A holds exactly 400,000, B grants A 300,000 for deployments; A deposits 500,000 from
 * [balance, grant]; after 450,000 is spent, closing refunds 0 to A and 50,000 to B, whose
 * limit goes back up to 250,000. */
START_TEST(e9_multi_depositor_fifo_and_grant_refund)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_addr a = f.bob, b = f.carol;
    ak_msg s = {.type = AK_MSG_SEND};
    s.send.from = f.alice;
    s.send.to = a;
    s.send.amount = (ak_coin){f.uakt, 400000};
    fx_ok(&f, &s);
    grant(&f, b, a, 300000, DEPLOYMENT_ONLY, 1);
    ak_msg m = deploy_from(&f, a, 10, 500000, SRC_BALANCE_GRANT, 2);
    fx_ok(&f, &m);
    DEPOSITS_ARE(&f, fx_account(&f, a, 10), "bob:400000:balance,carol:100000:grant");
    ck_assert_int_eq(limit_of(&f, b, a), 200000);
    ck_assert_int_eq(fx_balance(&f, a), 0);
    ck_assert_int_eq(fx_balance(&f, b), 50000000 - 100000);
    /* a lease at 100 per block from height 10: 450,000 spent by height 4510 */
    ak_bid_id id = fx_bid_id(a, 10, 1, 1, f.prov1);
    fx_bid_and_lease(&f, id, "100");
    fx_at(&f, 4510);
    m = fx_close_deployment(a, 10);
    fx_ok(&f, &m);
    const ak_escrow_account *acct = fx_account(&f, a, 10);
    ck_assert_int_eq(fx_dec_int(acct->transferred), 450000);
    ck_assert_uint_eq(acct->state, AK_ESCROW_CLOSED);
    DEPOSITS_ARE(&f, acct, "");
    ck_assert_int_eq(fx_balance(&f, a), 0);                      /* A's deposit was spent first */
    ck_assert_int_eq(fx_balance(&f, b), 50000000 - 100000 + 50000); /* B gets 50,000 back */
    ck_assert_int_eq(limit_of(&f, b, a), 250000);
    size_t n;
    const ak_event *ev = ak_app_events(f.app, &n);
    int refunds_a = 0;
    ak_amount refund_b = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].type != AK_EV_ESCROW_REFUND)
            continue;
        refunds_a += ev[i].who == a;
        if (ev[i].who == b)
            refund_b += ev[i].amount;
    }
    ck_assert_int_eq(refunds_a, 0);
    ck_assert_int_eq(refund_b, 50000);
    /* the provider: 450,000 less 2 % take, and its bid deposit back */
    ck_assert_int_eq(fx_balance(&f, f.prov1), 10000000 + 441000);
    ck_assert_int_eq(fx_pool(&f), 9000);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_ESCROW), 0);
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("grants");
    TCase *tm = tcase_create("msg_grant");
    tcase_add_test(tm, grant_stores_limit_and_scopes);
    tcase_add_test(tm, grantee_cannot_be_the_granter);
    tcase_add_test(tm, scopes_must_be_known_and_distinct);
    tcase_add_test(tm, spend_limit_must_be_positive);
    tcase_add_test(tm, a_second_grant_replaces_the_first);
    tcase_add_test(tm, granter_must_sign);
    suite_add_tcase(s, tm);
    TCase *tw = tcase_create("authorize_deposits");
    tcase_set_timeout(tw, 60);
    tcase_add_test(tw, grants_are_drawn_in_granter_order);
    tcase_add_test(tw, a_used_up_grant_is_kept_at_zero_and_skipped);
    tcase_add_test(tw, sources_are_walked_in_message_order);
    tcase_add_test(tw, a_grant_of_the_wrong_scope_is_skipped);
    tcase_add_test(tw, a_grant_in_another_denom_is_skipped);
    tcase_add_test(tw, a_granter_without_coins_fails_at_transfer);
    tcase_add_test(tw, bid_deposits_draw_bid_scope_grants);
    tcase_add_test(tw, e9_multi_depositor_fifo_and_grant_refund);
    suite_add_tcase(s, tw);
    return fx_run(s);
}
