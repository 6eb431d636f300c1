/*
 * tests/test_bank.c: balances, supply and MsgSend (protocol/bank.h; market-rules.md section 3.1
 * "coins move only ... via x/bank"; the upstream checks of cosmos-sdk v0.53 x/bank MsgSend as
 * /work/notes/provider-upstream.md section 6 reads them).
 *
 * MsgSend goes through the app (fx_ok / fx_fails, so a failure is proven to change nothing);
 * every error it can return is provoked once, in the handler's order: ErrInvalidCoins,
 * ErrSendDisabled, ErrUnauthorized (module-account recipient, wrong signer),
 * ErrInsufficientFunds. The bank's own entry points (mint, burn, send, check) are tested on a
 * bank of their own.
 */
#include <stdint.h>

#include "fixture.h"

static ak_msg send_msg(ak_addr from, ak_addr to, ak_denom denom, ak_amount amount)
{
    ak_msg m = {.type = AK_MSG_SEND};
    m.send.from = from;
    m.send.to = to;
    m.send.amount = (ak_coin){denom, amount};
    return m;
}

/* The fixture's genesis supply: alice 100 AKT, carol 50, prov1 and prov2 10 each. */
#define FX_SUPPLY 170000000

START_TEST(send_moves_coins_and_keeps_supply)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = send_msg(f.alice, f.bob, f.uakt, 1234567);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_balance(&f, f.alice), 100000000 - 1234567);
    ck_assert_int_eq(fx_balance(&f, f.bob), 1234567); /* the recipient need not exist */
    ck_assert_int_eq(ak_bank_supply_of(ak_app_bank(f.app), f.uakt), FX_SUPPLY);
    /* the whole balance may go */
    m = send_msg(f.bob, f.carol, f.uakt, 1234567);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_balance(&f, f.bob), 0);
    ck_assert_int_eq(fx_balance(&f, f.carol), 50000000 + 1234567);
    fx_fini(&f);
}
END_TEST

/* Coins.Validate requires a denom and an amount > 0: zero, negative and empty amounts fail. */
START_TEST(send_of_zero_negative_or_empty_amount_is_invalid_coins)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = send_msg(f.alice, f.bob, f.uakt, 0);
    fx_fails(&f, &m, AK_EINVALID_COINS);
    ck_assert_str_eq(f.res.detail, "0uakt: invalid coins");
    m = send_msg(f.alice, f.bob, f.uakt, -5);
    fx_fails(&f, &m, AK_EINVALID_COINS);
    ck_assert_str_eq(f.res.detail, "-5uakt: invalid coins");
    m = send_msg(f.alice, f.bob, AK_ADDR_NONE, 5); /* no denom: an empty Coins */
    fx_fails(&f, &m, AK_EINVALID_COINS);
    ck_assert_str_eq(f.res.detail, ": invalid coins");
    fx_fini(&f);
}
END_TEST

/* subUnlockedCoins: "spendable balance <spendable> is smaller than <coin>". */
START_TEST(send_above_spendable_is_insufficient_funds)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = send_msg(f.alice, f.bob, f.uakt, 100000001);
    fx_fails(&f, &m, AK_EINSUFFICIENT_FUNDS);
    ck_assert_str_eq(f.res.detail,
                     "spendable balance 100000000uakt is smaller than 100000001uakt: "
                     "insufficient funds");
    /* an account that never held the denom has a spendable balance of 0 */
    m = send_msg(f.bob, f.alice, f.uakt, 1);
    fx_fails(&f, &m, AK_EINSUFFICIENT_FUNDS);
    ck_assert_str_eq(f.res.detail, "spendable balance 0uakt is smaller than 1uakt: insufficient funds");
    m = send_msg(f.alice, f.bob, f.uusdc, 7);
    fx_fails(&f, &m, AK_EINSUFFICIENT_FUNDS);
    ck_assert_str_eq(f.res.detail, "spendable balance 0uusdc is smaller than 7uusdc: insufficient funds");
    /* exactly the balance is fine */
    m = send_msg(f.alice, f.bob, f.uakt, 100000000);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_balance(&f, f.alice), 0);
    fx_fini(&f);
}
END_TEST

/* Sending to yourself needs the funds (x/bank subtracts before it adds) and changes nothing. */
START_TEST(self_send_needs_the_funds)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    uint64_t before = ak_app_digest(f.app);
    ak_msg m = send_msg(f.carol, f.carol, f.uakt, 50000000);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_balance(&f, f.carol), 50000000);
    ck_assert_uint_eq(ak_app_digest(f.app), before);
    m = send_msg(f.carol, f.carol, f.uakt, 50000001);
    fx_fails(&f, &m, AK_EINSUFFICIENT_FUNDS);
    fx_fini(&f);
}
END_TEST

/* BlockedAddr: node v1.2.2 blocks every module account as a MsgSend recipient. */
START_TEST(send_to_a_module_account_is_unauthorized)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const ak_bank *bank = ak_app_bank(f.app);
    for (int mod = 0; mod < AK_MODULE_COUNT; mod++) {
        ak_msg m = send_msg(f.alice, ak_bank_module_addr(bank, (ak_module)mod), f.uakt, 10);
        fx_fails(&f, &m, AK_EUNAUTHORIZED);
    }
    ak_msg m = send_msg(f.alice, ak_bank_module_addr(bank, AK_MODULE_ESCROW), f.uakt, 10);
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    ck_assert_str_eq(f.res.detail, "module:escrow is not allowed to receive funds: unauthorized");
    fx_fini(&f);
}
END_TEST

/* The signer must be `from`. */
START_TEST(send_signed_by_another_account_is_unauthorized)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = send_msg(f.alice, f.carol, f.uakt, 10);
    m.signer = f.carol;
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    ck_assert_str_eq(f.res.detail,
                     "carol is not the signer MsgSend requires (alice): unauthorized");
    m.signer = f.alice;
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_balance(&f, f.carol), 50000010);
    fx_fini(&f);
}
END_TEST

/* SendEnabled per denom: MsgSend refuses a disabled denom; module transfers (escrow deposits)
 * still work, other denoms still send, and re-enabling restores MsgSend. The bank is only
 * readable through the app, so the test casts away const to flip the switch between blocks,
 * as a chain upgrade handler would (node v2.0.0 SetSendEnabled(uact, false)). */
START_TEST(send_of_a_disabled_denom_fails)
{
    fx f;
    fx_init(&f);
    ck_assert_int_eq(ak_app_genesis_balance(f.app, f.alice, (ak_coin){f.uusdc, 1000}), 0);
    ak_bank *bank = (ak_bank *)ak_app_bank(f.app); /* const cast: see the comment above */
    ck_assert(ak_bank_send_enabled(bank, f.uakt));
    ck_assert_int_eq(ak_bank_set_send_enabled(bank, f.uakt, false), 0);
    ck_assert(!ak_bank_send_enabled(bank, f.uakt));
    fx_at(&f, 1);
    ak_msg m = send_msg(f.alice, f.bob, f.uakt, 10);
    fx_fails(&f, &m, AK_ESEND_DISABLED);
    ck_assert_str_eq(f.res.detail,
                     "uakt transfers are currently disabled: send transactions are disabled");
    m = send_msg(f.alice, f.bob, f.uusdc, 10);
    fx_ok(&f, &m);
    ck_assert_int_eq(ak_bank_balance_of(bank, f.bob, f.uusdc), 10);
    /* escrow deposits move uakt account -> module through the bank, not MsgSend */
    ak_msg d = fx_deploy(&f, f.alice, 1, 500000, "1");
    fx_ok(&f, &d);
    ck_assert_int_eq(fx_module(&f, AK_MODULE_ESCROW), 500000);
    ck_assert_int_eq(ak_bank_set_send_enabled(bank, f.uakt, true), 0);
    m = send_msg(f.alice, f.bob, f.uakt, 10);
    fx_ok(&f, &m);
    ck_assert_int_eq(fx_balance(&f, f.bob), 10);
    fx_fini(&f);
}
END_TEST

/* msgServer.Send checks amount, then SendEnabled, then BlockedAddr, then the balance. */
START_TEST(send_errors_come_in_handler_order)
{
    fx f;
    fx_init(&f);
    ak_bank *bank = (ak_bank *)ak_app_bank(f.app); /* const cast, as above */
    ck_assert_int_eq(ak_bank_set_send_enabled(bank, f.uakt, false), 0);
    fx_at(&f, 1);
    ak_addr escrow = ak_bank_module_addr(bank, AK_MODULE_ESCROW);
    /* zero amount, disabled denom, blocked recipient, no funds: the amount is checked first */
    ak_msg m = send_msg(f.bob, escrow, f.uakt, 0);
    fx_fails(&f, &m, AK_EINVALID_COINS);
    /* disabled denom, blocked recipient, no funds */
    m = send_msg(f.bob, escrow, f.uakt, 5);
    fx_fails(&f, &m, AK_ESEND_DISABLED);
    ck_assert_int_eq(ak_bank_set_send_enabled(bank, f.uakt, true), 0);
    /* blocked recipient, no funds */
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    /* no funds */
    m = send_msg(f.bob, f.alice, f.uakt, 5);
    fx_fails(&f, &m, AK_EINSUFFICIENT_FUNDS);
    fx_fini(&f);
}
END_TEST

/* ---- the bank's own entry points, on a bank of their own ---- */

typedef struct bank_fx {
    ak_store store;
    ak_strtab strs;
    ak_bank bank;
    ak_addr a, b;
    ak_denom uakt;
} bank_fx;

static void bank_setup(bank_fx *t)
{
    ak_store_init(&t->store);
    ck_assert_int_eq(ak_strtab_init(&t->strs), 0);
    ck_assert_int_eq(ak_bank_init(&t->bank, &t->store, &t->strs), 0);
    ck_assert_int_eq(ak_strtab_intern(&t->strs, "a", 1, &t->a), 0);
    ck_assert_int_eq(ak_strtab_intern(&t->strs, "b", 1, &t->b), 0);
    ck_assert_int_eq(ak_strtab_intern(&t->strs, "uakt", 4, &t->uakt), 0);
}

static void bank_teardown(bank_fx *t)
{
    ak_bank_fini(&t->bank);
    ak_strtab_fini(&t->strs);
    ak_store_fini(&t->store);
}

START_TEST(module_accounts_have_reserved_names)
{
    bank_fx t;
    bank_setup(&t);
    ck_assert_str_eq(ak_bank_module_name(AK_MODULE_ESCROW), "escrow");
    ck_assert_str_eq(ak_bank_module_name(AK_MODULE_DISTRIBUTION), "distribution");
    ck_assert_str_eq(ak_bank_module_name(AK_MODULE_FEE_COLLECTOR), "fee_collector");
    ck_assert_str_eq(ak_bank_module_name(AK_MODULE_COUNT), "");
    ak_addr esc = ak_bank_module_addr(&t.bank, AK_MODULE_ESCROW);
    ck_assert_str_eq(ak_strtab_get(&t.strs, esc), "module:escrow");
    ak_module which = AK_MODULE_COUNT;
    ck_assert(ak_bank_is_module(&t.bank, ak_bank_module_addr(&t.bank, AK_MODULE_GOV), &which));
    ck_assert_int_eq(which, AK_MODULE_GOV);
    ck_assert(!ak_bank_is_module(&t.bank, t.a, NULL));
    bank_teardown(&t);
}
END_TEST

/* Mint adds to balance and supply; past int64 it is AK_EOVERFLOW and nothing changes. */
START_TEST(mint_and_burn_move_the_supply)
{
    bank_fx t;
    bank_setup(&t);
    ck_assert_int_eq(ak_bank_mint(&t.bank, t.a, (ak_coin){t.uakt, 700}), 0);
    ck_assert_int_eq(ak_bank_mint(&t.bank, t.b, (ak_coin){t.uakt, 300}), 0);
    ck_assert_int_eq(ak_bank_supply_of(&t.bank, t.uakt), 1000);
    ck_assert_int_eq(ak_bank_burn(&t.bank, t.a, (ak_coin){t.uakt, 200}), 0);
    ck_assert_int_eq(ak_bank_balance_of(&t.bank, t.a, t.uakt), 500);
    ck_assert_int_eq(ak_bank_supply_of(&t.bank, t.uakt), 800);
    ck_assert_int_eq(ak_bank_burn(&t.bank, t.a, (ak_coin){t.uakt, 501}), AK_EINSUFFICIENT_FUNDS);
    ck_assert_int_eq(ak_bank_burn(&t.bank, t.a, (ak_coin){t.uakt, -1}), AK_EINVALID_COINS);
    ck_assert_int_eq(ak_bank_mint(&t.bank, t.a, (ak_coin){t.uakt, -1}), AK_EINVALID_COINS);
    ck_assert_int_eq(ak_bank_mint(&t.bank, t.a, (ak_coin){t.uakt, INT64_MAX - 800}), 0);
    ck_assert_int_eq(ak_bank_mint(&t.bank, t.b, (ak_coin){t.uakt, 1}), AK_EOVERFLOW);
    ck_assert_int_eq(ak_bank_balance_of(&t.bank, t.b, t.uakt), 300);
    ck_assert_int_eq(ak_bank_supply_of(&t.bank, t.uakt), INT64_MAX);
    char err[128];
    ck_assert_int_eq(ak_bank_check(&t.bank, err, sizeof err), 0);
    bank_teardown(&t);
}
END_TEST

START_TEST(bank_send_moves_exactly_or_nothing)
{
    bank_fx t;
    bank_setup(&t);
    ck_assert_int_eq(ak_bank_mint(&t.bank, t.a, (ak_coin){t.uakt, 100}), 0);
    ck_assert_int_eq(ak_bank_send(&t.bank, t.a, t.b, (ak_coin){t.uakt, 101}), AK_EINSUFFICIENT_FUNDS);
    ck_assert_int_eq(ak_bank_send(&t.bank, t.a, t.b, (ak_coin){t.uakt, -1}), AK_EINVALID_COINS);
    ck_assert_int_eq(ak_bank_send(&t.bank, t.b, t.a, (ak_coin){t.uakt, 0}), 0); /* a no-op */
    ck_assert_int_eq(ak_bank_balance_of(&t.bank, t.a, t.uakt), 100);
    ck_assert_int_eq(ak_bank_send(&t.bank, t.a, t.b, (ak_coin){t.uakt, 60}), 0);
    ck_assert_int_eq(ak_bank_balance_of(&t.bank, t.a, t.uakt), 40);
    ck_assert_int_eq(ak_bank_balance_of(&t.bank, t.b, t.uakt), 60);
    ck_assert_int_eq(ak_bank_supply_of(&t.bank, t.uakt), 100);
    bank_teardown(&t);
}
END_TEST

/* The invariant: per denom the balances sum to the supply, and none is negative. */
START_TEST(check_finds_broken_books)
{
    bank_fx t;
    bank_setup(&t);
    ck_assert_int_eq(ak_bank_mint(&t.bank, t.a, (ak_coin){t.uakt, 100}), 0);
    ck_assert_int_eq(ak_bank_mint(&t.bank, t.b, (ak_coin){t.uakt, 50}), 0);
    char err[160];
    ck_assert_int_eq(ak_bank_check(&t.bank, err, sizeof err), 0);
    ak_bank_balance *ba = ak_pool_at(&t.bank.balances, 0), *bb = ak_pool_at(&t.bank.balances, 1);
    ck_assert_uint_eq(ba->addr, t.a);
    ba->amount += 1; /* a coin from nowhere */
    ck_assert_int_eq(ak_bank_check(&t.bank, err, sizeof err), AK_EINVARIANT);
    ck_assert_str_eq(err, "bank: balances of uakt sum to 151, supply is 150");
    ba->amount = 151;
    bb->amount = -1; /* sums right, but b is negative */
    ck_assert_int_eq(ak_bank_check(&t.bank, err, sizeof err), AK_EINVARIANT);
    ck_assert_str_eq(err, "bank: balance of b is negative (-1uakt)");
    bank_teardown(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bank");
    TCase *tc = tcase_create("msg_send");
    tcase_add_test(tc, send_moves_coins_and_keeps_supply);
    tcase_add_test(tc, send_of_zero_negative_or_empty_amount_is_invalid_coins);
    tcase_add_test(tc, send_above_spendable_is_insufficient_funds);
    tcase_add_test(tc, self_send_needs_the_funds);
    tcase_add_test(tc, send_to_a_module_account_is_unauthorized);
    tcase_add_test(tc, send_signed_by_another_account_is_unauthorized);
    tcase_add_test(tc, send_of_a_disabled_denom_fails);
    tcase_add_test(tc, send_errors_come_in_handler_order);
    suite_add_tcase(s, tc);
    TCase *tk = tcase_create("keeper");
    tcase_add_test(tk, module_accounts_have_reserved_names);
    tcase_add_test(tk, mint_and_burn_move_the_supply);
    tcase_add_test(tk, bank_send_moves_exactly_or_nothing);
    tcase_add_test(tk, check_finds_broken_books);
    suite_add_tcase(s, tk);
    return fx_run(s);
}
