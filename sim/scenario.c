/*
 * sim/scenario.c: reading, overriding and validating a scenario (see scenario.h; the keys and
 * their defaults are documented in docs/scenarios.md, which must follow this file).
 */
#include "scenario.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "jread.h"
#include "jvalue.h"
#include "params_json.h"

#define TOOL "scenario"
#define US_PER_DAY 86400000000.0
#define DEFAULT_GENESIS_TIME ((ak_unix)1767225600) /* 2026-01-01T00:00:00Z */

/* ---- --set overrides ---- */

/* Apply one "path=value" to the tree. The path is dot-separated keys with [i] indices
 * ("agents.tenants.workloads[0].weight"); missing object keys are created (validation then
 * judges them), array indices must exist. The value is JSON if it parses as JSON, else a
 * string. Returns false with the reason in why. */
static bool apply_set(cJSON *root, const char *set, char *why, size_t cap)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set) {
        snprintf(why, cap, "--set %s: expected path=value", set);
        return false;
    }
    size_t plen = (size_t)(eq - set);
    char path[512];
    if (plen >= sizeof path) {
        snprintf(why, cap, "--set: the path is longer than %zu bytes", sizeof path - 1);
        return false;
    }
    memcpy(path, set, plen);
    path[plen] = '\0';
    const char *text = eq + 1;
    /* JSON only when the whole text is JSON: "2027-01-01T00:00:00Z" and "3 GPUs" are strings */
    cJSON *value = cJSON_ParseWithOpts(text, NULL, 1);
    if (!value)
        value = cJSON_CreateString(text);
    if (!value) {
        snprintf(why, cap, "--set %s: out of memory", path);
        return false;
    }
    cJSON *node = root;
    char *p = path;
    for (;;) {
        /* one key, then any [i] steps */
        char *end = p + strcspn(p, ".[");
        char saved = *end;
        *end = '\0';
        if (*p == '\0') {
            snprintf(why, cap, "--set %.*s: empty key in the path", (int)plen, set);
            cJSON_Delete(value);
            return false;
        }
        if (!cJSON_IsObject(node)) {
            snprintf(why, cap, "--set %.*s: \"%s\" is not inside an object", (int)plen, set, p);
            cJSON_Delete(value);
            return false;
        }
        char key[512];
        snprintf(key, sizeof key, "%s", p);
        *end = saved;
        p = end;
        cJSON *child = cJSON_GetObjectItemCaseSensitive(node, key);
        bool last = *p == '\0';
        if (last) {
            if (child)
                cJSON_ReplaceItemInObjectCaseSensitive(node, key, value);
            else
                cJSON_AddItemToObject(node, key, value);
            return true;
        }
        if (!child) {
            if (*p == '[') {
                snprintf(why, cap, "--set %.*s: \"%s\" does not exist", (int)plen, set, key);
                cJSON_Delete(value);
                return false;
            }
            child = cJSON_AddObjectToObject(node, key);
            if (!child) {
                snprintf(why, cap, "--set %.*s: out of memory", (int)plen, set);
                cJSON_Delete(value);
                return false;
            }
        }
        node = child;
        while (*p == '[') {
            char *close;
            long i = -1;
            if (p[1] >= '0' && p[1] <= '9')
                i = strtol(p + 1, &close, 10);
            if (i < 0 || *close != ']') {
                snprintf(why, cap, "--set %.*s: bad index (expected [0], [1], ...)", (int)plen, set);
                cJSON_Delete(value);
                return false;
            }
            if (!cJSON_IsArray(node)) {
                snprintf(why, cap, "--set %.*s: \"%s\" is not a list", (int)plen, set, key);
                cJSON_Delete(value);
                return false;
            }
            if (i >= cJSON_GetArraySize(node)) {
                snprintf(why, cap, "--set %.*s: index %ld is out of range", (int)plen, set, i);
                cJSON_Delete(value);
                return false;
            }
            p = close + 1;
            if (*p == '\0') {
                cJSON_ReplaceItemInArray(node, (int)i, value);
                return true;
            }
            node = cJSON_GetArrayItem(node, (int)i);
        }
        if (*p != '.') {
            snprintf(why, cap, "--set %.*s: expected '.' or '[' after ']'", (int)plen, set);
            cJSON_Delete(value);
            return false;
        }
        p++;
    }
}

/* ---- readers ---- */

static double num(jr *r, const cJSON *n, double lo, double hi)
{
    if (!cJSON_IsNumber(n))
        jr_fail(r, n, "expected a number");
    double v = n->valuedouble;
    if (!isfinite(v) || v < lo || v > hi)
        jr_fail(r, n, "%g is out of range [%g, %g]", v, lo, hi);
    return v;
}

/* A number > 0 and <= hi. */
static double positive(jr *r, const cJSON *n, double hi)
{
    if (!cJSON_IsNumber(n))
        jr_fail(r, n, "expected a number");
    double v = n->valuedouble;
    if (!isfinite(v) || v <= 0 || v > hi)
        jr_fail(r, n, "%g is out of range: expected more than 0 and at most %g", v, hi);
    return v;
}

static double opt_num(jr *r, const cJSON *obj, const char *key, double def, double lo, double hi)
{
    const cJSON *n = jr_opt(obj, key);
    return n ? num(r, n, lo, hi) : def;
}

static double opt_positive(jr *r, const cJSON *obj, const char *key, double def, double hi)
{
    const cJSON *n = jr_opt(obj, key);
    return n ? positive(r, n, hi) : def;
}

static const char *str(jr *r, const cJSON *n, size_t maxlen)
{
    size_t len;
    const char *s = jr_string(r, n, &len);
    if (len > maxlen)
        jr_fail(r, n, "longer than %zu characters", maxlen);
    return s;
}

/* An identifier for names and kinds: [a-z][a-z0-9-]{0,31}. */
static const char *ident(jr *r, const cJSON *n)
{
    size_t len;
    const char *s = jr_string(r, n, &len);
    bool ok = len >= 1 && len <= 32 && s[0] >= 'a' && s[0] <= 'z';
    for (size_t i = 1; ok && i < len; i++)
        ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-';
    if (!ok)
        jr_fail(r, n, "expected a name of 1 to 32 characters: a-z first, then a-z, 0-9 or '-'");
    return s;
}

/* A GPU model: [a-z0-9]{1,31} (the provider attribute capabilities/gpu/vendor/nvidia/model/<m>). */
static const char *gpu_model(jr *r, const cJSON *obj)
{
    const cJSON *n = jr_opt(obj, "gpu_model");
    if (!n)
        return "";
    size_t len;
    const char *s = jr_string(r, n, &len);
    bool ok = len >= 1 && len <= 31;
    for (size_t i = 0; ok && i < len; i++)
        ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9');
    if (!ok)
        jr_fail(r, n, "expected a GPU model of 1 to 31 characters a-z, 0-9 (\"h100\")");
    return s;
}

/* A distribution whose every draw must lie in [lo, hi] for the run to make sense: clamp keys
 * must stay inside, and a constant must be inside. Samples are clamped to [lo, hi] by the
 * agents as well, so this catches only what is certainly wrong. */
static void dist_in(jr *r, const cJSON *n, ak_dist *d, double lo, double hi)
{
    ak_dist_read(r, n, d);
    double m = ak_dist_mean(d);
    if (isfinite(m) && (m < lo || m > hi))
        jr_fail(r, n, "its mean %g is outside [%g, %g]", m, lo, hi);
}

static void opt_dist(jr *r, const cJSON *obj, const char *key, ak_dist *d, double def, double lo,
                     double hi)
{
    const cJSON *n = jr_opt(obj, key);
    if (n)
        dist_in(r, n, d, lo, hi);
    else
        *d = ak_dist_constant(def);
}

static void usd(jr *r, const cJSON *n, ak_sc_usd *u)
{
    static const char *const keys[] = {"cpu", "memory", "storage", "gpu", "endpoint", NULL};
    jr_keys(r, n, keys);
    u->cpu = opt_num(r, n, "cpu", u->cpu, 0, 1e9);
    u->memory = opt_num(r, n, "memory", u->memory, 0, 1e9);
    u->storage = opt_num(r, n, "storage", u->storage, 0, 1e9);
    u->gpu = opt_num(r, n, "gpu", u->gpu, 0, 1e9);
    u->endpoint = opt_num(r, n, "endpoint", u->endpoint, 0, 1e9);
}

/* The price script's targets (market-rules.md 5.3). */
static const ak_sc_usd SCRIPT_PRICES = {1.60, 0.80, 0.02, 100, 0.05};

static ak_dec dec_of(jr *r, const cJSON *obj, const char *key, const char *def)
{
    const cJSON *n = jr_opt(obj, key);
    if (n)
        return jv_dec(r, n);
    ak_dec d;
    if (ak_dec_parse(def, strlen(def), &d))
        jr_fail(r, obj, "internal error: bad default %s", def);
    return d;
}

static void read_consensus(jr *r, const cJSON *n, ak_scenario *s)
{
    ak_timeouts_default(&s->timeouts);
    s->max_rounds = 100;
    if (!n)
        return;
    static const char *const keys[] = {
        "timeout_propose_ms", "timeout_propose_delta_ms", "timeout_prevote_ms",
        "timeout_prevote_delta_ms", "timeout_precommit_ms", "timeout_precommit_delta_ms",
        "timeout_commit_ms", "gossip_ms", "max_rounds", NULL};
    jr_keys(r, n, keys);
    int64_t *f[] = {&s->timeouts.propose, &s->timeouts.propose_delta, &s->timeouts.prevote,
                    &s->timeouts.prevote_delta, &s->timeouts.precommit,
                    &s->timeouts.precommit_delta, &s->timeouts.commit, &s->timeouts.gossip};
    for (int i = 0; i < 8; i++) {
        const cJSON *v = jr_opt(n, keys[i]);
        if (v)
            *f[i] = jr_int(r, v, 0, 3600000) * 1000;
    }
    const cJSON *v = jr_opt(n, "max_rounds");
    if (v)
        s->max_rounds = (int32_t)jr_int(r, v, 1, 10000);
    if (s->timeouts.commit + s->timeouts.gossip <= 0)
        jr_fail(r, n, "timeout_commit_ms + gossip_ms must be positive (a block takes no time)");
}

static void read_validators(jr *r, const cJSON *n, ak_scenario *s)
{
    static const char *const keys[] = {"count", "stake_akt", "commission", "max_commission",
                                       "max_change", NULL};
    jr_keys(r, n, keys);
    s->nvalidators = (uint32_t)jr_int(r, jr_req(r, n, "count"), 1, AK_SC_MAX_VALIDATORS);
    dist_in(r, jr_req(r, n, "stake_akt"), &s->validator_stake_akt, 1, 1e9);
    s->commission = dec_of(r, n, "commission", "0.05");
    s->max_commission = dec_of(r, n, "max_commission", "0.2");
    s->max_change = dec_of(r, n, "max_change", "0.01");
    if (ak_dec_cmp(s->commission, s->max_commission) > 0)
        jr_fail(r, jr_opt(n, "commission") ? jr_opt(n, "commission") : n,
                "the commission is above max_commission");
    if (ak_dec_cmp(s->max_commission, ak_dec_from_int(1)) > 0)
        jr_fail(r, jr_opt(n, "max_commission"), "max_commission is above 1");
}

/* A name from a NULL-terminated list; fails naming the list, or the closest name. */
static int one_of(jr *r, const cJSON *n, const char *const *names, const char *what)
{
    const char *v = jr_string(r, n, NULL);
    for (int i = 0; names[i]; i++)
        if (strcmp(v, names[i]) == 0)
            return i;
    const char *near = jr_suggest(v, names);
    if (near)
        jr_fail(r, n, "unknown %s \"%s\" (did you mean \"%s\"?)", what, v, near);
    char list[256] = "";
    for (int i = 0; names[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"", i ? ", " : "",
                 names[i]);
    jr_fail(r, n, "unknown %s \"%s\" (expected one of %s)", what, v, list);
}

/* An attribute key or value: 1 to 64 characters of a-z A-Z 0-9 . _ - / (the chain validates
 * them again when the provider registers). */
static const char *attr_text(jr *r, const cJSON *n, const char *what)
{
    size_t len;
    const char *s = jr_string(r, n, &len);
    bool ok = len >= 1 && len <= 64;
    for (size_t i = 0; ok && i < len; i++)
        ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
             (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-' ||
             s[i] == '/';
    if (!ok)
        jr_fail(r, n, "expected an attribute %s of 1 to 64 characters a-z, A-Z, 0-9, '.', '_', "
                      "'-' or '/'",
                what);
    return s;
}

/* An object of attributes {"key": "value", ...}: at most AK_SC_MAX_ATTRS. */
static uint32_t read_attrs(jr *r, const cJSON *n, ak_sc_attr *out)
{
    jr_object(r, n);
    uint32_t k = 0;
    for (const cJSON *c = n->child; c; c = c->next) {
        if (k == AK_SC_MAX_ATTRS)
            jr_fail(r, n, "at most %d attributes", AK_SC_MAX_ATTRS);
        for (uint32_t j = 0; j < k; j++)
            if (strcmp(out[j].key, c->string) == 0)
                jr_fail(r, c, "duplicate key");
        out[k].key = c->string;
        if (!*c->string || strlen(c->string) > 64)
            jr_fail(r, c, "expected an attribute key of 1 to 64 characters");
        out[k].value = attr_text(r, c, "value");
        k++;
    }
    return k;
}

/* A list of auditor names, each one of genesis.auditors: their indexes. */
static uint32_t read_auditors(jr *r, const cJSON *n, const ak_scenario *s, uint32_t *out)
{
    jr_array(r, n);
    int len = jr_len(n);
    if (len < 1 || len > AK_SC_MAX_AUDITORS)
        jr_fail(r, n, "expected 1 to %d auditors", AK_SC_MAX_AUDITORS);
    for (int i = 0; i < len; i++) {
        const cJSON *a = cJSON_GetArrayItem(n, i);
        const char *name = jr_string(r, a, NULL);
        uint32_t k = 0;
        while (k < s->nauditors && strcmp(s->auditors[k], name) != 0)
            k++;
        if (k == s->nauditors)
            jr_fail(r, a, "\"%s\" is not one of genesis.auditors", name);
        out[i] = k;
    }
    return (uint32_t)len;
}

/* A strategy name from the table, failing with the list or the closest name. */
static const ak_pricing_strategy *strategy(jr *r, const cJSON *n)
{
    const ak_pricing_strategy *const *all = ak_pricing_strategies();
    const char *names[8];
    int k = 0;
    for (; all[k] && k < 7; k++)
        names[k] = all[k]->name;
    names[k] = NULL;
    return all[one_of(r, n, names, "pricing strategy")];
}

/* A fleet's pricing: a strategy name or {"strategy": name, ...its keys}. */
static void read_pricing(jr *r, const cJSON *n, ak_sc_fleet *f)
{
    ak_sc_pricing *p = &f->pricing;
    static const char *const scale_keys[] = {"cpu", "memory", "storage", "endpoint", "ip", NULL};
    static const char *const scale_defaults[] = {"0.004", "0.0016", "0.00016", "1", "60"};
    *p = (ak_sc_pricing){.strategy = ak_pricing_strategy_find("script"),
                         .base = ak_pricing_strategy_find("script"),
                         .margin = 0.3, .target = 0.7, .sensitivity = 1, .up = 0.02,
                         .down = 0.02, .min_factor = 0.5, .max_factor = 2};
    for (int i = 0; i < 5; i++)
        ak_dec_parse(scale_defaults[i], strlen(scale_defaults[i]), &p->scale[i]);
    if (!n)
        return;
    const cJSON *sn = n;
    if (cJSON_IsObject(n)) {
        static const char *const keys[] = {"strategy", "base", "cpu", "memory", "storage",
                                           "endpoint", "ip", "margin", "target", "sensitivity",
                                           "up", "down", "min_factor", "max_factor", NULL};
        jr_keys(r, n, keys);
        sn = jr_req(r, n, "strategy");
    } else if (!cJSON_IsString(n)) {
        jr_fail(r, n, "expected a pricing strategy name or an object, found %s", jr_kind(n));
    }
    p->strategy = strategy(r, sn);
    const char *name = p->strategy->name;
    if (sn != n) {
        /* each key belongs to some strategies only */
        static const struct {
            const char *key, *who;
        } owners[] = {{"base", "adaptive learning"}, {"cpu", "scale"},
                      {"memory", "scale"},           {"storage", "scale"},
                      {"endpoint", "scale"},         {"ip", "scale"},
                      {"margin", "cost_plus adaptive learning"},
                      {"target", "adaptive"},        {"sensitivity", "adaptive"},
                      {"up", "learning"},            {"down", "learning"},
                      {"min_factor", "adaptive learning"},
                      {"max_factor", "adaptive learning"}};
        for (size_t i = 0; i < sizeof owners / sizeof owners[0]; i++) {
            const cJSON *v = jr_opt(n, owners[i].key);
            if (v && !strstr(owners[i].who, name))
                jr_fail(r, v, "the %s strategy does not take this key (%s does)", name,
                        owners[i].who);
        }
        for (int i = 0; i < 5; i++) {
            const cJSON *v = jr_opt(n, scale_keys[i]);
            if (v)
                p->scale[i] = jv_dec(r, v);
        }
        const cJSON *b = jr_opt(n, "base");
        if (b) {
            p->base = strategy(r, b);
            if (strcmp(p->base->name, "script") != 0 && strcmp(p->base->name, "cost_plus") != 0)
                jr_fail(r, b, "the base must be \"script\" or \"cost_plus\"");
        }
        p->margin = opt_num(r, n, "margin", p->margin, -0.99, 100);
        p->target = opt_num(r, n, "target", p->target, 0, 1);
        p->sensitivity = opt_num(r, n, "sensitivity", p->sensitivity, 0, 100);
        p->up = opt_num(r, n, "up", p->up, 0, 1);
        p->down = opt_num(r, n, "down", p->down, 0, 0.99);
        p->min_factor = opt_positive(r, n, "min_factor", p->min_factor, 1000);
        p->max_factor = opt_positive(r, n, "max_factor", p->max_factor, 1000);
        if (p->min_factor > p->max_factor)
            jr_fail(r, jr_opt(n, "min_factor") ? jr_opt(n, "min_factor") : n,
                    "min_factor is above max_factor");
    }
    bool costs = strcmp(name, "cost_plus") == 0 ||
                 (p->strategy->takes_base && strcmp(p->base->name, "cost_plus") == 0);
    if (costs && !f->has_cost)
        jr_fail(r, n, "cost_plus pricing needs the fleet's cost_usd");
    if (strcmp(name, "scale") == 0) {
        bool any = false;
        for (int i = 0; i < 5; i++)
            any = any || ak_dec_is_positive(p->scale[i]);
        if (!any)
            jr_fail(r, n, "every scale is zero: the daemon would price everything at nothing");
    }
}

static void read_fleet(jr *r, const cJSON *n, ak_sc_fleet *f, const ak_scenario *s)
{
    static const char *const keys[] = {"name", "count", "cpu_cores", "memory_gib", "storage_gib",
                                       "gpus", "gpu_model", "regions", "balance_akt",
                                       "prices_usd", "reliability", "cost_usd", "pricing",
                                       "entry_exit", "attributes", "audited_by", NULL};
    jr_keys(r, n, keys);
    f->name = ident(r, jr_req(r, n, "name"));
    f->count = (uint32_t)jr_int(r, jr_req(r, n, "count"), 0, AK_SC_MAX_PROVIDERS);
    dist_in(r, jr_req(r, n, "cpu_cores"), &f->cpu_cores, 0.01, 1e6);
    dist_in(r, jr_req(r, n, "memory_gib"), &f->memory_gib, 0.001, 1e8);
    dist_in(r, jr_req(r, n, "storage_gib"), &f->storage_gib, 0.005, 1e9);
    opt_dist(r, n, "gpus", &f->gpus, 0, 0, 1e5);
    f->gpu_model = gpu_model(r, n);
    bool has_gpus = jr_opt(n, "gpus") != NULL;
    if (has_gpus != (f->gpu_model[0] != '\0'))
        jr_fail(r, n, "a fleet with GPUs needs both \"gpus\" and \"gpu_model\"");
    const cJSON *regions = jr_opt(n, "regions");
    if (regions) {
        jr_array(r, regions);
        int len = jr_len(regions);
        if (len < 1 || len > AK_SC_MAX_REGIONS)
            jr_fail(r, regions, "expected 1 to %d regions", AK_SC_MAX_REGIONS);
        for (int i = 0; i < len; i++)
            f->regions[f->nregions++] = ident(r, cJSON_GetArrayItem(regions, i));
    } else {
        f->regions[f->nregions++] = "global";
    }
    f->balance_uakt = (int64_t)(opt_positive(r, n, "balance_akt", 1000, 1e9) * 1e6);
    f->prices = SCRIPT_PRICES;
    const cJSON *p = jr_opt(n, "prices_usd");
    if (p)
        usd(r, p, &f->prices);
    const cJSON *at = jr_opt(n, "attributes");
    if (at) {
        f->nattrs = read_attrs(r, at, f->attrs);
        for (uint32_t i = 0; i < f->nattrs; i++)
            if (strcmp(f->attrs[i].key, "region") == 0 ||
                strncmp(f->attrs[i].key, "capabilities/", 13) == 0)
                jr_fail(r, jr_opt(at, f->attrs[i].key),
                        "set by the fleet's regions and gpu_model, not here");
    }
    const cJSON *ab = jr_opt(n, "audited_by");
    if (ab)
        f->naudited_by = read_auditors(r, ab, s, f->audited_by);
    const cJSON *c = jr_opt(n, "cost_usd");
    if (c) {
        f->cost = (ak_sc_usd){0, 0, 0, 0, 0};
        usd(r, c, &f->cost);
        f->has_cost = true;
    }
    read_pricing(r, jr_opt(n, "pricing"), f);
    const cJSON *ee = jr_opt(n, "entry_exit");
    if (ee) {
        static const char *const ek[] = {"review_days", "exit_after", "enter_above",
                                         "entry_rate", "lag_days", "max_entrants", NULL};
        jr_object(r, ee);
        jr_keys(r, ee, ek);
        if (!f->has_cost)
            jr_fail(r, ee, "entry and exit weigh income against the fleet's cost_usd: give it");
        f->entry_exit = true;
        f->review_days = opt_positive(r, ee, "review_days", 30, AK_SC_MAX_DAYS);
        const cJSON *x = jr_opt(ee, "exit_after");
        f->exit_after = x ? (uint32_t)jr_int(r, x, 1, 1000) : 3;
        f->enter_above = opt_positive(r, ee, "enter_above", 1.2, 1e6);
        f->entry_rate = opt_num(r, ee, "entry_rate", 0.1, 0, 10);
        f->lag_days = opt_num(r, ee, "lag_days", 14, 0, AK_SC_MAX_DAYS);
        const cJSON *m = jr_opt(ee, "max_entrants");
        f->max_entrants = m ? (uint32_t)jr_int(r, m, 0, AK_SC_MAX_PROVIDERS) : f->count;
    }
    const cJSON *rel = jr_opt(n, "reliability");
    if (rel) {
        static const char *const rk[] = {"time_to_failure_days", "time_to_repair_hours", NULL};
        jr_object(r, rel);
        jr_keys(r, rel, rk);
        dist_in(r, jr_req(r, rel, "time_to_failure_days"), &f->ttf_days, 1e-3, AK_SC_MAX_DAYS);
        dist_in(r, jr_req(r, rel, "time_to_repair_hours"), &f->ttr_hours, 0, 24 * AK_SC_MAX_DAYS);
        f->fails = true;
    }
}

static void read_genesis(jr *r, const cJSON *n, ak_scenario *s, ak_strtab *scratch)
{
    static const char *const keys[] = {"time", "params", "inflation", "holders_akt",
                                       "holders_usdc", "auditors", "validators", "providers",
                                       NULL};
    jr_keys(r, n, keys);
    const cJSON *t = jr_opt(n, "time");
    s->genesis_time = t ? jv_time(r, t) : DEFAULT_GENESIS_TIME;
    s->params = jr_opt(n, "params");
    if (s->params) {
        ak_params p;
        if (ak_params_default(&p, scratch))
            jr_fail(r, s->params, "out of memory");
        ak_params_json_read(r, s->params, scratch, &p);
        ak_params_json_validate(r, s->params, scratch, &p);
    }
    const cJSON *inf = jr_opt(n, "inflation");
    if (inf) {
        s->has_inflation = true;
        s->inflation = jv_dec(r, inf);
        if (ak_dec_cmp(s->inflation, ak_dec_from_int(1)) > 0)
            jr_fail(r, inf, "inflation above 1 (100 %%)");
    }
    s->holders_uakt = (int64_t)(opt_num(r, n, "holders_akt", 0, 0, 1e12) * 1e6);
    s->holders_uusdc = (int64_t)(opt_num(r, n, "holders_usdc", 0, 0, 1e12) * 1e6);
    const cJSON *au = jr_opt(n, "auditors");
    if (au) {
        jr_array(r, au);
        int len = jr_len(au);
        if (len > AK_SC_MAX_AUDITORS)
            jr_fail(r, au, "at most %d auditors", AK_SC_MAX_AUDITORS);
        for (int i = 0; i < len; i++) {
            const cJSON *a = cJSON_GetArrayItem(au, i);
            s->auditors[i] = ident(r, a);
            for (int j = 0; j < i; j++)
                if (strcmp(s->auditors[j], s->auditors[i]) == 0)
                    jr_fail(r, a, "auditor \"%s\" is named twice", s->auditors[i]);
        }
        s->nauditors = (uint32_t)len;
    }
    read_validators(r, jr_req(r, n, "validators"), s);
    const cJSON *fl = jr_array(r, jr_req(r, n, "providers"));
    int len = jr_len(fl);
    if (len < 1 || len > AK_SC_MAX_FLEETS)
        jr_fail(r, fl, "expected 1 to %d fleets", AK_SC_MAX_FLEETS);
    uint64_t total = 0;
    for (int i = 0; i < len; i++) {
        const cJSON *f = cJSON_GetArrayItem(fl, i);
        read_fleet(r, f, &s->fleets[i], s);
        for (int j = 0; j < i; j++)
            if (strcmp(s->fleets[j].name, s->fleets[i].name) == 0)
                jr_fail(r, jr_opt(f, "name"), "fleet name \"%s\" is used twice",
                        s->fleets[i].name);
        total += s->fleets[i].count;
        total += s->fleets[i].max_entrants;
        s->nentrants += s->fleets[i].max_entrants;
    }
    s->nfleets = (uint32_t)len;
    if (total > AK_SC_MAX_PROVIDERS)
        jr_fail(r, fl, "%llu providers in all, entrants included; at most %u",
                (unsigned long long)total, AK_SC_MAX_PROVIDERS);
    s->nproviders = (uint32_t)(total - s->nentrants);
}

static void read_workload(jr *r, const cJSON *n, ak_sc_workload *w, const ak_scenario *s)
{
    static const char *const keys[] = {"kind", "weight", "units", "cpu_millis", "memory_mib",
                                       "storage_mib", "gpus", "gpu_model", "lifetime_days",
                                       "budget_usd", "budget_factor", "requires", "signed_by",
                                       NULL};
    jr_keys(r, n, keys);
    w->kind = ident(r, jr_req(r, n, "kind"));
    w->weight = opt_positive(r, n, "weight", 1, 1e9);
    opt_dist(r, n, "units", &w->units, 1, 1, 1e4);
    dist_in(r, jr_req(r, n, "cpu_millis"), &w->cpu_millis, 10, 384000);
    dist_in(r, jr_req(r, n, "memory_mib"), &w->memory_mib, 1, 2 << 20);
    dist_in(r, jr_req(r, n, "storage_mib"), &w->storage_mib, 5, 32 << 20);
    opt_dist(r, n, "gpus", &w->gpus, 0, 0, 24);
    w->gpu_model = gpu_model(r, n);
    bool has_gpus = jr_opt(n, "gpus") != NULL;
    if (has_gpus != (w->gpu_model[0] != '\0'))
        jr_fail(r, n, "a GPU workload needs both \"gpus\" and \"gpu_model\"");
    dist_in(r, jr_req(r, n, "lifetime_days"), &w->lifetime_days, 0, AK_SC_MAX_DAYS);
    w->budget = SCRIPT_PRICES;
    usd(r, jr_req(r, n, "budget_usd"), &w->budget);
    opt_dist(r, n, "budget_factor", &w->budget_factor, 1, 0, 1e6);
    const cJSON *rq = jr_opt(n, "requires");
    if (rq)
        w->nrequires = read_attrs(r, rq, w->requires);
    const cJSON *sb = jr_opt(n, "signed_by");
    if (sb)
        w->nsigned_by = read_auditors(r, sb, s, w->signed_by);
}

/* agents.tenants.choice: a policy name, or {"policy": name, "penalty": x, "memory": m}. */
static void read_choice(jr *r, const cJSON *n, ak_scenario *s)
{
    const ak_choice_policy *const *all = ak_choice_policies();
    s->choice = all[0];
    s->choice_penalty = 1;
    s->choice_shared = false;
    if (!n)
        return;
    const char *names[8];
    int k = 0;
    for (; all[k] && k < 7; k++)
        names[k] = all[k]->name;
    names[k] = NULL;
    const cJSON *pol = n;
    if (cJSON_IsObject(n)) {
        static const char *const keys[] = {"policy", "penalty", "memory", NULL};
        jr_keys(r, n, keys);
        pol = jr_req(r, n, "policy");
    } else if (!cJSON_IsString(n)) {
        jr_fail(r, n, "expected a policy name or an object, found %s", jr_kind(n));
    }
    s->choice = all[one_of(r, pol, names, "choice policy")];
    if (pol == n)
        return;
    const cJSON *pen = jr_opt(n, "penalty"), *mem = jr_opt(n, "memory");
    if ((pen || mem) && strcmp(s->choice->name, "reputation") != 0)
        jr_fail(r, pen ? pen : mem, "only the reputation policy takes this key");
    s->choice_penalty = opt_num(r, n, "penalty", 1, 0, 1e6);
    if (mem) {
        static const char *const m[] = {"own", "shared", NULL};
        s->choice_shared = one_of(r, mem, m, "memory") == 1;
    }
}

/* agents.tenants.on_provider_failure: {"detect_hours": dist, "action": name}. */
static void read_on_failure(jr *r, const cJSON *n, ak_scenario *s)
{
    s->detect_hours = ak_dist_constant(1);
    s->on_failure = AK_SC_FAIL_REDEPLOY;
    if (!n)
        return;
    static const char *const keys[] = {"detect_hours", "action", NULL};
    jr_object(r, n);
    jr_keys(r, n, keys);
    opt_dist(r, n, "detect_hours", &s->detect_hours, 1, 0, 24 * AK_SC_MAX_DAYS);
    const cJSON *a = jr_opt(n, "action");
    if (a) {
        static const char *const acts[] = {"stay", "leave", "redeploy", NULL};
        s->on_failure = (ak_sc_fail_action)one_of(r, a, acts, "action");
    }
}

static void read_tenants(jr *r, const cJSON *n, ak_scenario *s)
{
    static const char *const keys[] = {"count", "balance_akt", "arrivals_per_day",
                                       "bid_window_s", "deposit_days", "top_up", "workloads",
                                       "choice", "on_provider_failure", "demand",
                                       "price_response", "usdc_share", NULL};
    jr_keys(r, n, keys);
    s->ntenants = (uint32_t)jr_int(r, jr_req(r, n, "count"), 1, AK_SC_MAX_TENANTS);
    dist_in(r, jr_req(r, n, "balance_akt"), &s->tenant_balance_akt, 0, 1e9);
    s->arrivals_per_day = positive(r, jr_req(r, n, "arrivals_per_day"), 1e7);
    s->usdc_share = opt_num(r, n, "usdc_share", 0, 0, 1);
    const cJSON *pr = jr_opt(n, "price_response");
    if (pr) {
        static const char *const pk[] = {"reference_usd_cpu_month", "arrival_elasticity",
                                         "budget_elasticity", NULL};
        jr_object(r, pr);
        jr_keys(r, pr, pk);
        s->price_response = true;
        s->ref_cpu_month_usd = positive(r, jr_req(r, pr, "reference_usd_cpu_month"), 1e6);
        s->arrival_elasticity = opt_num(r, pr, "arrival_elasticity", 0.5, 0, 100);
        s->budget_elasticity = opt_num(r, pr, "budget_elasticity", 0, 0, 1);
    }
    ak_demand_read(r, jr_opt(n, "demand"), s->genesis_time, s->file, &s->demand);
    s->bid_window_us = (int64_t)(opt_positive(r, n, "bid_window_s", 60, 86400) * 1e6);
    s->deposit_days = opt_positive(r, n, "deposit_days", 30, AK_SC_MAX_DAYS);
    const cJSON *t = jr_opt(n, "top_up");
    if (t && cJSON_IsBool(t) && !cJSON_IsTrue(t)) {
        s->top_up = false;
    } else {
        s->top_up = true;
        s->top_up_below_days = 3;
        s->top_up_days = s->deposit_days;
        if (t && !cJSON_IsTrue(t)) {
            static const char *const tk[] = {"below_days", "days", NULL};
            jr_keys(r, t, tk);
            s->top_up_below_days = opt_positive(r, t, "below_days", 3, AK_SC_MAX_DAYS);
            s->top_up_days = opt_positive(r, t, "days", s->deposit_days, AK_SC_MAX_DAYS);
        }
    }
    const cJSON *wl = jr_array(r, jr_req(r, n, "workloads"));
    int len = jr_len(wl);
    if (len < 1 || len > AK_SC_MAX_WORKLOADS)
        jr_fail(r, wl, "expected 1 to %d workloads", AK_SC_MAX_WORKLOADS);
    for (int i = 0; i < len; i++) {
        const cJSON *w = cJSON_GetArrayItem(wl, i);
        read_workload(r, w, &s->workloads[i], s);
        for (int j = 0; j < i; j++)
            if (strcmp(s->workloads[j].kind, s->workloads[i].kind) == 0)
                jr_fail(r, jr_opt(w, "kind"), "workload kind \"%s\" is used twice",
                        s->workloads[i].kind);
    }
    s->nworkloads = (uint32_t)len;
    read_choice(r, jr_opt(n, "choice"), s);
    read_on_failure(r, jr_opt(n, "on_provider_failure"), s);
}

static void read_outage(jr *r, const cJSON *n, ak_sc_outage *o)
{
    static const char *const keys[] = {"at_day", "hours", "share", "region", "fleet", NULL};
    jr_object(r, n);
    jr_keys(r, n, keys);
    o->at_day = num(r, jr_req(r, n, "at_day"), 0, AK_SC_MAX_DAYS);
    o->hours = positive(r, jr_req(r, n, "hours"), 24 * AK_SC_MAX_DAYS);
    o->share = opt_num(r, n, "share", 1, 0, 1);
    const cJSON *rg = jr_opt(n, "region"), *fl = jr_opt(n, "fleet");
    o->region = rg ? ident(r, rg) : NULL;
    o->fleet = fl ? ident(r, fl) : NULL;
}

static void read_providers(jr *r, const cJSON *n, ak_scenario *s)
{
    s->bid_timeout_us = 300 * 1000000LL;
    s->withdrawal_period_us = 24 * 3600 * 1000000LL;
    s->monitor_interval_us = 600 * 1000000LL;
    s->reaction_us = 1000000;
    s->max_bids_per_order = 0; /* the order_max_bids param */
    if (!n)
        return;
    static const char *const keys[] = {"bid_timeout_s", "withdrawal_period_hours",
                                       "funds_monitor_minutes", "reaction_s",
                                       "max_bids_per_order", "outages", NULL};
    jr_keys(r, n, keys);
    s->bid_timeout_us = (int64_t)(opt_positive(r, n, "bid_timeout_s", 300, 86400) * 1e6);
    s->withdrawal_period_us =
        (int64_t)(opt_positive(r, n, "withdrawal_period_hours", 24, 24 * 365) * 3600e6);
    s->monitor_interval_us =
        (int64_t)(opt_positive(r, n, "funds_monitor_minutes", 10, 1440) * 60e6);
    if (s->monitor_interval_us < 60000000)
        jr_fail(r, jr_opt(n, "funds_monitor_minutes"), "must be at least 1 minute (1m..24h)");
    if (s->withdrawal_period_us < s->monitor_interval_us)
        jr_fail(r, jr_opt(n, "withdrawal_period_hours") ? jr_opt(n, "withdrawal_period_hours") : n,
                "the withdrawal period must be at least the funds monitor interval");
    s->reaction_us = (int64_t)(opt_num(r, n, "reaction_s", 1, 0, 3600) * 1e6);
    const cJSON *m = jr_opt(n, "max_bids_per_order");
    if (m)
        s->max_bids_per_order = (uint32_t)jr_int(r, m, 1, 500);
    const cJSON *o = jr_opt(n, "outages");
    if (o) {
        jr_array(r, o);
        int len = jr_len(o);
        if (len > AK_SC_MAX_OUTAGES)
            jr_fail(r, o, "at most %d outages", AK_SC_MAX_OUTAGES);
        for (int i = 0; i < len; i++)
            read_outage(r, cJSON_GetArrayItem(o, i), &s->outages[i]);
        s->noutages = (uint32_t)len;
    }
}

/* agents.validators: liveness, failures, outages, double signing, unjailing. */
static void read_validator_agents(jr *r, const cJSON *v, ak_scenario *s)
{
    s->validators_online = true;
    s->val_unjail = true;
    s->commission_policy = AK_SC_COMM_FIXED;
    s->commission_review_days = 1;
    s->commission_undercut = 0.01;
    if (!v)
        return;
    static const char *const vk[] = {"online", "time_to_failure_days", "time_to_repair_hours",
                                     "outages", "double_sign_per_year", "unjail", "commission",
                                     NULL};
    jr_object(r, v);
    jr_keys(r, v, vk);
    const cJSON *o = jr_opt(v, "online");
    if (o)
        s->validators_online = jr_bool(r, o);
    const cJSON *ttf = jr_opt(v, "time_to_failure_days"), *ttr = jr_opt(v, "time_to_repair_hours");
    if (!ttf != !ttr)
        jr_fail(r, v, "time_to_failure_days and time_to_repair_hours go together");
    if (ttf) {
        dist_in(r, ttf, &s->val_ttf_days, 1e-3, AK_SC_MAX_DAYS);
        dist_in(r, ttr, &s->val_ttr_hours, 0, 24 * AK_SC_MAX_DAYS);
        s->val_fails = true;
    }
    const cJSON *out = jr_opt(v, "outages");
    if (out) {
        jr_array(r, out);
        int len = jr_len(out);
        if (len > AK_SC_MAX_OUTAGES)
            jr_fail(r, out, "at most %d outages", AK_SC_MAX_OUTAGES);
        for (int i = 0; i < len; i++) {
            const cJSON *e = cJSON_GetArrayItem(out, i);
            static const char *const ek[] = {"at_day", "hours", "power_share", NULL};
            jr_object(r, e);
            jr_keys(r, e, ek);
            ak_sc_val_outage *vo = &s->val_outages[i];
            vo->at_day = num(r, jr_req(r, e, "at_day"), 0, AK_SC_MAX_DAYS);
            vo->hours = positive(r, jr_req(r, e, "hours"), 24 * AK_SC_MAX_DAYS);
            vo->power_share = num(r, jr_req(r, e, "power_share"), 0, 1);
            if (vo->at_day >= s->duration_days)
                jr_fail(r, jr_opt(e, "at_day"), "the outage starts after the run's end");
        }
        s->nval_outages = (uint32_t)len;
    }
    s->double_sign_per_year = opt_num(r, v, "double_sign_per_year", 0, 0, 1e6);
    const cJSON *u = jr_opt(v, "unjail");
    if (u)
        s->val_unjail = jr_bool(r, u);
    const cJSON *c = jr_opt(v, "commission");
    if (c) {
        static const char *const names[] = {"fixed", "competitive", "greedy", NULL};
        const cJSON *pol = c;
        if (cJSON_IsObject(c)) {
            static const char *const ck[] = {"policy", "review_days", "undercut", NULL};
            jr_keys(r, c, ck);
            pol = jr_req(r, c, "policy");
        } else if (!cJSON_IsString(c)) {
            jr_fail(r, c, "expected a commission policy name or an object, found %s",
                    jr_kind(c));
        }
        s->commission_policy = (ak_sc_commission)one_of(r, pol, names, "commission policy");
        if (pol != c) {
            s->commission_review_days = opt_positive(r, c, "review_days", 1, AK_SC_MAX_DAYS);
            const cJSON *uc = jr_opt(c, "undercut");
            if (uc && s->commission_policy != AK_SC_COMM_COMPETITIVE)
                jr_fail(r, uc, "only the competitive policy takes this key");
            s->commission_undercut = opt_num(r, c, "undercut", 0.01, 0, 1);
        }
    }
}

/* agents.delegators: stake spread over the validators, chasing a target yield. */
static void read_delegators(jr *r, const cJSON *n, ak_scenario *s)
{
    s->delegator_alpha = 1;
    s->target_apr = 0.10;
    s->apr_band = 0.02;
    s->delegator_review_days = 7;
    s->unbond_share = 0.25;
    s->restake = true;
    s->switch_validator = true;
    s->switch_gap = 0.05;
    if (!n)
        return;
    static const char *const keys[] = {"count", "stake_akt", "alpha", "target_apr", "apr_band",
                                       "review_days", "unbond_share", "restake", "switch_gap",
                                       NULL};
    jr_object(r, n);
    jr_keys(r, n, keys);
    s->ndelegators = (uint32_t)jr_int(r, jr_req(r, n, "count"), 0, AK_SC_MAX_DELEGATORS);
    dist_in(r, jr_req(r, n, "stake_akt"), &s->delegator_stake_akt, 0, 1e9);
    s->delegator_alpha = opt_num(r, n, "alpha", 1, 0, 10);
    s->target_apr = opt_num(r, n, "target_apr", 0.10, 0, 10);
    s->apr_band = opt_num(r, n, "apr_band", 0.02, 0, 10);
    s->delegator_review_days = opt_positive(r, n, "review_days", 7, AK_SC_MAX_DAYS);
    s->unbond_share = opt_num(r, n, "unbond_share", 0.25, 0, 1);
    const cJSON *rs = jr_opt(n, "restake");
    if (rs)
        s->restake = jr_bool(r, rs);
    const cJSON *sg = jr_opt(n, "switch_gap");
    if (sg && cJSON_IsBool(sg) && !cJSON_IsTrue(sg))
        s->switch_validator = false;
    else if (sg)
        s->switch_gap = num(r, sg, 0, 1);
}

/* A voter class: a policy name or {"policy": name, "turnout": p, "yes": w, ...}. */
static void read_voter(jr *r, const cJSON *n, ak_voter *v)
{
    const ak_voter_policy *const *all = ak_voter_policies();
    const char *names[8];
    int k = 0;
    for (; all[k] && k < 7; k++)
        names[k] = all[k]->name;
    names[k] = NULL;
    const cJSON *pol = n;
    if (cJSON_IsObject(n)) {
        static const char *const keys[] = {"policy", "turnout", "yes", "no", "abstain", "veto",
                                           NULL};
        jr_keys(r, n, keys);
        pol = jr_req(r, n, "policy");
    } else if (!cJSON_IsString(n)) {
        jr_fail(r, n, "expected a voter policy name or an object, found %s", jr_kind(n));
    }
    v->policy = all[one_of(r, pol, names, "voter policy")];
    if (pol == n)
        return;
    bool is_turnout = strcmp(v->policy->name, "turnout") == 0;
    static const char *const wk[] = {"turnout", "yes", "no", "abstain", "veto"};
    for (int i = 0; i < 5; i++)
        if (!is_turnout && jr_opt(n, wk[i]))
            jr_fail(r, jr_opt(n, wk[i]), "only the turnout policy takes this key");
    if (!is_turnout)
        return;
    v->turnout = opt_num(r, n, "turnout", v->turnout, 0, 1);
    bool any = false;
    for (int i = 0; i < 4; i++)
        any = any || jr_opt(n, wk[1 + i]);
    for (int i = 0; any && i < 4; i++)
        v->weights[i] = opt_num(r, n, wk[1 + i], 0, 0, 1e6);
    if (v->weights[0] + v->weights[1] + v->weights[2] + v->weights[3] <= 0)
        jr_fail(r, n, "the option weights (yes, no, abstain, veto) are all zero");
}

static void read_proposal(jr *r, const cJSON *n, ak_sc_proposal *p, ak_strtab *scratch)
{
    static const char *const keys[] = {"at_day", "title", "summary", "changes", "deposit_akt",
                                       "expedited", NULL};
    jr_object(r, n);
    jr_keys(r, n, keys);
    p->at_day = num(r, jr_req(r, n, "at_day"), 0, AK_SC_MAX_DAYS);
    p->title = str(r, jr_req(r, n, "title"), 140);
    if (!p->title[0])
        jr_fail(r, jr_opt(n, "title"), "the title is empty (the chain rejects it)");
    const cJSON *sm = jr_opt(n, "summary");
    p->summary = sm ? str(r, sm, 10000) : p->title;
    if (!p->summary[0])
        jr_fail(r, sm, "the summary is empty (the chain rejects it)");
    p->changes = jr_array(r, jr_req(r, n, "changes"));
    int len = jr_len(p->changes);
    if (len < 1 || len > AK_SC_MAX_CHANGES)
        jr_fail(r, p->changes, "expected 1 to %d changes", AK_SC_MAX_CHANGES);
    for (int i = 0; i < len; i++) {
        ak_param_change ch;
        ak_params_json_change(r, cJSON_GetArrayItem(p->changes, i), scratch, &ch);
    }
    p->nchanges = (uint32_t)len;
    const cJSON *d = jr_opt(n, "deposit_akt");
    p->deposit_uakt = d ? (int64_t)(positive(r, d, 1e9) * 1e6) : -1; /* -1: the min deposit */
    const cJSON *e = jr_opt(n, "expedited");
    p->expedited = e && jr_bool(r, e);
}

/* agents.governance: scheduled proposals and how validators vote. */
static void read_governance(jr *r, const cJSON *n, ak_scenario *s)
{
    s->validator_voter = (ak_voter){ak_voter_find("turnout"), 0.8, {0.85, 0.1, 0.05, 0}};
    s->has_vote_delay = false;
    if (!n)
        return;
    static const char *const keys[] = {"proposals", "validators", "delegators",
                                       "vote_delay_days", NULL};
    jr_object(r, n);
    jr_keys(r, n, keys);
    const cJSON *v = jr_opt(n, "validators");
    if (v)
        read_voter(r, v, &s->validator_voter);
    const cJSON *dv = jr_opt(n, "delegators");
    if (dv) {
        s->delegator_voter = (ak_voter){ak_voter_find("turnout"), 0.3, {0.85, 0.1, 0.05, 0}};
        read_voter(r, dv, &s->delegator_voter);
        s->delegators_vote = true;
    }
    const cJSON *d = jr_opt(n, "vote_delay_days");
    if (d) {
        dist_in(r, d, &s->vote_delay_days, 0, AK_SC_MAX_DAYS);
        s->has_vote_delay = true;
    }
    const cJSON *ps = jr_opt(n, "proposals");
    if (ps) {
        jr_array(r, ps);
        int len = jr_len(ps);
        if (len > AK_SC_MAX_PROPOSALS)
            jr_fail(r, ps, "at most %d proposals", AK_SC_MAX_PROPOSALS);
        s->nproposals = (uint32_t)len;
    }
}

static void read_agents(jr *r, const cJSON *n, ak_scenario *s)
{
    static const char *const keys[] = {"tenants", "providers", "validators", "delegators",
                                       "governance", NULL};
    jr_keys(r, n, keys);
    read_tenants(r, jr_req(r, n, "tenants"), s);
    read_providers(r, jr_opt(n, "providers"), s);
    read_validator_agents(r, jr_opt(n, "validators"), s);
    read_delegators(r, jr_opt(n, "delegators"), s);
    read_governance(r, jr_opt(n, "governance"), s);
}

/* Settings that are each valid but contradict each other. */
static void cross_check(jr *r, ak_scenario *s, ak_strtab *scratch)
{
    if (s->sample_us > s->duration_us) {
        const cJSON *si = jr_opt(s->root, "sample_interval_hours");
        jr_fail(r, si ? si : jr_opt(s->root, "duration_days"),
                si ? "the sampling interval is longer than the run (duration_days)"
                   : "the run is shorter than the sampling interval (sample_interval_hours, "
                     "24 by default)");
    }
    const cJSON *wl = jr_opt(jr_opt(jr_opt(s->root, "agents"), "tenants"), "workloads");
    for (uint32_t i = 0; i < s->nworkloads; i++) {
        const ak_sc_workload *w = &s->workloads[i];
        if (!w->gpu_model[0])
            continue;
        bool found = false;
        for (uint32_t j = 0; j < s->nfleets && !found; j++)
            found = strcmp(s->fleets[j].gpu_model, w->gpu_model) == 0 && s->fleets[j].count > 0;
        if (!found)
            jr_fail(r, jr_opt(cJSON_GetArrayItem(wl, (int)i), "gpu_model"),
                    "no provider fleet has GPU model \"%s\"", w->gpu_model);
    }
    for (uint32_t i = 0; i < s->nworkloads; i++) {
        const ak_sc_workload *w = &s->workloads[i];
        if (!w->nrequires && !w->nsigned_by)
            continue;
        bool served = false;
        for (uint32_t f = 0; f < s->nfleets && !served; f++)
            served = ak_sc_fleet_serves(s, f, i);
        if (!served)
            jr_fail(r, cJSON_GetArrayItem(wl, (int)i),
                    "no provider fleet has the attributes this workload requires, signed by its "
                    "signed_by auditors");
    }
    const cJSON *outages = jr_opt(jr_opt(jr_opt(s->root, "agents"), "providers"), "outages");
    for (uint32_t i = 0; i < s->noutages; i++) {
        const ak_sc_outage *o = &s->outages[i];
        const cJSON *on = cJSON_GetArrayItem(outages, (int)i);
        bool fleet_ok = !o->fleet, region_ok = !o->region;
        for (uint32_t f = 0; f < s->nfleets; f++) {
            fleet_ok = fleet_ok || strcmp(s->fleets[f].name, o->fleet) == 0;
            for (uint32_t k = 0; k < s->fleets[f].nregions && !region_ok; k++)
                region_ok = strcmp(s->fleets[f].regions[k], o->region) == 0;
        }
        if (!fleet_ok)
            jr_fail(r, jr_opt(on, "fleet"), "no provider fleet is named \"%s\"", o->fleet);
        if (!region_ok)
            jr_fail(r, jr_opt(on, "region"), "no provider fleet has region \"%s\"", o->region);
        if (o->at_day >= s->duration_days)
            jr_fail(r, jr_opt(on, "at_day"), "the outage starts after the run's end");
    }
    s->any_failures = s->noutages > 0;
    for (uint32_t f = 0; f < s->nfleets; f++)
        s->any_failures = s->any_failures || s->fleets[f].fails;
    ak_params p;
    if (ak_params_default(&p, scratch))
        jr_fail(r, NULL, "out of memory");
    if (s->params)
        ak_params_json_read(r, s->params, scratch, &p);
    const cJSON *props =
        jr_opt(jr_opt(jr_opt(s->root, "agents"), "governance"), "proposals");
    for (uint32_t i = 0; i < s->nproposals; i++) {
        const cJSON *pn = cJSON_GetArrayItem(props, (int)i);
        ak_sc_proposal *pr = &s->proposals[i];
        read_proposal(r, pn, pr, scratch);
        if (pr->at_day >= s->duration_days)
            jr_fail(r, jr_opt(pn, "at_day"), "the proposal comes after the run's end");
        const ak_coin *md = pr->expedited ? p.gov.expedited_min_deposit : p.gov.min_deposit;
        uint32_t nmd = pr->expedited ? p.gov.n_expedited_min_deposit : p.gov.n_min_deposit;
        int64_t min = 0;
        for (uint32_t k = 0; k < nmd; k++)
            if (strcmp(ak_strtab_get(scratch, md[k].denom), "uakt") == 0)
                min = md[k].amount;
        if (pr->deposit_uakt < 0)
            pr->deposit_uakt = min;
        else if (pr->deposit_uakt < min)
            jr_fail(r, jr_opt(pn, "deposit_akt"),
                    "below the gov module's %smin_deposit (%g AKT): the proposal would not "
                    "reach its voting period",
                    pr->expedited ? "expedited_" : "", (double)min / 1e6);
        if (pr->deposit_uakt > s->holders_uakt)
            jr_fail(r, jr_opt(pn, "deposit_akt") ? jr_opt(pn, "deposit_akt") : pn,
                    "the proposer (the holders account) has %g AKT, less than the deposit of "
                    "%g AKT: raise genesis.holders_akt",
                    (double)s->holders_uakt / 1e6, (double)pr->deposit_uakt / 1e6);
    }
    if (s->usdc_share > 0) {
        const cJSON *us = jr_opt(jr_opt(jr_opt(s->root, "agents"), "tenants"), "usdc_share");
        bool listed = false;
        for (uint32_t k = 0; k < p.deployment.n_min_deposits; k++)
            listed = listed ||
                     strcmp(ak_strtab_get(scratch, p.deployment.min_deposits[k].denom), "uusdc") == 0;
        if (!listed)
            jr_fail(r, us, "deployments in uusdc need the denom in the deployment params' "
                           "min_deposits (genesis.params.deployment.min_deposits, e.g. "
                           "[\"500000uakt\", \"5000000uusdc\"])");
        if (s->holders_uusdc <= 0)
            jr_fail(r, us, "tenants buy their USDC from the holders: set genesis.holders_usdc");
    }
    if (s->max_bids_per_order == 0)
        s->max_bids_per_order = p.market.order_max_bids;
    else if (s->max_bids_per_order > p.market.order_max_bids)
        jr_fail(r, jr_opt(jr_opt(jr_opt(s->root, "agents"), "providers"), "max_bids_per_order"),
                "more than the market's order_max_bids (%u)", (unsigned)p.market.order_max_bids);
}

static void read_scenario(jr *r, ak_scenario *s, ak_strtab *scratch)
{
    static const char *const keys[] = {"name", "description", "rules", "duration_days", "seed",
                                       "sample_interval_hours", "akt_usd", "consensus",
                                       "genesis", "agents", NULL};
    const cJSON *root = s->root;
    jr_keys(r, root, keys);
    s->name = ident(r, jr_req(r, root, "name"));
    const cJSON *d = jr_opt(root, "description");
    s->description = d ? str(r, d, 10000) : "";
    const cJSON *rules = jr_opt(root, "rules");
    if (rules) {
        const char *v = jr_string(r, rules, NULL);
        if (strcmp(v, "akash-v1") != 0)
            jr_fail(r, rules, "unknown rules \"%s\" (this akashsim runs \"akash-v1\")", v);
    }
    s->rules = AK_RULES_V1;
    s->duration_days = positive(r, jr_req(r, root, "duration_days"), AK_SC_MAX_DAYS);
    s->duration_us = (int64_t)(s->duration_days * US_PER_DAY);
    const cJSON *seed = jr_opt(root, "seed");
    s->seed = seed ? jr_uint(r, seed, UINT64_MAX) : 1;
    s->sample_us = (int64_t)(opt_positive(r, root, "sample_interval_hours", 24, 24 * AK_SC_MAX_DAYS) *
                             3600e6);
    if (s->sample_us < 1000000)
        jr_fail(r, jr_opt(root, "sample_interval_hours"), "must be at least one second");
    ak_price_read(r, jr_req(r, root, "akt_usd"), s->file, &s->akt_price);
    s->akt_usd = s->akt_price.start;
    read_consensus(r, jr_opt(root, "consensus"), s);
    read_genesis(r, jr_req(r, root, "genesis"), s, scratch);
    read_agents(r, jr_req(r, root, "agents"), s);
    cross_check(r, s, scratch);
}

bool ak_sc_fleet_serves(const ak_scenario *s, uint32_t f, uint32_t k)
{
    const ak_sc_fleet *fl = &s->fleets[f];
    const ak_sc_workload *w = &s->workloads[k];
    if (fl->count == 0 && fl->max_entrants == 0)
        return false;
    for (uint32_t i = 0; i < w->nrequires; i++) {
        bool has = false;
        for (uint32_t j = 0; j < fl->nattrs && !has; j++)
            has = strcmp(fl->attrs[j].key, w->requires[i].key) == 0 &&
                  strcmp(fl->attrs[j].value, w->requires[i].value) == 0;
        if (!has && strcmp(w->requires[i].key, "region") == 0)
            for (uint32_t j = 0; j < fl->nregions && !has; j++)
                has = strcmp(fl->regions[j], w->requires[i].value) == 0;
        if (!has)
            return false;
    }
    for (uint32_t i = 0; i < w->nsigned_by; i++) {
        bool has = false;
        for (uint32_t j = 0; j < fl->naudited_by && !has; j++)
            has = fl->audited_by[j] == w->signed_by[i];
        if (!has)
            return false;
    }
    return true;
}

/* ---- loading ---- */

int ak_scenario_load_text(const char *name, const char *text, size_t len, const char *const *sets,
                          uint32_t nsets, int64_t seed_override, ak_scenario **out, char *why,
                          size_t cap)
{
    *out = NULL;
    if (nsets > AK_SC_MAX_SETS) {
        snprintf(why, cap, "at most %d --set options", AK_SC_MAX_SETS);
        return AK_EINVAL;
    }
    cJSON *root = jr_parse(name, text, len, AK_SC_MAX_FILE, "a JSON scenario", why, cap);
    if (!root)
        return AK_EINVAL;
    for (uint32_t i = 0; i < nsets; i++)
        if (!cJSON_IsObject(root) || !apply_set(root, sets[i], why, cap)) {
            if (!cJSON_IsObject(root))
                snprintf(why, cap, "%s: $: expected an object", name);
            cJSON_Delete(root);
            return AK_EINVAL;
        }
    if (seed_override >= 0 && cJSON_IsObject(root)) {
        /* as a string of digits: a JSON number is exact only below 2^53 */
        char digits[24];
        snprintf(digits, sizeof digits, "%lld", (long long)seed_override);
        cJSON *seed = cJSON_CreateString(digits);
        if (!seed) {
            cJSON_Delete(root);
            snprintf(why, cap, "%s: out of memory", name);
            return AK_ENOMEM;
        }
        if (cJSON_GetObjectItemCaseSensitive(root, "seed"))
            cJSON_ReplaceItemInObjectCaseSensitive(root, "seed", seed);
        else
            cJSON_AddItemToObject(root, "seed", seed);
    }
    ak_scenario *s = calloc(1, sizeof *s);
    char *file = strdup(name);
    ak_strtab scratch;
    bool strs_ok = ak_strtab_init(&scratch) == 0;
    if (!s || !file || !strs_ok) {
        free(s);
        free(file);
        if (strs_ok)
            ak_strtab_fini(&scratch);
        cJSON_Delete(root);
        snprintf(why, cap, "%s: out of memory", name);
        return AK_ENOMEM;
    }
    s->root = root;
    s->file = file;
    jr r;
    jr_init(&r, TOOL, name, root);
    if (setjmp(r.on_error)) {
        /* r.err starts with "scenario: " */
        snprintf(why, cap, "%s", r.err + strlen(TOOL ": "));
        ak_strtab_fini(&scratch);
        ak_scenario_free(s);
        return AK_EINVAL;
    }
    jr_object(&r, root);
    read_scenario(&r, s, &scratch);
    ak_strtab_fini(&scratch);
    if (seed_override >= 0)
        s->seed = (uint64_t)seed_override;
    *out = s;
    return 0;
}

int ak_scenario_load(const char *path, const char *const *sets, uint32_t nsets,
                     int64_t seed_override, ak_scenario **out, char *why, size_t cap)
{
    char *buf;
    size_t len;
    *out = NULL;
    int rc = jr_read_file(path, AK_SC_MAX_FILE, &buf, &len, why, cap);
    if (rc)
        return rc;
    rc = ak_scenario_load_text(path, buf, len, sets, nsets, seed_override, out, why, cap);
    free(buf);
    return rc;
}

void ak_scenario_free(ak_scenario *s)
{
    if (!s)
        return;
    ak_price_free(&s->akt_price);
    ak_demand_free(&s->demand);
    cJSON_Delete(s->root);
    free(s->file);
    free(s);
}

char *ak_scenario_json(const ak_scenario *s)
{
    return cJSON_PrintUnformatted(s->root);
}
