/*
 * sim/params_json.c: module parameters read from and written as JSON (see params_json.h;
 * market-rules.md section 2).
 */
#include "params_json.h"

#include <stdio.h>
#include <string.h>

#include "jvalue.h"

static const char *const chain_modules[] = {"staking", "slashing", "distribution", "mint", "gov",
                                            NULL};

static void read_deployment(jr *r, const cJSON *o, ak_strtab *strs, ak_deployment_params *d)
{
    static const char *const keys[] = {"min_deposits", NULL};
    jr_keys(r, o, keys);
    const cJSON *v = jr_opt(o, "min_deposits");
    if (v)
        d->n_min_deposits = jv_coins(r, v, strs, d->min_deposits, AK_PARAMS_MAX_DENOMS);
}

static void read_market(jr *r, const cJSON *o, ak_strtab *strs, ak_market_params *m)
{
    static const char *const keys[] = {"bid_min_deposit", "order_max_bids", "bid_min_deposits",
                                       NULL};
    jr_keys(r, o, keys);
    const cJSON *v;
    if ((v = jr_opt(o, "bid_min_deposit")))
        m->bid_min_deposit = jv_coin(r, v, strs);
    if ((v = jr_opt(o, "order_max_bids")))
        m->order_max_bids = (uint32_t)jr_uint(r, v, UINT32_MAX);
    if ((v = jr_opt(o, "bid_min_deposits")))
        m->n_bid_min_deposits = jv_coins(r, v, strs, m->bid_min_deposits, AK_PARAMS_MAX_DENOMS);
}

static void read_take(jr *r, const cJSON *o, ak_strtab *strs, ak_take_params *t)
{
    static const char *const keys[] = {"default_take_rate", "denom_take_rates", NULL};
    jr_keys(r, o, keys);
    const cJSON *v;
    if ((v = jr_opt(o, "default_take_rate")))
        t->default_take_rate = (uint32_t)jr_uint(r, v, UINT32_MAX);
    if ((v = jr_opt(o, "denom_take_rates"))) {
        jr_object(r, v);
        jv_unique_keys(r, v);
        uint32_t n = 0;
        for (const cJSON *c = v->child; c; c = c->next) {
            if (n == AK_PARAMS_MAX_DENOMS)
                jr_fail(r, c, "too many denoms: at most %d", AK_PARAMS_MAX_DENOMS);
            ak_take_rate tr;
            tr.denom = jv_denom(r, c, c->string, strlen(c->string), strs);
            for (uint32_t i = 0; i < n; i++)
                if (t->denom_take_rates[i].denom == tr.denom)
                    jr_fail(r, c, "denom %s appears twice", ak_strtab_get(strs, tr.denom));
            tr.rate = (uint32_t)jr_uint(r, c, UINT32_MAX);
            t->denom_take_rates[n++] = tr;
        }
        t->n_denom_take_rates = n;
    }
}

void ak_params_json_read(jr *r, const cJSON *obj, ak_strtab *strs, ak_params *p)
{
    static const char *const keys[] = {"deployment", "market", "take", "staking", "slashing",
                                       "distribution", "mint", "gov", NULL};
    jr_keys(r, obj, keys);
    for (const char *const *m = chain_modules; *m; m++) {
        const cJSON *v = jr_opt(obj, *m);
        if (v && !(cJSON_IsObject(v) && !v->child))
            jr_fail(r, v, "the chain layer is not implemented yet");
    }
    const cJSON *v;
    if ((v = jr_opt(obj, "deployment")))
        read_deployment(r, v, strs, &p->deployment);
    if ((v = jr_opt(obj, "market")))
        read_market(r, v, strs, &p->market);
    if ((v = jr_opt(obj, "take")))
        read_take(r, v, strs, &p->take);
}

void ak_params_json_validate(jr *r, const cJSON *obj, const ak_strtab *strs, const ak_params *p)
{
    char msg[256];
    if (ak_params_validate(p, strs, msg, sizeof msg) == 0)
        return;
    /* msg is "<module>.<param>: reason": point at that param if the input has it */
    const cJSON *node = obj;
    const char *reason = msg;
    const char *dot = strchr(msg, '.'), *colon = strstr(msg, ": ");
    if (dot && colon && dot < colon) {
        char module[64], param[64];
        snprintf(module, sizeof module, "%.*s", (int)(dot - msg), msg);
        snprintf(param, sizeof param, "%.*s", (int)(colon - dot - 1), dot + 1);
        const cJSON *mo = obj ? jr_opt(obj, module) : NULL;
        const cJSON *pa = mo ? jr_opt(mo, param) : NULL;
        if (pa || mo) {
            node = pa ? pa : mo;
            reason = pa ? colon + 2 : dot + 1;
        }
    }
    if (node)
        jr_fail(r, node, "%s", reason);
    jr_fail(r, NULL, "params: %s", reason);
}

static void write_coins(jw *w, const ak_strtab *strs, const ak_coin *c, uint32_t n)
{
    jw_array_flat(w);
    for (uint32_t i = 0; i < n; i++) {
        char buf[192];
        jv_format_coin(strs, c[i], buf, sizeof buf);
        jw_str(w, buf);
    }
    jw_array_end(w);
}

void ak_params_json_write(jw *w, const ak_params *p, const ak_strtab *strs)
{
    char buf[192];
    jw_object(w);

    jw_key(w, "deployment");
    jw_object(w);
    jw_key(w, "min_deposits");
    write_coins(w, strs, p->deployment.min_deposits, p->deployment.n_min_deposits);
    jw_object_end(w);

    jw_key(w, "market");
    jw_object(w);
    jv_format_coin(strs, p->market.bid_min_deposit, buf, sizeof buf);
    jw_kstr(w, "bid_min_deposit", buf);
    jw_kint(w, "order_max_bids", p->market.order_max_bids);
    jw_key(w, "bid_min_deposits");
    write_coins(w, strs, p->market.bid_min_deposits, p->market.n_bid_min_deposits);
    jw_object_end(w);

    jw_key(w, "take");
    jw_object(w);
    jw_kint(w, "default_take_rate", p->take.default_take_rate);
    jw_key(w, "denom_take_rates");
    jw_object_flat(w);
    for (uint32_t i = 0; i < p->take.n_denom_take_rates; i++)
        jw_kint(w, ak_strtab_get(strs, p->take.denom_take_rates[i].denom),
                p->take.denom_take_rates[i].rate);
    jw_object_end(w);
    jw_object_end(w);

    jw_object_end(w);
}
