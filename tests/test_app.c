/*
 * tests/test_app.c: the app as a whole (protocol/app.h): authorization of every message type,
 * atomic delivery (a failed message changes nothing, even after it wrote state), block
 * stepping, events, and that the invariant check catches broken state.
 */
#include <stdlib.h>

#include "app_int.h"
#include "chainfx.h"

/* A message of type t that passes ValidateBasic, with its required signer as described by
 * the rules page; built on top of a deployment alice/10 with an open bid from prov1. */
static ak_msg valid_msg(fx *f, ak_msg_type t, ak_attr *attr, ak_str *key)
{
    ak_bid_id bid = fx_bid_id(f->alice, 10, 1, 1, f->prov1);
    ak_msg m = {.type = t};
    switch (t) {
    case AK_MSG_SEND:
        m.send.from = f->alice;
        m.send.to = f->bob;
        m.send.amount = (ak_coin){f->uakt, 1};
        break;
    case AK_MSG_CREATE_PROVIDER:
    case AK_MSG_UPDATE_PROVIDER:
        m.provider.owner = f->carol;
        m.provider.host_uri = fx_s(f, "https://carol.test");
        break;
    case AK_MSG_SIGN_PROVIDER_ATTRIBUTES:
        m.sign_attrs.auditor = f->auditor;
        m.sign_attrs.owner = f->prov1;
        m.sign_attrs.attrs = fx_attrs1(f, attr, "tier", "1");
        break;
    case AK_MSG_DELETE_PROVIDER_ATTRIBUTES:
        m.delete_attrs.auditor = f->auditor;
        m.delete_attrs.owner = f->prov1;
        *key = fx_s(f, "tier");
        m.delete_attrs.keys = key;
        m.delete_attrs.nkeys = 1;
        break;
    case AK_MSG_GRANT_DEPOSIT_AUTHORIZATION:
        m.grant.granter = f->alice;
        m.grant.grantee = f->bob;
        m.grant.spend_limit = (ak_coin){f->uakt, 5};
        m.grant.scopes[0] = AK_SCOPE_DEPLOYMENT;
        m.grant.nscopes = 1;
        break;
    case AK_MSG_CREATE_DEPLOYMENT:
        m = fx_deploy(f, f->alice, 11, 500000, "1");
        break;
    case AK_MSG_UPDATE_DEPLOYMENT:
        m.update_deployment.id = (ak_deployment_id){f->alice, 10};
        m.update_deployment.hash_len = 32;
        break;
    case AK_MSG_CLOSE_DEPLOYMENT:
        m = fx_close_deployment(f->alice, 10);
        break;
    case AK_MSG_CLOSE_GROUP:
    case AK_MSG_PAUSE_GROUP:
    case AK_MSG_START_GROUP:
        m = fx_group_msg(t, f->alice, 10, 1);
        break;
    case AK_MSG_ACCOUNT_DEPOSIT:
        m = fx_account_deposit(f, f->carol, f->alice, 10, 1);
        break;
    case AK_MSG_CREATE_BID:
        m = fx_bid(f, fx_bid_id(f->alice, 10, 1, 1, f->prov2), "1");
        break;
    case AK_MSG_CLOSE_BID:
        m.close_bid.id = bid;
        m.close_bid.reason = AK_REASON_UNSPECIFIED;
        break;
    case AK_MSG_CREATE_LEASE:
    case AK_MSG_WITHDRAW_LEASE:
    case AK_MSG_CLOSE_LEASE:
        m = fx_lease_msg(t, bid);
        break;
    case AK_MSG_CREATE_VALIDATOR:
        m = cfx_create_validator_msg(f, f->carol, 1000000, "0.05");
        break;
    case AK_MSG_EDIT_VALIDATOR:
        m.edit_validator.validator = fx_s(f, "val");
        m.edit_validator.has_rate = true;
        m.edit_validator.rate = fx_dec("0.05");
        break;
    case AK_MSG_DELEGATE:
    case AK_MSG_UNDELEGATE:
        m = cfx_delegate_msg(f, t, f->alice, fx_s(f, "val"), 1000);
        break;
    case AK_MSG_BEGIN_REDELEGATE:
        m = cfx_redelegate_msg(f, f->alice, fx_s(f, "val"), f->carol, 1000);
        break;
    case AK_MSG_UNJAIL:
    case AK_MSG_WITHDRAW_VALIDATOR_COMMISSION:
        m.validator.validator = fx_s(f, "val");
        break;
    case AK_MSG_WITHDRAW_DELEGATOR_REWARD:
        m.withdraw_reward.delegator = f->alice;
        m.withdraw_reward.validator = fx_s(f, "val");
        break;
    case AK_MSG_SUBMIT_PROPOSAL: {
        static ak_param_change ch; /* const after the first call; tests run one at a time */
        ch.def = ak_param_find(AK_PM_TAKE, "default_take_rate");
        ch.value = (ak_param_value){.kind = AK_PK_U32, .i = 10};
        m.submit_proposal.proposer = f->alice;
        m.submit_proposal.changes = &ch;
        m.submit_proposal.nchanges = 1;
        m.submit_proposal.deposit[0] = (ak_coin){f->uakt, 1000};
        m.submit_proposal.ndeposit = 1;
        m.submit_proposal.title = fx_s(f, "t");
        m.submit_proposal.summary = fx_s(f, "s");
        break;
    }
    case AK_MSG_DEPOSIT:
        m.gov_deposit.depositor = f->alice;
        m.gov_deposit.proposal = 1;
        m.gov_deposit.amount[0] = (ak_coin){f->uakt, 1000};
        m.gov_deposit.namount = 1;
        break;
    case AK_MSG_VOTE:
    case AK_MSG_VOTE_WEIGHTED:
        m.vote.voter = f->alice;
        m.vote.proposal = 1;
        m.vote.options[0] = (ak_weighted_option){AK_VOTE_YES, ak_dec_from_int(1)};
        m.vote.noptions = 1;
        break;
    case AK_MSG_COUNT:
        ck_abort_msg("no message type %d", t);
    }
    return m;
}

/* The marketplace world above on a running chain: validator "val" bonded from genesis. */
static void world(fx *f)
{
    cfx_init(f);
    cfx_validator(f, "val", 10000000, "0.05");
    fx_at(f, 10);
    ak_msg m = fx_deploy(f, f->alice, 10, 500000, "100");
    fx_ok(f, &m);
    m = fx_bid(f, fx_bid_id(f->alice, 10, 1, 1, f->prov1), "50");
    fx_ok(f, &m);
}

/* For every message type: each signer other than the required one is refused with
 * ErrUnauthorized and the state does not change by a single byte. */
START_TEST(every_message_requires_its_signer)
{
    fx f;
    world(&f);
    ak_addr everyone[] = {f.alice, f.bob, f.carol, f.prov1, f.prov2, f.auditor};
    for (int t = 0; t < AK_MSG_COUNT; t++) {
        ak_attr attr;
        ak_str key;
        ak_msg m = valid_msg(&f, (ak_msg_type)t, &attr, &key);
        ak_addr need = ak_msg_required_signer(&m);
        ck_assert_uint_ne(need, AK_ADDR_NONE);
        int others = 0;
        for (size_t i = 0; i < sizeof everyone / sizeof *everyone; i++) {
            if (everyone[i] == need)
                continue;
            m.signer = everyone[i];
            fx_fails(&f, &m, AK_EUNAUTHORIZED);
            others++;
        }
        ck_assert_int_ge(others, 5);
    }
    fx_fini(&f);
}
END_TEST

/* The required signer gets past the ante check: every message above is accepted or fails
 * with a rule of its own module, never ErrUnauthorized. */
START_TEST(the_required_signer_is_accepted)
{
    fx f;
    world(&f);
    for (int t = 0; t < AK_MSG_COUNT; t++) {
        ak_attr attr;
        ak_str key;
        ak_msg m = valid_msg(&f, (ak_msg_type)t, &attr, &key);
        m.signer = ak_msg_required_signer(&m);
        int rc = fx_send(&f, &m);
        ck_assert_msg(rc != AK_EUNAUTHORIZED, "%s refused its own signer", ak_msg_name(m.type));
    }
    fx_fini(&f);
}
END_TEST

/* PaymentCreate settles the account before it finds it overdrawn: the settlement (withdrawals
 * of the other lease, the overdraw cascade) is undone with the failed message. */
START_TEST(failed_lease_undoes_its_settlement)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 10);
    ak_msg m = fx_deploy2(&f, f.alice, 10, 500000, "100");
    fx_ok(&f, &m);
    ak_bid_id l1 = fx_bid_id(f.alice, 10, 1, 1, f.prov1), l2 = fx_bid_id(f.alice, 10, 2, 1, f.prov2);
    m = fx_bid(&f, l1, "100");
    fx_ok(&f, &m);
    m = fx_bid(&f, l2, "100");
    fx_ok(&f, &m);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, l1);
    fx_ok(&f, &m);
    fx_at(&f, 10 + 5001);
    size_t n0;
    ak_app_events(f.app, &n0);
    m = fx_lease_msg(AK_MSG_CREATE_LEASE, l2);
    fx_fails(&f, &m, AK_EACCOUNT_OVERDRAWN);
    size_t n1;
    ak_app_events(f.app, &n1);
    ck_assert_uint_eq(n1, n0); /* its events are gone too */
    ck_assert_uint_eq(fx_account(&f, f.alice, 10)->state, AK_ESCROW_OPEN);
    ck_assert_int_eq(fx_account(&f, f.alice, 10)->settled_at, 10);
    /* the overdraw is found for real by the provider's withdrawal */
    m = fx_lease_msg(AK_MSG_WITHDRAW_LEASE, l1);
    fx_ok(&f, &m);
    ck_assert_uint_eq(fx_account(&f, f.alice, 10)->state, AK_ESCROW_OVERDRAWN);
    fx_fini(&f);
}
END_TEST

/* A grant spent and then found short is restored with the failed message. */
START_TEST(failed_deposit_restores_spent_grant)
{
    fx f;
    world(&f);
    ak_msg g = valid_msg(&f, AK_MSG_GRANT_DEPOSIT_AUTHORIZATION, NULL, NULL);
    g.grant.grantee = f.bob;
    g.grant.spend_limit.amount = 300000;
    fx_ok(&f, &g);
    ak_msg m = fx_deploy(&f, f.bob, 20, 500000, "1");
    m.create_deployment.deposit.sources[0] = AK_SOURCE_GRANT;
    fx_fails(&f, &m, AK_EINVALID_DEPOSIT);
    ck_assert_int_eq(ak_grants_get(ak_app_grants(f.app), f.alice, f.bob)->spend_limit.amount, 300000);
    fx_fini(&f);
}
END_TEST

START_TEST(blocks_step_by_one_and_events_reset)
{
    fx f;
    world(&f);
    size_t n;
    ak_app_events(f.app, &n);
    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(ak_app_end_block(f.app), 0);
    ck_assert_int_eq(ak_app_begin_block(f.app, 12), AK_EINVAL);
    ck_assert_int_eq(ak_app_begin_block(f.app, 11), 0);
    ak_app_events(f.app, &n);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(ak_app_height(f.app), 11);
    ak_app_set_clock(f.app, 1767225600, 6); /* 2026-01-01T00:00:00Z */
    ck_assert_int_eq(ak_app_time(f.app), 1767225600 + 10 * 6);
    fx_fini(&f);
}
END_TEST

/* A successful message changes the digest (failures keeping it are checked by fx_fails). */
START_TEST(digest_follows_the_state)
{
    fx f;
    world(&f);
    uint64_t d0 = ak_app_digest(f.app);
    ak_msg m = fx_lease_msg(AK_MSG_CREATE_LEASE, fx_bid_id(f.alice, 10, 1, 1, f.prov1));
    fx_ok(&f, &m);
    ck_assert_uint_ne(ak_app_digest(f.app), d0);
    fx_fini(&f);
}
END_TEST

/* The checks can fail: each broken state below is reported. */
START_TEST(check_reports_broken_state)
{
    fx f;
    world(&f);
    char err[256];
    ck_assert_int_eq(ak_app_check(f.app, err, sizeof err), 0);
    ak_app *app = f.app;
    /* coins out of thin air */
    ak_bank_balance *bal = ak_pool_at(&app->bank.balances, 0);
    bal->amount += 1;
    ck_assert_int_eq(ak_app_check(app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "supply"));
    bal->amount -= 1;
    /* escrow bookkeeping that disagrees with the module account */
    ak_escrow_account *a = ak_pool_at(&app->escrow.accounts, 0);
    ak_escrow_deposit *d = ak_pool_at(&app->escrow.deposits, a->dep_head);
    d->balance.v += 1000000000000000000;
    ck_assert_int_eq(ak_app_check(app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "escrow"));
    d->balance.v -= 1000000000000000000;
    /* an active lease whose payment is not open */
    ak_msg m = fx_lease_msg(AK_MSG_CREATE_LEASE, fx_bid_id(f.alice, 10, 1, 1, f.prov1));
    fx_ok(&f, &m);
    ak_escrow_payment *p = ak_pool_at(&app->escrow.payments, 0);
    p->state = AK_ESCROW_CLOSED;
    ck_assert_int_eq(ak_app_check(app, err, sizeof err), AK_EINVARIANT);
    p->state = AK_ESCROW_OPEN;
    /* a deployment active while its account is closed */
    a->state = AK_ESCROW_CLOSED;
    ck_assert_int_eq(ak_app_check(app, err, sizeof err), AK_EINVARIANT);
    a->state = AK_ESCROW_OPEN;
    ck_assert_int_eq(ak_app_check(app, err, sizeof err), 0);
    /* a grant with a negative limit; audited attributes out of key order */
    ak_msg g = valid_msg(&f, AK_MSG_GRANT_DEPOSIT_AUTHORIZATION, NULL, NULL);
    fx_ok(&f, &g);
    ak_grant *gr = ak_pool_at(&app->grants.pool, 0);
    gr->spend_limit.amount = -1;
    ck_assert_int_eq(ak_app_check(app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "grants"));
    gr->spend_limit.amount = 5;
    ak_attr two[2] = {{fx_s(&f, "zone"), fx_s(&f, "a")}, {fx_s(&f, "arch"), fx_s(&f, "x86")}};
    ak_msg sa = {.type = AK_MSG_SIGN_PROVIDER_ATTRIBUTES};
    sa.sign_attrs.auditor = f.auditor;
    sa.sign_attrs.owner = f.prov1;
    sa.sign_attrs.attrs = (ak_attrs){two, 2};
    fx_ok(&f, &sa);
    ak_audit_record *r = ak_pool_at(&app->audit.pool, 0);
    ak_attr *v = (ak_attr *)r->attrs.v;
    ak_attr t = v[0];
    v[0] = v[1];
    v[1] = t;
    ck_assert_int_eq(ak_app_check(app, err, sizeof err), AK_EINVARIANT);
    ck_assert_ptr_nonnull(strstr(err, "audit"));
    v[1] = v[0];
    v[0] = t;
    ck_assert_int_eq(ak_app_check(app, err, sizeof err), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(unknown_rules_and_message_types)
{
    ak_app *app;
    ck_assert_int_eq(ak_app_create((ak_rules)7, &app), AK_EINVAL);
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = {.type = AK_MSG_COUNT};
    ck_assert_int_eq(ak_app_deliver(f.app, &m, &f.res), AK_EINVAL);
    ck_assert_str_eq(ak_msg_name(AK_MSG_CLOSE_LEASE), "MsgCloseLease");
    ak_msg_type t;
    ck_assert(ak_msg_type_from_name("MsgCreateBid", &t));
    ck_assert_int_eq(t, AK_MSG_CREATE_BID);
    ck_assert(!ak_msg_type_from_name("MsgMultiSend", &t));
    ck_assert_str_eq(ak_err_name(AK_EORDER_ACTIVE), "ErrOrderActive");
    ck_assert_str_eq(ak_err_name(1), "ErrUnknown");
    fx_fini(&f);
}
END_TEST

/* When the journal cannot record a write the app stops: it refuses every further call rather
 * than run on a state it cannot vouch for. */
START_TEST(a_faulted_journal_breaks_the_app)
{
    fx f;
    world(&f);
    f.app->store.fault = AK_ENOMEM; /* as if an allocation inside the journal had failed */
    ak_msg m = fx_lease_msg(AK_MSG_CREATE_LEASE, fx_bid_id(f.alice, 10, 1, 1, f.prov1));
    ck_assert_int_eq(ak_app_deliver(f.app, &m, &f.res), AK_EBROKEN);
    ck_assert_int_eq(ak_app_deliver(f.app, &m, &f.res), AK_EBROKEN);
    ck_assert_int_eq(ak_app_end_block(f.app), AK_EBROKEN);
    ck_assert_int_eq(ak_app_begin_block(f.app, 11), AK_EBROKEN);
    char err[128];
    ck_assert_int_eq(ak_app_check(f.app, err, sizeof err), AK_EINVARIANT);
    fx_fini(&f);
}
END_TEST

/* PaymentCreate refuses a zero rate (MsgCreateBid's ValidateBasic keeps zero prices out, so
 * only the keeper's own contract is exercised here). */
START_TEST(payment_create_refuses_zero_rate)
{
    fx f;
    world(&f);
    const ak_deployment *d = ak_app_find_deployment(f.app, (ak_deployment_id){f.alice, 10});
    ak_bid_id id = fx_bid_id(f.alice, 10, 1, 1, f.prov1);
    uint32_t ph;
    ck_assert_int_eq(ak_escrow_payment_create(f.app, d->account, &id, f.prov1,
                                              (ak_deccoin){f.uakt, ak_dec_zero()}, &ph),
                     AK_EPAYMENT_RATE_ZERO);
    ck_assert_int_eq(ak_escrow_payment_create(f.app, d->account, &id, f.prov1,
                                              (ak_deccoin){f.uusdc, ak_dec_from_int(1)}, &ph),
                     AK_EINVALID_DENOMINATION);
    fx_fini(&f);
}
END_TEST

/* A message naming no account where the chain needs an address fails with ErrInvalidAddress
 * (replay scripts cannot do this: names are checked when read; models could). */
START_TEST(missing_addresses_are_refused)
{
    fx f;
    world(&f);
    for (int t = 0; t < AK_MSG_COUNT; t++) {
        ak_attr attr;
        ak_str key;
        ak_msg m = valid_msg(&f, (ak_msg_type)t, &attr, &key);
        switch (m.type) {
        case AK_MSG_SEND: m.send.to = AK_ADDR_NONE; break;
        case AK_MSG_CREATE_PROVIDER:
        case AK_MSG_UPDATE_PROVIDER: m.provider.owner = AK_ADDR_NONE; break;
        case AK_MSG_SIGN_PROVIDER_ATTRIBUTES: m.sign_attrs.owner = AK_ADDR_NONE; break;
        case AK_MSG_DELETE_PROVIDER_ATTRIBUTES: m.delete_attrs.auditor = AK_ADDR_NONE; break;
        case AK_MSG_GRANT_DEPOSIT_AUTHORIZATION: m.grant.grantee = AK_ADDR_NONE; break;
        case AK_MSG_CREATE_DEPLOYMENT: m.create_deployment.id.owner = AK_ADDR_NONE; break;
        case AK_MSG_UPDATE_DEPLOYMENT: m.update_deployment.id.owner = AK_ADDR_NONE; break;
        case AK_MSG_CLOSE_DEPLOYMENT: m.close_deployment.id.owner = AK_ADDR_NONE; break;
        case AK_MSG_CLOSE_GROUP:
        case AK_MSG_PAUSE_GROUP:
        case AK_MSG_START_GROUP: m.group.id.owner = AK_ADDR_NONE; break;
        case AK_MSG_ACCOUNT_DEPOSIT: m.account_deposit.signer = AK_ADDR_NONE; break;
        case AK_MSG_CREATE_BID: m.create_bid.id.provider = AK_ADDR_NONE; break;
        case AK_MSG_CLOSE_BID: m.close_bid.id.owner = AK_ADDR_NONE; break;
        case AK_MSG_CREATE_LEASE:
        case AK_MSG_WITHDRAW_LEASE:
        case AK_MSG_CLOSE_LEASE: m.lease.id.provider = AK_ADDR_NONE; break;
        case AK_MSG_CREATE_VALIDATOR: m.create_validator.validator = AK_ADDR_NONE; break;
        case AK_MSG_EDIT_VALIDATOR: m.edit_validator.validator = AK_ADDR_NONE; break;
        case AK_MSG_DELEGATE:
        case AK_MSG_UNDELEGATE: m.delegate.validator = AK_ADDR_NONE; break;
        case AK_MSG_BEGIN_REDELEGATE: m.redelegate.dst = AK_ADDR_NONE; break;
        case AK_MSG_UNJAIL:
        case AK_MSG_WITHDRAW_VALIDATOR_COMMISSION: m.validator.validator = AK_ADDR_NONE; break;
        case AK_MSG_WITHDRAW_DELEGATOR_REWARD: m.withdraw_reward.validator = AK_ADDR_NONE; break;
        case AK_MSG_SUBMIT_PROPOSAL: m.submit_proposal.proposer = AK_ADDR_NONE; break;
        case AK_MSG_DEPOSIT: m.gov_deposit.depositor = AK_ADDR_NONE; break;
        case AK_MSG_VOTE:
        case AK_MSG_VOTE_WEIGHTED: m.vote.voter = AK_ADDR_NONE; break;
        case AK_MSG_COUNT: break;
        }
        fx_fails(&f, &m, AK_EINVALID_ADDRESS);
    }
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("app");
    TCase *tc = tcase_create("app");
    tcase_add_test(tc, every_message_requires_its_signer);
    tcase_add_test(tc, the_required_signer_is_accepted);
    tcase_add_test(tc, failed_lease_undoes_its_settlement);
    tcase_add_test(tc, failed_deposit_restores_spent_grant);
    tcase_add_test(tc, blocks_step_by_one_and_events_reset);
    tcase_add_test(tc, digest_follows_the_state);
    tcase_add_test(tc, check_reports_broken_state);
    tcase_add_test(tc, unknown_rules_and_message_types);
    tcase_add_test(tc, a_faulted_journal_breaks_the_app);
    tcase_add_test(tc, payment_create_refuses_zero_rate);
    tcase_add_test(tc, missing_addresses_are_refused);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
