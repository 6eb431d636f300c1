/*
 * sim/params_json.c: module parameters read from and written as JSON through the parameter
 * table (see params_json.h; market-rules.md section 2, chain-rules.md section 7).
 */
#include "params_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jvalue.h"

/* A JSON number as the shortest decimal that reads back as the same double, then as a Dec: so
 * 0.05 is exactly 0.05, not the binary double's expansion. */
static ak_dec number_dec(jr *r, const cJSON *node)
{
    double v = node->valuedouble;
    if (!isfinite(v) || fabs(v) > 1e15)
        jr_fail(r, node, "expected a decimal such as \"0.05\", found %g", v);
    char buf[64];
    for (int d = 0; d <= 18; d++) {
        snprintf(buf, sizeof buf, "%.*f", d, v);
        if (strtod(buf, NULL) == v) {
            ak_dec out;
            if (ak_dec_parse(buf, strlen(buf), &out) == 0)
                return out;
            break;
        }
    }
    jr_fail(r, node, "the number %.17g has more than 18 decimals; write it as a string", v);
}

static ak_dec read_dec(jr *r, const cJSON *node)
{
    if (cJSON_IsNumber(node))
        return number_dec(r, node);
    size_t n;
    const char *s = jr_string(r, node, &n);
    ak_dec d;
    int rc = ak_dec_parse(s, n, &d);
    if (rc)
        jr_fail(r, node, "expected a decimal with at most 18 fractional digits, found \"%.40s\"", s);
    return d;
}

/* "<seconds>s" */
static int64_t read_duration(jr *r, const cJSON *node)
{
    size_t n;
    const char *s = jr_string(r, node, &n);
    int64_t v = 0;
    bool ok = n >= 2 && s[n - 1] == 's';
    for (size_t i = 0; ok && i + 1 < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - 9) / 10)
            ok = false;
        else
            v = v * 10 + (s[i] - '0');
    }
    if (!ok)
        jr_fail(r, node, "expected a duration in seconds like \"1814400s\", found \"%.40s\"", s);
    return v;
}

void ak_params_json_value(jr *r, const cJSON *node, const ak_param_def *def, ak_strtab *strs,
                          ak_param_value *out)
{
    memset(out, 0, sizeof *out);
    out->kind = def->kind;
    switch (def->kind) {
    case AK_PK_U32:
        out->i = (int64_t)jr_uint(r, node, UINT32_MAX);
        break;
    case AK_PK_I64:
        out->i = jr_int(r, node, INT64_MIN, INT64_MAX);
        break;
    case AK_PK_U64:
        out->i = (int64_t)jr_uint(r, node, INT64_MAX);
        break;
    case AK_PK_DEC:
        out->dec = read_dec(r, node);
        break;
    case AK_PK_DURATION:
        out->i = read_duration(r, node);
        break;
    case AK_PK_COIN:
        out->coins[0] = jv_coin(r, node, strs);
        out->n = 1;
        break;
    case AK_PK_COINS:
        out->n = jv_coins(r, node, strs, out->coins, AK_PARAMS_MAX_DENOMS);
        break;
    case AK_PK_DENOM: {
        size_t n;
        const char *s = jr_string(r, node, &n);
        out->denom = jv_denom(r, node, s, n, strs);
        break;
    }
    case AK_PK_BOOL:
        out->b = jr_bool(r, node);
        break;
    case AK_PK_TAKE_RATES: {
        jr_object(r, node);
        jv_unique_keys(r, node);
        uint32_t n = 0;
        for (const cJSON *c = node->child; c; c = c->next) {
            if (n == AK_PARAMS_MAX_DENOMS)
                jr_fail(r, c, "too many denoms: at most %d", AK_PARAMS_MAX_DENOMS);
            ak_take_rate tr;
            tr.denom = jv_denom(r, c, c->string, strlen(c->string), strs);
            for (uint32_t i = 0; i < n; i++)
                if (out->rates[i].denom == tr.denom)
                    jr_fail(r, c, "denom %s appears twice", ak_strtab_get(strs, tr.denom));
            tr.rate = (uint32_t)jr_uint(r, c, UINT32_MAX);
            out->rates[n++] = tr;
        }
        out->n = n;
        break;
    }
    }
}

void ak_params_json_read(jr *r, const cJSON *obj, ak_strtab *strs, ak_params *p)
{
    jr_object(r, obj);
    for (const cJSON *mo = obj->child; mo; mo = mo->next) {
        for (const cJSON *d = obj->child; d != mo; d = d->next)
            if (strcmp(d->string, mo->string) == 0)
                jr_fail(r, mo, "duplicate key");
        if (strcmp(mo->string, "uncertain") == 0)
            continue; /* what `akashsim params` adds beside the values */
        ak_param_module m;
        if (!ak_param_module_from_name(mo->string, &m))
            jr_fail(r, mo, "unknown module (allowed: deployment, market, take, staking, "
                           "slashing, distribution, mint, gov, consensus)");
        jr_object(r, mo);
        for (const cJSON *pa = mo->child; pa; pa = pa->next) {
            for (const cJSON *d = mo->child; d != pa; d = d->next)
                if (strcmp(d->string, pa->string) == 0)
                    jr_fail(r, pa, "duplicate key");
            const ak_param_def *def = ak_param_find(m, pa->string);
            if (!def) {
                char list[512] = "";
                size_t len = 0;
                for (size_t i = 0; i < ak_param_ndefs && len < sizeof list - 1; i++) {
                    if (ak_param_defs[i].module != m)
                        continue;
                    int k = snprintf(list + len, sizeof list - len, "%s%s", len ? ", " : "",
                                     ak_param_defs[i].name);
                    if (k < 0)
                        break;
                    len += (size_t)k;
                }
                jr_fail(r, pa, "unknown param (allowed: %s)", list);
            }
            ak_param_value v;
            ak_params_json_value(r, pa, def, strs, &v);
            if (ak_params_set(p, def, &v))
                jr_fail(r, pa, "value out of range");
        }
    }
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

void ak_params_json_write_value(jw *w, const ak_params *p, const ak_param_def *def,
                                const ak_strtab *strs)
{
    const void *v = ak_param_cptr(p, def);
    char buf[192];
    switch (def->kind) {
    case AK_PK_U32:
        jw_uint(w, *(const uint32_t *)v);
        break;
    case AK_PK_I64:
        jw_int(w, *(const int64_t *)v);
        break;
    case AK_PK_U64:
        jw_uint(w, *(const uint64_t *)v);
        break;
    case AK_PK_DEC:
        ak_dec_format(*(const ak_dec *)v, buf, sizeof buf);
        jw_str(w, buf);
        break;
    case AK_PK_DURATION:
        jw_strf(w, "%llds", (long long)*(const int64_t *)v);
        break;
    case AK_PK_COIN:
        jv_format_coin(strs, *(const ak_coin *)v, buf, sizeof buf);
        jw_str(w, buf);
        break;
    case AK_PK_COINS: {
        const ak_coin *c = v;
        uint32_t n = *(const uint32_t *)((const char *)p + def->count_offset);
        jw_array_flat(w);
        for (uint32_t i = 0; i < n; i++) {
            jv_format_coin(strs, c[i], buf, sizeof buf);
            jw_str(w, buf);
        }
        jw_array_end(w);
        break;
    }
    case AK_PK_DENOM:
        jw_str(w, ak_strtab_get(strs, *(const ak_denom *)v));
        break;
    case AK_PK_BOOL:
        jw_bool(w, *(const bool *)v);
        break;
    case AK_PK_TAKE_RATES: {
        const ak_take_rate *t = v;
        uint32_t n = *(const uint32_t *)((const char *)p + def->count_offset);
        jw_object_flat(w);
        for (uint32_t i = 0; i < n; i++)
            jw_kint(w, ak_strtab_get(strs, t[i].denom), t[i].rate);
        jw_object_end(w);
        break;
    }
    }
}

void ak_params_json_write(jw *w, const ak_params *p, const ak_strtab *strs, bool with_uncertain)
{
    jw_object(w);
    for (int m = 0; m < AK_PM_COUNT; m++) {
        jw_key(w, ak_param_module_name((ak_param_module)m));
        jw_object(w);
        for (size_t i = 0; i < ak_param_ndefs; i++) {
            if (ak_param_defs[i].module != (ak_param_module)m)
                continue;
            jw_key(w, ak_param_defs[i].name);
            ak_params_json_write_value(w, p, &ak_param_defs[i], strs);
        }
        jw_object_end(w);
    }
    if (with_uncertain) {
        jw_key(w, "uncertain");
        jw_object(w);
        for (size_t i = 0; i < ak_param_ndefs; i++) {
            if (!ak_param_defs[i].uncertain)
                continue;
            char key[128];
            snprintf(key, sizeof key, "%s.%s", ak_param_module_name(ak_param_defs[i].module),
                     ak_param_defs[i].name);
            jw_kstr(w, key, ak_param_defs[i].uncertain);
        }
        jw_object_end(w);
    }
    jw_object_end(w);
}

void ak_params_json_change(jr *r, const cJSON *node, ak_strtab *strs, ak_param_change *out)
{
    static const char *const keys[] = {"module", "param", "value", NULL};
    jr_keys(r, node, keys);
    const cJSON *mn = jr_req(r, node, "module"), *pn = jr_req(r, node, "param");
    const char *ms = jr_string(r, mn, NULL), *ps = jr_string(r, pn, NULL);
    ak_param_module mod;
    if (!ak_param_module_from_name(ms, &mod))
        jr_fail(r, mn, "unknown module \"%.60s\": expected deployment, market, take, "
                       "staking, slashing, distribution, mint, gov or consensus", ms);
    const ak_param_def *def = ak_param_find(mod, ps);
    if (!def)
        jr_fail(r, pn, "unknown param \"%.60s\" of module %s (see `akashsim params`)", ps, ms);
    out->def = def;
    ak_params_json_value(r, jr_req(r, node, "value"), def, strs, &out->value);
}
