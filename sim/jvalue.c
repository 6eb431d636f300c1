/*
 * sim/jvalue.c: akashsim value formats in JSON (see jvalue.h; replay.md "Value formats").
 */
#include "jvalue.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "grants.h"

#define NAME_MAX_LEN 64
#define DENOM_MIN_LEN 3
#define DENOM_MAX_LEN 128

static ak_str intern(jr *r, const cJSON *node, ak_strtab *strs, const char *s, size_t n)
{
    ak_str id;
    if (ak_strtab_intern(strs, s, n, &id))
        jr_fail(r, node, "out of memory");
    return id;
}

void *jv_alloc(jr *r, ak_arena *arena, size_t n, size_t sz)
{
    if (n == 0)
        n = 1;
    if (sz != 0 && n > SIZE_MAX / 2 / sz)
        jr_fail(r, NULL, "out of memory");
    void *p = ak_arena_alloc(arena, n * sz);
    if (!p)
        jr_fail(r, NULL, "out of memory");
    return p;
}

/* ---- names and denoms ---- */

bool jv_name_valid(const char *s, size_t n)
{
    if (n == 0 || n > NAME_MAX_LEN || s[0] < 'a' || s[0] > 'z')
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

ak_addr jv_name(jr *r, const cJSON *node, ak_strtab *strs)
{
    size_t n;
    const char *s = jr_string(r, node, &n);
    if (!jv_name_valid(s, n))
        jr_fail(r, node, "expected an account name like \"alice\" ([a-z][a-z0-9_-]{0,63}), "
                         "found \"%.80s\"", s);
    return intern(r, node, strs, s, n);
}

static bool denom_valid(const char *s, size_t n)
{
    if (n < DENOM_MIN_LEN || n > DENOM_MAX_LEN || s[0] < 'a' || s[0] > 'z')
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/'))
            return false;
    }
    return true;
}

ak_denom jv_denom(jr *r, const cJSON *node, const char *s, size_t n, ak_strtab *strs)
{
    if (n == 4 && memcmp(s, "USDC", 4) == 0)
        return intern(r, node, strs, "uusdc", 5);
    if (!denom_valid(s, n))
        jr_fail(r, node, "invalid denom \"%.*s\": expected [a-z][a-z0-9/]{2,127} or USDC",
                (int)(n > 140 ? 140 : n), s);
    return intern(r, node, strs, s, n);
}

/* ---- coins ---- */

static size_t count_digits(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

ak_coin jv_coin(jr *r, const cJSON *node, ak_strtab *strs)
{
    if (!cJSON_IsString(node))
        jr_fail(r, node, "expected a coin like \"100uakt\" (a string)");
    const char *s = node->valuestring;
    size_t nd = count_digits(s);
    if (nd == 0 || s[nd] == '\0')
        jr_fail(r, node, "expected a coin like \"100uakt\", found \"%.80s\"", s);
    if (s[nd] == '.')
        jr_fail(r, node, "expected a coin with a whole amount like \"100uakt\", found \"%.80s\"",
                s);
    uint64_t v = 0;
    for (size_t i = 0; i < nd; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > ((uint64_t)INT64_MAX - d) / 10)
            jr_fail(r, node, "amount out of range: \"%.80s\" (amounts must fit in a signed 64-bit "
                             "integer)", s);
        v = v * 10 + d;
    }
    ak_coin c;
    c.amount = (ak_amount)v;
    c.denom = jv_denom(r, node, s + nd, strlen(s + nd), strs);
    return c;
}

ak_deccoin jv_deccoin(jr *r, const cJSON *node, ak_strtab *strs)
{
    if (!cJSON_IsString(node))
        jr_fail(r, node, "expected a decimal coin like \"100.5uakt\" (a string)");
    const char *s = node->valuestring;
    size_t n = 0;
    while ((s[n] >= '0' && s[n] <= '9') || s[n] == '.')
        n++;
    if (n == 0 || s[n] == '\0')
        jr_fail(r, node, "expected a decimal coin like \"100.5uakt\", found \"%.80s\"", s);
    const char *dot = memchr(s, '.', n);
    size_t nfrac = dot ? (size_t)(s + n - dot - 1) : 0;
    if (nfrac > AK_DEC_PRECISION && !memchr(dot + 1, '.', nfrac))
        jr_fail(r, node, "decimal \"%.*s\" has more than 18 fractional digits",
                (int)(n > 80 ? 80 : n), s);
    ak_dec d;
    int rc = ak_dec_parse(s, n, &d);
    if (rc == AK_EOVERFLOW)
        jr_fail(r, node, "amount out of range: \"%.80s\"", s);
    if (rc)
        jr_fail(r, node, "expected a decimal coin like \"100.5uakt\", found \"%.80s\"", s);
    int64_t whole;
    if (ak_dec_truncate_int(d, &whole))
        jr_fail(r, node, "amount out of range: \"%.80s\" (amounts must fit in a signed 64-bit "
                         "integer)", s);
    ak_deccoin c;
    c.amount = d;
    c.denom = jv_denom(r, node, s + n, strlen(s + n), strs);
    return c;
}

/* A JSON number as the shortest decimal that reads back as the same double, then as a Dec: so
 * 0.05 is exactly 0.05, not the binary double's expansion. */
static ak_dec number_dec(jr *r, const cJSON *node)
{
    double v = node->valuedouble;
    if (!isfinite(v) || fabs(v) > 1e15)
        jr_fail(r, node, "expected a decimal such as \"0.05\", found %g", v);
    char buf[64];
    for (int d = 0; d <= AK_DEC_PRECISION; d++) {
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

ak_dec jv_dec(jr *r, const cJSON *node)
{
    ak_dec d;
    if (cJSON_IsNumber(node)) {
        d = number_dec(r, node);
    } else if (cJSON_IsString(node)) {
        const char *s = node->valuestring;
        int rc = ak_dec_parse(s, strlen(s), &d);
        if (rc == AK_EOVERFLOW)
            jr_fail(r, node, "decimal out of range: \"%.80s\"", s);
        if (rc)
            jr_fail(r, node, "expected a decimal like \"0.05\" with at most 18 fractional "
                             "digits, found \"%.80s\"", s);
    } else {
        jr_fail(r, node, "expected a decimal like \"0.05\" (a string or a number)");
    }
    if (ak_dec_is_negative(d))
        jr_fail(r, node, "expected a decimal that is not negative");
    return d;
}

ak_amount jv_amount(jr *r, const cJSON *node)
{
    return (ak_amount)jr_int(r, node, 0, INT64_MAX);
}

uint32_t jv_coins(jr *r, const cJSON *node, ak_strtab *strs, ak_coin *out, uint32_t cap)
{
    jr_array(r, node);
    uint32_t n = 0;
    for (const cJSON *c = node->child; c; c = c->next) {
        if (n == cap)
            jr_fail(r, c, "too many coins: at most %u", cap);
        ak_coin coin = jv_coin(r, c, strs);
        for (uint32_t i = 0; i < n; i++)
            if (out[i].denom == coin.denom)
                jr_fail(r, c, "denom %s appears twice", ak_strtab_get(strs, coin.denom));
        out[n++] = coin;
    }
    return n;
}

/* ---- ids ---- */

/* Split s at '/' into at most max parts; returns the number of parts, or max + 1 if more. */
static int split(const char *s, const char **part, size_t *len, int max)
{
    int k = 0;
    const char *p = s;
    for (;;) {
        const char *q = strchr(p, '/');
        size_t l = q ? (size_t)(q - p) : strlen(p);
        if (k == max)
            return max + 1;
        part[k] = p;
        len[k] = l;
        k++;
        if (!q)
            return k;
        p = q + 1;
    }
}

/* Canonical unsigned decimal (no sign, no leading zero unless "0") up to max. */
static bool seq_parse(const char *s, size_t n, uint64_t max, uint64_t *out)
{
    if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

static const char *const id_kind[] = {"", "", "a deployment id like \"alice/990\"",
                                      "a group id like \"alice/990/1\"",
                                      "an order id like \"alice/990/1/1\"",
                                      "a bid id like \"alice/990/1/1/prov1\""};

/* Parse an id of nparts parts (2..5) from s into *id; false if malformed. */
static bool parse_id(const char *s, int nparts, ak_bid_id *id, ak_strtab *strs, jr *r,
                     const cJSON *node)
{
    const char *part[5];
    size_t len[5];
    if (split(s, part, len, 5) != nparts)
        return false;
    if (!jv_name_valid(part[0], len[0]))
        return false;
    uint64_t v;
    if (!seq_parse(part[1], len[1], UINT64_MAX, &v))
        return false;
    memset(id, 0, sizeof *id);
    id->dseq = v;
    if (nparts > 2) {
        if (!seq_parse(part[2], len[2], UINT32_MAX, &v))
            return false;
        id->gseq = (uint32_t)v;
    }
    if (nparts > 3) {
        if (!seq_parse(part[3], len[3], UINT32_MAX, &v))
            return false;
        id->oseq = (uint32_t)v;
    }
    if (nparts > 4) {
        if (!jv_name_valid(part[4], len[4]))
            return false;
        id->provider = intern(r, node, strs, part[4], len[4]);
    }
    id->owner = intern(r, node, strs, part[0], len[0]);
    return true;
}

static ak_bid_id read_id(jr *r, const cJSON *node, ak_strtab *strs, int nparts)
{
    if (!cJSON_IsString(node))
        jr_fail(r, node, "expected %s (a string)", id_kind[nparts]);
    ak_bid_id id;
    if (!parse_id(node->valuestring, nparts, &id, strs, r, node))
        jr_fail(r, node, "expected %s, found \"%.120s\"", id_kind[nparts], node->valuestring);
    return id;
}

ak_deployment_id jv_deployment_id(jr *r, const cJSON *node, ak_strtab *strs)
{
    ak_bid_id b = read_id(r, node, strs, 2);
    return (ak_deployment_id){b.owner, b.dseq};
}

ak_group_id jv_group_id(jr *r, const cJSON *node, ak_strtab *strs)
{
    ak_bid_id b = read_id(r, node, strs, 3);
    return (ak_group_id){b.owner, b.dseq, b.gseq};
}

ak_order_id jv_order_id(jr *r, const cJSON *node, ak_strtab *strs)
{
    ak_bid_id b = read_id(r, node, strs, 4);
    return (ak_order_id){b.owner, b.dseq, b.gseq, b.oseq};
}

ak_bid_id jv_bid_id(jr *r, const cJSON *node, ak_strtab *strs)
{
    return read_id(r, node, strs, 5);
}

ak_escrow_id jv_escrow_id(jr *r, const cJSON *node, ak_strtab *strs)
{
    static const char want[] = "an escrow account id like \"deployment/alice/990\" or "
                               "\"bid/alice/990/1/1/prov1\"";
    if (!cJSON_IsString(node))
        jr_fail(r, node, "expected %s (a string)", want);
    const char *s = node->valuestring;
    ak_escrow_id id;
    memset(&id, 0, sizeof id);
    bool ok = false;
    if (strncmp(s, "deployment/", 11) == 0) {
        id.scope = AK_SCOPE_DEPLOYMENT;
        ok = parse_id(s + 11, 2, &id.xid, strs, r, node);
    } else if (strncmp(s, "bid/", 4) == 0) {
        id.scope = AK_SCOPE_BID;
        ok = parse_id(s + 4, 5, &id.xid, strs, r, node);
    }
    if (!ok)
        jr_fail(r, node, "expected %s, found \"%.120s\"", want, s);
    return id;
}

/* ---- time ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool digits_at(const char *s, int n, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

ak_unix jv_time(jr *r, const cJSON *node)
{
    static const char want[] = "expected an RFC 3339 UTC time like \"2026-01-01T00:00:00Z\"";
    if (!cJSON_IsString(node))
        jr_fail(r, node, "%s (a string)", want);
    const char *s = node->valuestring;
    unsigned y, mo, d, h, mi, se;
    if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z' || !digits_at(s, 4, &y) || !digits_at(s + 5, 2, &mo) ||
        !digits_at(s + 8, 2, &d) || !digits_at(s + 11, 2, &h) || !digits_at(s + 14, 2, &mi) ||
        !digits_at(s + 17, 2, &se))
        jr_fail(r, node, "%s, found \"%.60s\"", want, s);
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 59)
        jr_fail(r, node, "%s between 1970 and 9999, found \"%.60s\"", want, s);
    return days_from_civil(y, mo, d) * 86400 + (ak_unix)(h * 3600 + mi * 60 + se);
}

bool jv_format_time(ak_unix t, char *buf, size_t cap)
{
    if (t < 0 || t > JV_TIME_MAX || cap < JV_TIME_STRLEN)
        return false;
    int64_t y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    unsigned sec = (unsigned)(t % 86400);
    snprintf(buf, cap, "%04d-%02u-%02uT%02u:%02u:%02uZ", (int)y, m, d, sec / 3600,
             sec / 60 % 60, sec % 60);
    return true;
}

/* ---- objects with free-form keys ---- */

static int cmp_keyptr(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    int c = strcmp(x->string, y->string);
    if (c)
        return c;
    /* equal keys: keep document order so the later one is reported */
    return x < y ? -1 : x > y;
}

void jv_unique_keys(jr *r, const cJSON *obj)
{
    jr_object(r, obj);
    size_t n = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        n++;
    if (n < 2)
        return;
    const cJSON **v = malloc(n * sizeof *v);
    if (!v)
        jr_fail(r, obj, "out of memory");
    size_t i = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        v[i++] = c;
    qsort(v, n, sizeof *v, cmp_keyptr);
    const char *dup = NULL;
    for (i = 1; i < n && !dup; i++)
        if (strcmp(v[i - 1]->string, v[i]->string) == 0)
            dup = v[i]->string;
    free(v);
    if (!dup)
        return;
    /* report the second occurrence in document order */
    bool seen = false;
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (strcmp(c->string, dup) == 0) {
            if (seen)
                jr_fail(r, c, "duplicate key");
            seen = true;
        }
    }
}

ak_attrs jv_attrs(jr *r, const cJSON *node, ak_strtab *strs, ak_arena *arena)
{
    jr_object(r, node);
    jv_unique_keys(r, node);
    uint32_t n = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        n++;
    ak_attr *v = jv_alloc(r, arena, n, sizeof *v);
    uint32_t i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        if (!cJSON_IsString(c))
            jr_fail(r, c, "expected an attribute value (a string)");
        v[i].key = intern(r, c, strs, c->string, strlen(c->string));
        v[i].value = intern(r, c, strs, c->valuestring, strlen(c->valuestring));
    }
    return (ak_attrs){v, n};
}

/* ---- formatting ---- */

void jv_format_deployment_id(const ak_strtab *strs, ak_deployment_id id, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%" PRIu64, ak_strtab_get(strs, id.owner), id.dseq);
}

void jv_format_group_id(const ak_strtab *strs, ak_group_id id, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%" PRIu64 "/%" PRIu32, ak_strtab_get(strs, id.owner), id.dseq, id.gseq);
}

void jv_format_order_id(const ak_strtab *strs, ak_order_id id, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%" PRIu64 "/%" PRIu32 "/%" PRIu32, ak_strtab_get(strs, id.owner),
             id.dseq, id.gseq, id.oseq);
}

void jv_format_bid_id(const ak_strtab *strs, ak_bid_id id, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%" PRIu64 "/%" PRIu32 "/%" PRIu32 "/%s", ak_strtab_get(strs, id.owner),
             id.dseq, id.gseq, id.oseq, ak_strtab_get(strs, id.provider));
}

void jv_format_escrow_id(const ak_strtab *strs, ak_escrow_id id, char *buf, size_t cap)
{
    if (id.scope == AK_SCOPE_BID) {
        char x[JV_ID_STRLEN];
        jv_format_bid_id(strs, id.xid, x, sizeof x);
        snprintf(buf, cap, "bid/%s", x);
    } else {
        char x[JV_ID_STRLEN];
        jv_format_deployment_id(strs, (ak_deployment_id){id.xid.owner, id.xid.dseq}, x, sizeof x);
        snprintf(buf, cap, "deployment/%s", x);
    }
}

void jv_format_coin(const ak_strtab *strs, ak_coin c, char *buf, size_t cap)
{
    snprintf(buf, cap, "%" PRId64 "%s", c.amount, ak_strtab_get(strs, c.denom));
}

void jv_format_deccoin(const ak_strtab *strs, ak_deccoin c, char *buf, size_t cap)
{
    char d[AK_DEC_STRLEN];
    if (ak_dec_format(c.amount, d, sizeof d) < 0)
        snprintf(d, sizeof d, "?");
    snprintf(buf, cap, "%s%s", d, ak_strtab_get(strs, c.denom));
}
