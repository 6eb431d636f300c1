/*
 * sim/replay.c: `akashsim replay` (see replay.h; replay.md is the public contract for the keys
 * and value formats read and written here, market-rules.md sections 1 to 5 and chain-rules.md
 * sections 1 to 6 for what the messages and blocks do once delivered).
 *
 * Three stages, each finished before the next starts:
 *   1. load: read the file, check it is UTF-8 text, parse it with cJSON;
 *   2. validate: read every key and value into an in-memory script (ak_msg values whose
 *      arrays live in one arena), then run genesis (the chain layer's too, up to the start of
 *      consensus); any error is one line on stderr naming the JSON path, exit status 2,
 *      nothing on stdout;
 *   3. run: blocks 1 .. last height, skipped heights as empty blocks, each begun with its
 *      LastCommit absences (a sweep over the liveness ranges plus the block's `absent`) and
 *      its double-sign evidence; results, dumps and proposers are kept in buffers and the JSON
 *      document is printed at the end, or the narration is printed as it happens (chain events
 *      are read from the state after each block: jailed, slashed, proposals decided).
 */
#include "replay.h"

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "errors.h"
#include "jread.h"
#include "jvalue.h"
#include "jwrite.h"
#include "params_json.h"

#define TOOL "replay"
#define DEFAULT_TIME ((ak_unix)1767225600) /* 2026-01-01T00:00:00Z */
#define DEFAULT_BLOCK_TIME_S 6
#define MAX_BLOCK_TIME_S 86400
#define MAX_ENDPOINTS 1000
#define MAX_SCOPES 4

/* A validator's power is floor(tokens / 10^6): DefaultPowerReduction (chain-rules.md 2.3). */
#define POWER_REDUCTION 1000000

/* Defaults of genesis validators and MsgCreateValidator (replay.md `genesis.validators`): Decs
 * as their scaled integers (value x 10^18). */
#define DEFAULT_COMMISSION_RAW 50000000000000000      /* 0.05 */
#define DEFAULT_MAX_RATE_RAW 200000000000000000       /* 0.2 */
#define DEFAULT_MAX_CHANGE_RATE_RAW 10000000000000000 /* 0.01 */
#define DEFAULT_MIN_SELF_DELEGATION 1
#define DEFAULT_INFLATION_RAW 130000000000000000      /* 0.13, x/mint's initial inflation */

/* ---- the script in memory ---- */

typedef struct rp_tx {
    ak_msg msg;
    const cJSON *node;
} rp_tx;

typedef struct rp_block {
    ak_height height;
    bool dump;
    rp_tx *txs;
    uint32_t ntxs;
    ak_addr *absent;      /* `absent`: precommits missing from this height's LastCommit */
    uint32_t nabsent;
    ak_addr *double_sign; /* `double_sign`: evidence for the previous height goes in here */
    uint32_t ndouble_sign;
} rp_block;

typedef struct rp_gbal {
    ak_addr addr;
    ak_coin coin;
    const cJSON *node;
} rp_gbal;

typedef struct rp_gprov {
    ak_addr owner;
    ak_str host_uri, email, website;
    ak_attrs attrs;
    const cJSON *node;
} rp_gprov;

typedef struct rp_gval {
    ak_addr name;
    ak_amount tokens;
    ak_dec rate, max_rate, max_change_rate;
    ak_amount min_self_delegation;
    const cJSON *node;
} rp_gval;

typedef struct rp_gdel {
    ak_addr delegator, validator;
    ak_amount amount;
    const cJSON *node;
} rp_gdel;

/* A `liveness` range: addr is absent from the LastCommits of heights from .. to. */
typedef struct rp_range {
    ak_addr addr;
    ak_height from, to;
    const cJSON *node;
} rp_range;

/* What the narration remembers of a validator, to tell what changed in a block. */
typedef struct rp_vsnap {
    bool seen, removed, jailed, tombstoned;
    uint32_t status;
    ak_amount tokens;
    ak_dec shares;
} rp_vsnap;

/* A balance as it was after genesis, for the narration's closing summary. */
typedef struct rp_snap {
    ak_addr addr;
    ak_denom denom;
    ak_amount amount;
} rp_snap;

typedef struct rp {
    const char *name;
    ak_replay_opts opts;
    FILE *out, *err;
    cJSON *root;
    ak_app *app;
    ak_strtab *strs;
    ak_arena arena; /* the script's arrays */
    jr r;

    ak_params params;
    const cJSON *params_node;
    ak_unix time0;
    int64_t block_time_s;
    rp_gbal *gbal;
    uint32_t ngbal;
    rp_gprov *gprov;
    uint32_t ngprov;
    rp_block *blocks;
    uint32_t nblocks;

    /* the chain layer's genesis */
    rp_gval *gval;
    uint32_t ngval;
    rp_gdel *gdel;
    uint32_t ngdel;
    ak_dec inflation;
    const cJSON *validators_node;
    ak_addr *known_vals; /* every validator name the script can create, sorted */
    uint32_t nknown_vals;
    bool record_proposers;

    /* liveness: ranges sorted by `from`, swept once over the heights (run_block) */
    rp_range *ranges;
    uint32_t nranges;
    uint32_t lv_next;        /* first range that has not started yet */
    rp_range *lv_active;     /* ranges that cover the current height (nranges slots) */
    uint32_t nlv_active;
    ak_height lv_min_to;     /* smallest `to` among the active ranges */
    ak_addr *absent_buf;     /* this block's absent names: active ranges, then `absent` */
    uint32_t nabsent_live;   /* how many of absent_buf come from the ranges */
    uint32_t cap_absent;
    ak_evidence *evidence;   /* this block's evidence */
    uint32_t cap_evidence;

    ak_addr *proposers;      /* record "proposers": proposer of height h at [h - 1] */
    ak_height nproposers, cap_proposers;

    jw results; /* the "results" list, written as a fragment at depth 2 */
    jw dumps;   /* the "dumps" list, likewise */
    uint32_t nresults, ndumps;

    rp_snap *snap; /* narration: balances after genesis */
    uint32_t nsnap;
    size_t events_seen; /* narration: events of the current block already told */
    ak_height last_told; /* narration: last height that had a "Block" line */
    rp_vsnap *vsnap;     /* narration: validators by staking handle after the last block */
    uint32_t nvsnap;
    uint32_t *psnap;     /* narration: proposal statuses by id - 1 after the last block */
    uint32_t npsnap;
} rp;

/* ---- small helpers ---- */

/* Print one error line on err: "replay: " then the formatted text, with control characters
 * (which a script's strings or a file name may hold) escaped so the message stays one line. */
static void say(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(FILE *err, const char *fmt, ...)
{
    char buf[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fputs(TOOL ": ", err);
    for (const unsigned char *c = (const unsigned char *)buf; *c; c++) {
        if (*c == '\n')
            fputs("\\n", err);
        else if (*c == '\t')
            fputs("\\t", err);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(err, "\\x%02x", *c);
        else
            fputc(*c, err);
    }
    fputc('\n', err);
}

static ak_str intern(rp *p, const cJSON *node, const char *s)
{
    ak_str id;
    if (ak_app_intern(p->app, s, &id))
        jr_fail(&p->r, node, "out of memory");
    return id;
}

static const char *str(const rp *p, ak_str id)
{
    return ak_app_str(p->app, id);
}

static int count_children(const cJSON *n)
{
    int k = 0;
    for (const cJSON *c = n ? n->child : NULL; c; c = c->next)
        k++;
    return k;
}

/* ---- reading transactions ---- */

static uint32_t read_sources(rp *p, const cJSON *tx, uint32_t *out)
{
    const cJSON *v = jr_opt(tx, "sources");
    if (!v) {
        out[0] = AK_SOURCE_BALANCE;
        return 1;
    }
    jr_array(&p->r, v);
    uint32_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next) {
        if (n == AK_MAX_SOURCES)
            jr_fail(&p->r, c, "too many sources: at most %d", AK_MAX_SOURCES);
        const char *s = jr_string(&p->r, c, NULL);
        if (strcmp(s, "balance") == 0)
            out[n++] = AK_SOURCE_BALANCE;
        else if (strcmp(s, "grant") == 0)
            out[n++] = AK_SOURCE_GRANT;
        else
            jr_fail(&p->r, c, "expected \"balance\" or \"grant\", found \"%.60s\"", s);
    }
    return n;
}

static ak_deposit read_deposit(rp *p, const cJSON *tx, const char *key)
{
    ak_deposit d;
    memset(&d, 0, sizeof d);
    d.amount = jv_coin(&p->r, jr_req(&p->r, tx, key), p->strs);
    d.nsources = read_sources(p, tx, d.sources);
    return d;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static uint32_t read_hash(rp *p, const cJSON *node, uint8_t *out)
{
    size_t n;
    const char *s = jr_string(&p->r, node, &n);
    if (n % 2 || n > 2 * AK_HASH_MAX)
        jr_fail(&p->r, node, "expected a hash of hex digits, an even number of them and at most "
                             "%d", 2 * AK_HASH_MAX);
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            jr_fail(&p->r, node, "expected a hash of hex digits, found \"%.80s\"", s);
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return (uint32_t)(n / 2);
}

/* The default deployment hash: 32 bytes from the app's 64-bit string hash of the groups' JSON
 * text under four suffixes (see replay.h: deterministic, not SHA-256). */
static uint32_t default_hash(rp *p, const cJSON *groups, uint8_t *out)
{
    char *text = cJSON_PrintUnformatted(groups);
    if (!text)
        jr_fail(&p->r, groups, "out of memory");
    size_t n = strlen(text);
    char *buf = malloc(n + 1);
    if (!buf) {
        free(text);
        jr_fail(&p->r, groups, "out of memory");
    }
    memcpy(buf, text, n);
    free(text);
    for (int k = 0; k < 4; k++) {
        buf[n] = (char)('0' + k);
        uint64_t h = ak_hash_bytes(buf, n + 1);
        for (int b = 0; b < 8; b++)
            out[k * 8 + b] = (uint8_t)(h >> (56 - 8 * b));
    }
    free(buf);
    return 32;
}

static ak_addr *read_names(rp *p, const cJSON *node, uint32_t *n)
{
    jr_array(&p->r, node);
    *n = (uint32_t)count_children(node);
    ak_addr *v = jv_alloc(&p->r, &p->arena, *n, sizeof *v);
    uint32_t i = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        v[i++] = jv_name(&p->r, c, p->strs);
    return v;
}

static void read_storage(rp *p, const cJSON *node, ak_storage_volume *sv)
{
    static const char *const keys[] = {"name", "bytes", "class", "attributes", NULL};
    jr *r = &p->r;
    jr_keys(r, node, keys);
    const cJSON *nm = jr_req(r, node, "name");
    sv->name = intern(p, nm, jr_string(r, nm, NULL));
    sv->bytes = jr_uint(r, jr_req(r, node, "bytes"), UINT64_MAX);
    const cJSON *cls = jr_opt(node, "class"), *attrs = jr_opt(node, "attributes");
    if (cls)
        jr_string(r, cls, NULL);
    if (attrs) {
        sv->attrs = jv_attrs(r, attrs, p->strs, &p->arena);
    } else if (cls) {
        ak_attr *v = jv_alloc(r, &p->arena, 2, sizeof *v);
        v[0].key = intern(p, cls, "class");
        v[0].value = intern(p, cls, cls->valuestring);
        v[1].key = intern(p, cls, "persistent");
        v[1].value = intern(p, cls, strcmp(cls->valuestring, "ram") == 0 ? "false" : "true");
        sv->attrs = (ak_attrs){v, 2};
    }
}

static void read_endpoints(rp *p, const cJSON *node, ak_resource_unit *u)
{
    jr *r = &p->r;
    if (cJSON_IsNumber(node) || cJSON_IsString(node)) {
        uint32_t n = (uint32_t)jr_uint(r, node, MAX_ENDPOINTS);
        ak_endpoint *e = jv_alloc(r, &p->arena, n, sizeof *e);
        for (uint32_t i = 0; i < n; i++)
            e[i] = (ak_endpoint){AK_ENDPOINT_SHARED_HTTP, 0};
        u->endpoints = e;
        u->nendpoints = n;
        return;
    }
    if (!cJSON_IsArray(node))
        jr_fail(r, node, "expected a count of endpoints or a list of {\"kind\", "
                         "\"sequence_number\"}");
    int n = count_children(node);
    if (n > MAX_ENDPOINTS)
        jr_fail(r, node, "too many endpoints: at most %d", MAX_ENDPOINTS);
    ak_endpoint *e = jv_alloc(r, &p->arena, (size_t)n, sizeof *e);
    static const char *const keys[] = {"kind", "sequence_number", NULL};
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        jr_keys(r, c, keys);
        const cJSON *k = jr_req(r, c, "kind");
        const char *s = jr_string(r, k, NULL);
        if (strcmp(s, "shared_http") == 0)
            e[i].kind = AK_ENDPOINT_SHARED_HTTP;
        else if (strcmp(s, "random_port") == 0)
            e[i].kind = AK_ENDPOINT_RANDOM_PORT;
        else if (strcmp(s, "leased_ip") == 0)
            e[i].kind = AK_ENDPOINT_LEASED_IP;
        else
            jr_fail(r, k, "expected \"shared_http\", \"random_port\" or \"leased_ip\", found "
                          "\"%.60s\"", s);
        const cJSON *sq = jr_opt(c, "sequence_number");
        e[i].sequence_number = sq ? (uint32_t)jr_uint(r, sq, UINT32_MAX) : 0;
    }
    u->endpoints = e;
    u->nendpoints = (uint32_t)n;
}

static void read_unit(rp *p, const cJSON *node, uint32_t idx, ak_resource_unit *u)
{
    static const char *const keys[] = {"id", "cpu_millis", "memory_bytes", "storage",
                                       "gpu_units", "gpu_attributes", "endpoints", "count",
                                       "price", NULL};
    jr *r = &p->r;
    jr_keys(r, node, keys);
    const cJSON *v = jr_opt(node, "id");
    u->id = v ? (uint32_t)jr_uint(r, v, UINT32_MAX) : idx + 1;
    u->cpu_millis = jr_uint(r, jr_req(r, node, "cpu_millis"), UINT64_MAX);
    u->memory_bytes = jr_uint(r, jr_req(r, node, "memory_bytes"), UINT64_MAX);
    const cJSON *st = jr_array(r, jr_req(r, node, "storage"));
    u->nstorage = (uint32_t)count_children(st);
    ak_storage_volume *sv = jv_alloc(r, &p->arena, u->nstorage, sizeof *sv);
    uint32_t i = 0;
    for (const cJSON *c = st->child; c; c = c->next)
        read_storage(p, c, &sv[i++]);
    u->storage = sv;
    u->gpu_units = jr_uint(r, jr_req(r, node, "gpu_units"), UINT64_MAX);
    if ((v = jr_opt(node, "gpu_attributes")))
        u->gpu_attrs = jv_attrs(r, v, p->strs, &p->arena);
    read_endpoints(p, jr_req(r, node, "endpoints"), u);
    u->count = (uint32_t)jr_uint(r, jr_req(r, node, "count"), UINT32_MAX);
    u->price = jv_deccoin(r, jr_req(r, node, "price"), p->strs);
}

static void read_group(rp *p, const cJSON *node, ak_group_spec *g)
{
    static const char *const keys[] = {"name", "requirements", "resources", NULL};
    static const char *const req_keys[] = {"attributes", "signed_by", NULL};
    static const char *const sb_keys[] = {"all_of", "any_of", NULL};
    jr *r = &p->r;
    jr_keys(r, node, keys);
    const cJSON *nm = jr_req(r, node, "name");
    g->name = intern(p, nm, jr_string(r, nm, NULL));
    const cJSON *req = jr_opt(node, "requirements");
    if (req) {
        jr_keys(r, req, req_keys);
        const cJSON *v = jr_opt(req, "attributes");
        if (v)
            g->req_attrs = jv_attrs(r, v, p->strs, &p->arena);
        const cJSON *sb = jr_opt(req, "signed_by");
        if (sb) {
            jr_keys(r, sb, sb_keys);
            if ((v = jr_opt(sb, "all_of")))
                g->all_of = read_names(p, v, &g->n_all_of);
            if ((v = jr_opt(sb, "any_of")))
                g->any_of = read_names(p, v, &g->n_any_of);
        }
    }
    const cJSON *res = jr_array(r, jr_req(r, node, "resources"));
    g->nunits = (uint32_t)count_children(res);
    ak_resource_unit *u = jv_alloc(r, &p->arena, g->nunits, sizeof *u);
    uint32_t i = 0;
    for (const cJSON *c = res->child; c; c = c->next, i++)
        read_unit(p, c, i, &u[i]);
    g->units = u;
}

static void read_groups(rp *p, const cJSON *node, ak_msg *m)
{
    jr_array(&p->r, node);
    uint32_t n = (uint32_t)count_children(node);
    ak_group_spec *g = jv_alloc(&p->r, &p->arena, n, sizeof *g);
    uint32_t i = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        read_group(p, c, &g[i++]);
    m->create_deployment.groups = g;
    m->create_deployment.ngroups = n;
}

static void read_offer(rp *p, const cJSON *node, ak_msg *m)
{
    static const char *const keys[] = {"id", "count", NULL};
    jr_array(&p->r, node);
    uint32_t n = (uint32_t)count_children(node);
    ak_resource_offer *o = jv_alloc(&p->r, &p->arena, n, sizeof *o);
    uint32_t i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        jr_keys(&p->r, c, keys);
        o[i].id = (uint32_t)jr_uint(&p->r, jr_req(&p->r, c, "id"), UINT32_MAX);
        o[i].count = (uint32_t)jr_uint(&p->r, jr_req(&p->r, c, "count"), UINT32_MAX);
    }
    m->create_bid.offer = o;
    m->create_bid.noffer = n;
}

static void read_scopes(rp *p, const cJSON *node, ak_msg *m)
{
    const cJSON *one = node;
    if (cJSON_IsArray(node)) {
        one = NULL;
        if (count_children(node) > MAX_SCOPES)
            jr_fail(&p->r, node, "too many scopes: at most %d", MAX_SCOPES);
    } else if (!cJSON_IsString(node)) {
        jr_fail(&p->r, node, "expected \"deployment\", \"bid\" or a list of them");
    }
    m->grant.nscopes = 0;
    for (const cJSON *c = one ? one : node->child; c; c = one ? NULL : c->next) {
        const char *s = jr_string(&p->r, c, NULL);
        uint32_t sc;
        if (strcmp(s, "deployment") == 0)
            sc = AK_SCOPE_DEPLOYMENT;
        else if (strcmp(s, "bid") == 0)
            sc = AK_SCOPE_BID;
        else
            jr_fail(&p->r, c, "expected \"deployment\" or \"bid\", found \"%.60s\"", s);
        m->grant.scopes[m->grant.nscopes++] = sc;
    }
}

/* An optional signer field of a message whose id already names the signer (replay.h). */
static void id_signer(rp *p, const cJSON *tx, const char *key, ak_addr in_id, ak_msg *m)
{
    const cJSON *v = jr_opt(tx, key);
    if (!v)
        return;
    ak_addr a = jv_name(&p->r, v, p->strs);
    if (a == in_id)
        return;
    if (m->signer != AK_ADDR_NONE && m->signer != a)
        jr_fail(&p->r, v, "\"%s\" and \"signer\" name different accounts (%s, %s)", key,
                str(p, a), str(p, m->signer));
    m->signer = a;
}

/* ---- reading chain messages ---- */

static ak_addr req_name(rp *p, const cJSON *tx, const char *key)
{
    return jv_name(&p->r, jr_req(&p->r, tx, key), p->strs);
}

static ak_dec dec_raw(int64_t scaled)
{
    return ak_dec_from_raw(scaled);
}

static ak_dec opt_dec(rp *p, const cJSON *obj, const char *key, ak_dec dflt)
{
    const cJSON *v = jr_opt(obj, key);
    return v ? jv_dec(&p->r, v) : dflt;
}

static ak_amount opt_amount(rp *p, const cJSON *obj, const char *key, ak_amount dflt)
{
    const cJSON *v = jr_opt(obj, key);
    return v ? jv_amount(&p->r, v) : dflt;
}

/* A coin or a list of coins (MsgSubmitProposal `deposit`, MsgDeposit `amount`). */
static uint32_t read_coins_any(rp *p, const cJSON *node, ak_coin *out, uint32_t cap)
{
    if (cJSON_IsArray(node))
        return jv_coins(&p->r, node, p->strs, out, cap);
    if (!cJSON_IsString(node))
        jr_fail(&p->r, node, "expected a coin like \"100uakt\" or a list of coins");
    out[0] = jv_coin(&p->r, node, p->strs);
    return 1;
}

static uint32_t read_vote_option(rp *p, const cJSON *node)
{
    const char *s = jr_string(&p->r, node, NULL);
    if (strcmp(s, "yes") == 0)
        return AK_VOTE_YES;
    if (strcmp(s, "no") == 0)
        return AK_VOTE_NO;
    if (strcmp(s, "abstain") == 0)
        return AK_VOTE_ABSTAIN;
    if (strcmp(s, "no_with_veto") == 0)
        return AK_VOTE_NO_WITH_VETO;
    jr_fail(&p->r, node, "expected \"yes\", \"no\", \"abstain\" or \"no_with_veto\", found "
                         "\"%.60s\"", s);
}

static void read_weighted_options(rp *p, const cJSON *node, ak_msg *m)
{
    static const char *const keys[] = {"option", "weight", NULL};
    jr *r = &p->r;
    jr_array(r, node);
    if (count_children(node) > AK_VOTE_MAX_OPTIONS)
        jr_fail(r, node, "too many options: at most %d", AK_VOTE_MAX_OPTIONS);
    uint32_t n = 0;
    for (const cJSON *c = node->child; c; c = c->next, n++) {
        jr_keys(r, c, keys);
        m->vote.options[n].option = read_vote_option(p, jr_req(r, c, "option"));
        m->vote.options[n].weight = jv_dec(r, jr_req(r, c, "weight"));
    }
    m->vote.noptions = n;
}

/* MsgSubmitProposal `changes`: each module and param must name an entry of the params table;
 * the value is read in that param's JSON form. Also builds the default summary
 * "Changes take.default_take_rate, ...". */
static void read_changes(rp *p, const cJSON *node, ak_msg *m, ak_str *summary)
{
    static const char head[] = "Changes ";
    jr *r = &p->r;
    jr_array(r, node);
    uint32_t n = (uint32_t)count_children(node);
    ak_param_change *ch = jv_alloc(r, &p->arena, n, sizeof *ch);
    size_t len = sizeof head + sizeof "nothing";
    uint32_t i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        ak_params_json_change(r, c, p->strs, &ch[i]);
        len += strlen(ak_param_module_name(ch[i].def->module)) + strlen(ch[i].def->name) + 3;
    }
    m->submit_proposal.changes = ch;
    m->submit_proposal.nchanges = n;
    char *text = jv_alloc(r, &p->arena, len, 1);
    size_t k = (size_t)snprintf(text, len, "%s", head);
    for (i = 0; i < n; i++)
        k += (size_t)snprintf(text + k, len - k, "%s%s.%s", i ? ", " : "",
                              ak_param_module_name(ch[i].def->module), ch[i].def->name);
    if (n == 0)
        snprintf(text + k, len - k, "nothing");
    *summary = intern(p, node, text);
}

static void read_submit_proposal(rp *p, const cJSON *tx, ak_msg *m)
{
    jr *r = &p->r;
    typeof(m->submit_proposal) *sp = &m->submit_proposal;
    sp->proposer = req_name(p, tx, "proposer");
    ak_str summary;
    read_changes(p, jr_req(r, tx, "changes"), m, &summary);
    sp->ndeposit = read_coins_any(p, jr_req(r, tx, "deposit"), sp->deposit, AK_GOV_MAX_COINS);
    const cJSON *v;
    if ((v = jr_opt(tx, "title"))) {
        sp->title = intern(p, v, jr_string(r, v, NULL));
    } else {
        char t[96];
        snprintf(t, sizeof t, "Proposal by %s", str(p, sp->proposer));
        sp->title = intern(p, tx, t);
    }
    sp->summary = (v = jr_opt(tx, "summary")) ? intern(p, v, jr_string(r, v, NULL)) : summary;
    if ((v = jr_opt(tx, "metadata")))
        sp->metadata = intern(p, v, jr_string(r, v, NULL));
    if ((v = jr_opt(tx, "expedited")))
        sp->expedited = jr_bool(r, v);
}

static const char *const *tx_keys(ak_msg_type t)
{
    static const char *const send[] = {"type", "signer", "from", "to", "amount", NULL};
    static const char *const provider[] = {"type", "signer", "owner", "host_uri", "attributes",
                                           "email", "website", NULL};
    static const char *const sign[] = {"type", "signer", "auditor", "owner", "attributes", NULL};
    static const char *const del[] = {"type", "signer", "auditor", "owner", "keys", NULL};
    static const char *const grant[] = {"type", "signer", "granter", "grantee", "spend_limit",
                                        "scope", NULL};
    static const char *const create_dep[] = {"type", "signer", "owner", "dseq", "groups",
                                             "deposit", "sources", "hash", NULL};
    static const char *const update_dep[] = {"type", "signer", "owner", "dseq", "hash", NULL};
    static const char *const close_dep[] = {"type", "signer", "owner", "dseq", NULL};
    static const char *const group[] = {"type", "signer", "owner", "group", NULL};
    static const char *const deposit[] = {"type", "signer", "account", "deposit", "sources",
                                          NULL};
    static const char *const create_bid[] = {"type", "signer", "provider", "order", "price",
                                             "deposit", "sources", "resources_offer", NULL};
    static const char *const close_bid[] = {"type", "signer", "provider", "bid", "reason", NULL};
    static const char *const create_lease[] = {"type", "signer", "owner", "bid", NULL};
    static const char *const withdraw[] = {"type", "signer", "provider", "lease", NULL};
    static const char *const close_lease[] = {"type", "signer", "owner", "lease", NULL};
    static const char *const create_val[] = {"type", "signer", "name", "amount", "commission",
                                             "max_rate", "max_change_rate",
                                             "min_self_delegation", NULL};
    static const char *const edit_val[] = {"type", "signer", "name", "commission",
                                           "min_self_delegation", NULL};
    static const char *const delegate[] = {"type", "signer", "delegator", "validator", "amount",
                                           NULL};
    static const char *const redelegate[] = {"type", "signer", "delegator", "src", "dst",
                                             "amount", NULL};
    static const char *const validator[] = {"type", "signer", "validator", NULL};
    static const char *const withdraw_reward[] = {"type", "signer", "delegator", "validator",
                                                  NULL};
    static const char *const proposal[] = {"type", "signer", "proposer", "changes", "deposit",
                                           "title", "summary", "metadata", "expedited", NULL};
    static const char *const gov_deposit[] = {"type", "signer", "depositor", "proposal",
                                              "amount", NULL};
    static const char *const vote[] = {"type", "signer", "voter", "proposal", "option", NULL};
    static const char *const vote_weighted[] = {"type", "signer", "voter", "proposal",
                                                "options", NULL};
    switch (t) {
    case AK_MSG_SEND: return send;
    case AK_MSG_CREATE_PROVIDER:
    case AK_MSG_UPDATE_PROVIDER: return provider;
    case AK_MSG_SIGN_PROVIDER_ATTRIBUTES: return sign;
    case AK_MSG_DELETE_PROVIDER_ATTRIBUTES: return del;
    case AK_MSG_GRANT_DEPOSIT_AUTHORIZATION: return grant;
    case AK_MSG_CREATE_DEPLOYMENT: return create_dep;
    case AK_MSG_UPDATE_DEPLOYMENT: return update_dep;
    case AK_MSG_CLOSE_DEPLOYMENT: return close_dep;
    case AK_MSG_CLOSE_GROUP:
    case AK_MSG_PAUSE_GROUP:
    case AK_MSG_START_GROUP: return group;
    case AK_MSG_ACCOUNT_DEPOSIT: return deposit;
    case AK_MSG_CREATE_BID: return create_bid;
    case AK_MSG_CLOSE_BID: return close_bid;
    case AK_MSG_CREATE_LEASE: return create_lease;
    case AK_MSG_WITHDRAW_LEASE: return withdraw;
    case AK_MSG_CLOSE_LEASE: return close_lease;
    case AK_MSG_CREATE_VALIDATOR: return create_val;
    case AK_MSG_EDIT_VALIDATOR: return edit_val;
    case AK_MSG_DELEGATE:
    case AK_MSG_UNDELEGATE: return delegate;
    case AK_MSG_BEGIN_REDELEGATE: return redelegate;
    case AK_MSG_UNJAIL:
    case AK_MSG_WITHDRAW_VALIDATOR_COMMISSION: return validator;
    case AK_MSG_WITHDRAW_DELEGATOR_REWARD: return withdraw_reward;
    case AK_MSG_SUBMIT_PROPOSAL: return proposal;
    case AK_MSG_DEPOSIT: return gov_deposit;
    case AK_MSG_VOTE: return vote;
    case AK_MSG_VOTE_WEIGHTED: return vote_weighted;
    case AK_MSG_COUNT: break;
    }
    return NULL;
}

static void read_tx(rp *p, const cJSON *tx, rp_tx *t)
{
    jr *r = &p->r;
    ak_strtab *s = p->strs;
    jr_object(r, tx);
    const cJSON *tn = jr_req(r, tx, "type");
    const char *type = jr_string(r, tn, NULL);
    ak_msg *m = &t->msg;
    memset(m, 0, sizeof *m);
    t->node = tx;
    if (!ak_msg_type_from_name(type, &m->type))
        jr_fail(r, tn, "unknown message type \"%.80s\"", type);
    jr_keys(r, tx, tx_keys(m->type));

    const cJSON *v = jr_opt(tx, "signer");
    if (v && m->type != AK_MSG_ACCOUNT_DEPOSIT)
        m->signer = jv_name(r, v, s);

    switch (m->type) {
    case AK_MSG_SEND:
        m->send.from = req_name(p, tx, "from");
        m->send.to = req_name(p, tx, "to");
        m->send.amount = jv_coin(r, jr_req(r, tx, "amount"), s);
        break;
    case AK_MSG_CREATE_PROVIDER:
    case AK_MSG_UPDATE_PROVIDER:
        m->provider.owner = req_name(p, tx, "owner");
        v = jr_req(r, tx, "host_uri");
        m->provider.host_uri = intern(p, v, jr_string(r, v, NULL));
        m->provider.attrs = jv_attrs(r, jr_req(r, tx, "attributes"), s, &p->arena);
        if ((v = jr_opt(tx, "email")))
            m->provider.email = intern(p, v, jr_string(r, v, NULL));
        if ((v = jr_opt(tx, "website")))
            m->provider.website = intern(p, v, jr_string(r, v, NULL));
        break;
    case AK_MSG_SIGN_PROVIDER_ATTRIBUTES:
        m->sign_attrs.auditor = req_name(p, tx, "auditor");
        m->sign_attrs.owner = req_name(p, tx, "owner");
        m->sign_attrs.attrs = jv_attrs(r, jr_req(r, tx, "attributes"), s, &p->arena);
        break;
    case AK_MSG_DELETE_PROVIDER_ATTRIBUTES: {
        m->delete_attrs.auditor = req_name(p, tx, "auditor");
        m->delete_attrs.owner = req_name(p, tx, "owner");
        const cJSON *keys = jr_array(r, jr_req(r, tx, "keys"));
        uint32_t n = (uint32_t)count_children(keys);
        ak_str *k = jv_alloc(r, &p->arena, n, sizeof *k);
        uint32_t i = 0;
        for (const cJSON *c = keys->child; c; c = c->next)
            k[i++] = intern(p, c, jr_string(r, c, NULL));
        m->delete_attrs.keys = k;
        m->delete_attrs.nkeys = n;
        break;
    }
    case AK_MSG_GRANT_DEPOSIT_AUTHORIZATION:
        m->grant.granter = req_name(p, tx, "granter");
        m->grant.grantee = req_name(p, tx, "grantee");
        m->grant.spend_limit = jv_coin(r, jr_req(r, tx, "spend_limit"), s);
        read_scopes(p, jr_req(r, tx, "scope"), m);
        break;
    case AK_MSG_CREATE_DEPLOYMENT: {
        m->create_deployment.id.owner = req_name(p, tx, "owner");
        m->create_deployment.id.dseq = jr_uint(r, jr_req(r, tx, "dseq"), UINT64_MAX);
        const cJSON *groups = jr_req(r, tx, "groups");
        read_groups(p, groups, m);
        m->create_deployment.deposit = read_deposit(p, tx, "deposit");
        if ((v = jr_opt(tx, "hash")))
            m->create_deployment.hash_len = read_hash(p, v, m->create_deployment.hash);
        else
            m->create_deployment.hash_len = default_hash(p, groups, m->create_deployment.hash);
        break;
    }
    case AK_MSG_UPDATE_DEPLOYMENT:
        m->update_deployment.id.owner = req_name(p, tx, "owner");
        m->update_deployment.id.dseq = jr_uint(r, jr_req(r, tx, "dseq"), UINT64_MAX);
        m->update_deployment.hash_len =
            read_hash(p, jr_req(r, tx, "hash"), m->update_deployment.hash);
        break;
    case AK_MSG_CLOSE_DEPLOYMENT:
        m->close_deployment.id.owner = req_name(p, tx, "owner");
        m->close_deployment.id.dseq = jr_uint(r, jr_req(r, tx, "dseq"), UINT64_MAX);
        break;
    case AK_MSG_CLOSE_GROUP:
    case AK_MSG_PAUSE_GROUP:
    case AK_MSG_START_GROUP:
        m->group.id = jv_group_id(r, jr_req(r, tx, "group"), s);
        id_signer(p, tx, "owner", m->group.id.owner, m);
        break;
    case AK_MSG_ACCOUNT_DEPOSIT:
        m->account_deposit.signer = req_name(p, tx, "signer");
        m->account_deposit.id = jv_escrow_id(r, jr_req(r, tx, "account"), s);
        m->account_deposit.deposit = read_deposit(p, tx, "deposit");
        break;
    case AK_MSG_CREATE_BID: {
        ak_addr prov = req_name(p, tx, "provider");
        ak_order_id o = jv_order_id(r, jr_req(r, tx, "order"), s);
        m->create_bid.id = (ak_bid_id){o.owner, o.dseq, o.gseq, o.oseq, prov};
        m->create_bid.price = jv_deccoin(r, jr_req(r, tx, "price"), s);
        m->create_bid.deposit = read_deposit(p, tx, "deposit");
        if ((v = jr_opt(tx, "resources_offer")))
            read_offer(p, v, m);
        break;
    }
    case AK_MSG_CLOSE_BID:
        m->close_bid.id = jv_bid_id(r, jr_req(r, tx, "bid"), s);
        id_signer(p, tx, "provider", m->close_bid.id.provider, m);
        v = jr_opt(tx, "reason");
        m->close_bid.reason = v ? (uint32_t)jr_uint(r, v, UINT32_MAX) : AK_REASON_UNSPECIFIED;
        break;
    case AK_MSG_CREATE_LEASE:
        m->lease.id = jv_bid_id(r, jr_req(r, tx, "bid"), s);
        id_signer(p, tx, "owner", m->lease.id.owner, m);
        break;
    case AK_MSG_WITHDRAW_LEASE:
        m->lease.id = jv_bid_id(r, jr_req(r, tx, "lease"), s);
        id_signer(p, tx, "provider", m->lease.id.provider, m);
        break;
    case AK_MSG_CLOSE_LEASE:
        m->lease.id = jv_bid_id(r, jr_req(r, tx, "lease"), s);
        id_signer(p, tx, "owner", m->lease.id.owner, m);
        break;
    case AK_MSG_CREATE_VALIDATOR: {
        typeof(m->create_validator) *cv = &m->create_validator;
        cv->validator = req_name(p, tx, "name");
        cv->amount = jv_coin(r, jr_req(r, tx, "amount"), s);
        cv->rate = jv_dec(r, jr_req(r, tx, "commission"));
        cv->max_rate = opt_dec(p, tx, "max_rate", dec_raw(DEFAULT_MAX_RATE_RAW));
        cv->max_change_rate = opt_dec(p, tx, "max_change_rate",
                                      dec_raw(DEFAULT_MAX_CHANGE_RATE_RAW));
        cv->min_self_delegation = opt_amount(p, tx, "min_self_delegation",
                                             DEFAULT_MIN_SELF_DELEGATION);
        break;
    }
    case AK_MSG_EDIT_VALIDATOR:
        m->edit_validator.validator = req_name(p, tx, "name");
        if ((v = jr_opt(tx, "commission"))) {
            m->edit_validator.has_rate = true;
            m->edit_validator.rate = jv_dec(r, v);
        }
        if ((v = jr_opt(tx, "min_self_delegation"))) {
            m->edit_validator.has_min_self_delegation = true;
            m->edit_validator.min_self_delegation = jv_amount(r, v);
        }
        break;
    case AK_MSG_DELEGATE:
    case AK_MSG_UNDELEGATE:
        m->delegate.delegator = req_name(p, tx, "delegator");
        m->delegate.validator = req_name(p, tx, "validator");
        m->delegate.amount = jv_coin(r, jr_req(r, tx, "amount"), s);
        break;
    case AK_MSG_BEGIN_REDELEGATE:
        m->redelegate.delegator = req_name(p, tx, "delegator");
        m->redelegate.src = req_name(p, tx, "src");
        m->redelegate.dst = req_name(p, tx, "dst");
        m->redelegate.amount = jv_coin(r, jr_req(r, tx, "amount"), s);
        break;
    case AK_MSG_UNJAIL:
    case AK_MSG_WITHDRAW_VALIDATOR_COMMISSION:
        m->validator.validator = req_name(p, tx, "validator");
        break;
    case AK_MSG_WITHDRAW_DELEGATOR_REWARD:
        m->withdraw_reward.delegator = req_name(p, tx, "delegator");
        m->withdraw_reward.validator = req_name(p, tx, "validator");
        break;
    case AK_MSG_SUBMIT_PROPOSAL:
        read_submit_proposal(p, tx, m);
        break;
    case AK_MSG_DEPOSIT:
        m->gov_deposit.depositor = req_name(p, tx, "depositor");
        m->gov_deposit.proposal = jr_uint(r, jr_req(r, tx, "proposal"), UINT64_MAX);
        m->gov_deposit.namount = read_coins_any(p, jr_req(r, tx, "amount"),
                                                m->gov_deposit.amount, AK_GOV_MAX_COINS);
        break;
    case AK_MSG_VOTE:
        m->vote.voter = req_name(p, tx, "voter");
        m->vote.proposal = jr_uint(r, jr_req(r, tx, "proposal"), UINT64_MAX);
        m->vote.options[0].option = read_vote_option(p, jr_req(r, tx, "option"));
        m->vote.options[0].weight = ak_dec_from_int(1);
        m->vote.noptions = 1;
        break;
    case AK_MSG_VOTE_WEIGHTED:
        m->vote.voter = req_name(p, tx, "voter");
        m->vote.proposal = jr_uint(r, jr_req(r, tx, "proposal"), UINT64_MAX);
        read_weighted_options(p, jr_req(r, tx, "options"), m);
        break;
    case AK_MSG_COUNT:
        break;
    }
}

/* ---- reading the script ---- */

/* An amount of the bond denom: a coin ("5000000uakt") or a bare amount ("5000000", 5000000). */
static ak_amount read_bond_amount(rp *p, const cJSON *node)
{
    if (cJSON_IsString(node) && node->valuestring[0] >= '0' && node->valuestring[0] <= '9') {
        const char *t = node->valuestring;
        while (*t >= '0' && *t <= '9')
            t++;
        if (*t) {
            ak_coin c = jv_coin(&p->r, node, p->strs);
            ak_denom bond = p->params.staking.bond_denom;
            if (c.denom != bond)
                jr_fail(&p->r, node, "expected an amount of the bond denom %s, found %s",
                        str(p, bond), str(p, c.denom));
            return c.amount;
        }
    }
    return jv_amount(&p->r, node);
}

static void read_genesis_validators(rp *p, const cJSON *node)
{
    static const char *const keys[] = {"name", "tokens", "commission", "max_rate",
                                       "max_change_rate", "min_self_delegation", NULL};
    jr *r = &p->r;
    jr_array(r, node);
    p->validators_node = node;
    p->ngval = (uint32_t)count_children(node);
    p->gval = jv_alloc(r, &p->arena, p->ngval, sizeof *p->gval);
    uint32_t i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        rp_gval *gv = &p->gval[i];
        jr_keys(r, c, keys);
        gv->node = c;
        gv->name = req_name(p, c, "name");
        gv->tokens = read_bond_amount(p, jr_req(r, c, "tokens"));
        gv->rate = opt_dec(p, c, "commission", dec_raw(DEFAULT_COMMISSION_RAW));
        gv->max_rate = opt_dec(p, c, "max_rate", dec_raw(DEFAULT_MAX_RATE_RAW));
        gv->max_change_rate = opt_dec(p, c, "max_change_rate",
                                      dec_raw(DEFAULT_MAX_CHANGE_RATE_RAW));
        gv->min_self_delegation = opt_amount(p, c, "min_self_delegation",
                                             DEFAULT_MIN_SELF_DELEGATION);
    }
}

static void read_genesis_delegations(rp *p, const cJSON *node)
{
    static const char *const keys[] = {"delegator", "validator", "amount", NULL};
    jr *r = &p->r;
    jr_array(r, node);
    p->ngdel = (uint32_t)count_children(node);
    p->gdel = jv_alloc(r, &p->arena, p->ngdel, sizeof *p->gdel);
    uint32_t i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        rp_gdel *gd = &p->gdel[i];
        jr_keys(r, c, keys);
        gd->node = c;
        gd->delegator = req_name(p, c, "delegator");
        gd->validator = req_name(p, c, "validator");
        gd->amount = read_bond_amount(p, jr_req(r, c, "amount"));
    }
}

static void read_genesis(rp *p, const cJSON *g)
{
    static const char *const keys[] = {"time", "block_time_s", "accounts", "providers",
                                       "validators", "delegations", "mint_inflation", NULL};
    static const char *const prov_keys[] = {"owner", "host_uri", "attributes", "email",
                                            "website", NULL};
    jr *r = &p->r;
    p->time0 = DEFAULT_TIME;
    p->block_time_s = DEFAULT_BLOCK_TIME_S;
    p->inflation = dec_raw(DEFAULT_INFLATION_RAW);
    if (!g)
        return;
    jr_keys(r, g, keys);
    const cJSON *v;
    if ((v = jr_opt(g, "time")))
        p->time0 = jv_time(r, v);
    if ((v = jr_opt(g, "block_time_s")))
        p->block_time_s = jr_int(r, v, 1, MAX_BLOCK_TIME_S);
    if ((v = jr_opt(g, "validators")))
        read_genesis_validators(p, v);
    if ((v = jr_opt(g, "delegations")))
        read_genesis_delegations(p, v);
    if ((v = jr_opt(g, "mint_inflation")))
        p->inflation = jv_dec(r, v);

    if ((v = jr_opt(g, "accounts"))) {
        jr_object(r, v);
        jv_unique_keys(r, v);
        uint32_t n = 0;
        for (const cJSON *a = v->child; a; a = a->next)
            n += (uint32_t)count_children(jr_array(r, a));
        p->gbal = jv_alloc(r, &p->arena, n, sizeof *p->gbal);
        for (const cJSON *a = v->child; a; a = a->next) {
            if (!jv_name_valid(a->string, strlen(a->string)))
                jr_fail(r, a, "expected an account name like \"alice\" ([a-z][a-z0-9_-]{0,63}) "
                              "as the key");
            ak_addr addr = intern(p, a, a->string);
            uint32_t first = p->ngbal;
            for (const cJSON *c = a->child; c; c = c->next) {
                ak_coin coin = jv_coin(r, c, p->strs);
                for (uint32_t i = first; i < p->ngbal; i++)
                    if (p->gbal[i].coin.denom == coin.denom)
                        jr_fail(r, c, "denom %s appears twice", str(p, coin.denom));
                p->gbal[p->ngbal++] = (rp_gbal){addr, coin, c};
            }
        }
    }
    if ((v = jr_opt(g, "providers"))) {
        jr_array(r, v);
        p->ngprov = (uint32_t)count_children(v);
        p->gprov = jv_alloc(r, &p->arena, p->ngprov, sizeof *p->gprov);
        uint32_t i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            rp_gprov *gp = &p->gprov[i];
            jr_keys(r, c, prov_keys);
            gp->node = c;
            gp->owner = req_name(p, c, "owner");
            const cJSON *h = jr_req(r, c, "host_uri");
            gp->host_uri = intern(p, h, jr_string(r, h, NULL));
            gp->attrs = jv_attrs(r, jr_req(r, c, "attributes"), p->strs, &p->arena);
            if ((h = jr_opt(c, "email")))
                gp->email = intern(p, h, jr_string(r, h, NULL));
            if ((h = jr_opt(c, "website")))
                gp->website = intern(p, h, jr_string(r, h, NULL));
        }
    }
}

static void read_blocks(rp *p, const cJSON *blocks)
{
    static const char *const keys[] = {"height", "txs", "dump", "absent", "double_sign", NULL};
    jr *r = &p->r;
    jr_array(r, blocks);
    p->nblocks = (uint32_t)count_children(blocks);
    p->blocks = jv_alloc(r, &p->arena, p->nblocks, sizeof *p->blocks);
    ak_height prev = 0;
    uint32_t i = 0;
    for (const cJSON *b = blocks->child; b; b = b->next, i++) {
        rp_block *blk = &p->blocks[i];
        jr_keys(r, b, keys);
        const cJSON *hn = jr_req(r, b, "height");
        blk->height = jr_int(r, hn, 1, AK_REPLAY_MAX_HEIGHT);
        if (blk->height <= prev)
            jr_fail(r, hn, "heights must strictly increase: %" PRId64 " after %" PRId64,
                    blk->height, prev);
        if (p->time0 + (blk->height - 1) * p->block_time_s > JV_TIME_MAX)
            jr_fail(r, hn, "the header time of height %" PRId64 " would be after "
                           "9999-12-31T23:59:59Z", blk->height);
        prev = blk->height;
        const cJSON *v;
        if ((v = jr_opt(b, "dump")))
            blk->dump = jr_bool(r, v);
        if ((v = jr_opt(b, "absent")))
            blk->absent = read_names(p, v, &blk->nabsent);
        if ((v = jr_opt(b, "double_sign")))
            blk->double_sign = read_names(p, v, &blk->ndouble_sign);
        const cJSON *txs = jr_array(r, jr_req(r, b, "txs"));
        blk->ntxs = (uint32_t)count_children(txs);
        blk->txs = jv_alloc(r, &p->arena, blk->ntxs, sizeof *blk->txs);
        uint32_t k = 0;
        for (const cJSON *t = txs->child; t; t = t->next)
            read_tx(p, t, &blk->txs[k++]);
    }
}

static void read_liveness(rp *p, const cJSON *node)
{
    static const char *const keys[] = {"validator", "absent_from", "absent_to", NULL};
    jr *r = &p->r;
    jr_array(r, node);
    p->nranges = (uint32_t)count_children(node);
    p->ranges = jv_alloc(r, &p->arena, p->nranges, sizeof *p->ranges);
    p->lv_active = jv_alloc(r, &p->arena, p->nranges, sizeof *p->lv_active);
    uint32_t i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        rp_range *g = &p->ranges[i];
        jr_keys(r, c, keys);
        g->node = c;
        g->addr = req_name(p, c, "validator");
        g->from = jr_int(r, jr_req(r, c, "absent_from"), 1, AK_REPLAY_MAX_HEIGHT);
        const cJSON *to = jr_req(r, c, "absent_to");
        g->to = jr_int(r, to, 1, AK_REPLAY_MAX_HEIGHT);
        if (g->to < g->from)
            jr_fail(r, to, "absent_to %" PRId64 " is before absent_from %" PRId64, g->to,
                    g->from);
    }
}

static void read_record(rp *p, const cJSON *node)
{
    jr *r = &p->r;
    jr_array(r, node);
    for (const cJSON *c = node->child; c; c = c->next) {
        const char *s = jr_string(r, c, NULL);
        if (strcmp(s, "proposers") == 0)
            p->record_proposers = true;
        else
            jr_fail(r, c, "unknown record \"%.60s\": expected \"proposers\"", s);
    }
}

static int addr_cmp(const void *a, const void *b)
{
    ak_addr x = *(const ak_addr *)a, y = *(const ak_addr *)b;
    return x < y ? -1 : x > y;
}

static void known_validator(rp *p, const cJSON *node, ak_addr a)
{
    if (!bsearch(&a, p->known_vals, p->nknown_vals, sizeof a, addr_cmp))
        jr_fail(&p->r, node, "no validator named \"%s\": not in genesis.validators and not "
                             "created by a MsgCreateValidator of the script", str(p, a));
}

/* Names in `liveness`, `absent` and `double_sign` must be validators the script can have: a
 * genesis validator or one a MsgCreateValidator creates (a typo would otherwise do nothing). */
static void check_validator_names(rp *p, const cJSON *blocks)
{
    jr *r = &p->r;
    uint32_t n = p->ngval;
    for (uint32_t b = 0; b < p->nblocks; b++)
        for (uint32_t t = 0; t < p->blocks[b].ntxs; t++)
            n += p->blocks[b].txs[t].msg.type == AK_MSG_CREATE_VALIDATOR;
    p->known_vals = jv_alloc(r, &p->arena, n, sizeof *p->known_vals);
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->ngval; i++)
        p->known_vals[k++] = p->gval[i].name;
    for (uint32_t b = 0; b < p->nblocks; b++)
        for (uint32_t t = 0; t < p->blocks[b].ntxs; t++)
            if (p->blocks[b].txs[t].msg.type == AK_MSG_CREATE_VALIDATOR)
                p->known_vals[k++] = p->blocks[b].txs[t].msg.create_validator.validator;
    qsort(p->known_vals, k, sizeof *p->known_vals, addr_cmp);
    p->nknown_vals = k;
    for (uint32_t i = 0; i < p->nranges; i++)
        known_validator(p, jr_opt(p->ranges[i].node, "validator"), p->ranges[i].addr);
    uint32_t b = 0;
    for (const cJSON *bn = blocks->child; bn; bn = bn->next, b++) {
        const char *const lists[] = {"absent", "double_sign"};
        for (int l = 0; l < 2; l++) {
            const cJSON *v = jr_opt(bn, lists[l]);
            const ak_addr *names = l ? p->blocks[b].double_sign : p->blocks[b].absent;
            uint32_t i = 0;
            for (const cJSON *c = v ? v->child : NULL; c; c = c->next, i++)
                known_validator(p, c, names[i]);
        }
    }
}

static int range_cmp(const void *a, const void *b)
{
    const rp_range *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

static void read_script(rp *p)
{
    static const char *const keys[] = {"rules", "params", "genesis", "liveness", "record",
                                       "blocks", NULL};
    jr *r = &p->r;
    jr_keys(r, p->root, keys);
    const cJSON *v = jr_opt(p->root, "rules");
    if (v) {
        const char *rules = jr_string(r, v, NULL);
        if (strcmp(rules, "akash-v2") == 0)
            jr_fail(r, v, "rules akash-v2 (burn-mint era) are not supported yet");
        if (strcmp(rules, "akash-v1") != 0)
            jr_fail(r, v, "unknown rules \"%.60s\": expected \"akash-v1\"", rules);
    }
    if (ak_app_create(AK_RULES_V1, &p->app))
        jr_fail(r, NULL, "out of memory");
    p->strs = ak_app_strs(p->app);

    if (ak_params_default(&p->params, p->strs))
        jr_fail(r, NULL, "out of memory");
    p->params_node = jr_opt(p->root, "params");
    if (p->params_node)
        ak_params_json_read(r, p->params_node, p->strs, &p->params);
    ak_params_json_validate(r, p->params_node, p->strs, &p->params);

    read_genesis(p, jr_opt(p->root, "genesis"));
    if ((v = jr_opt(p->root, "liveness")))
        read_liveness(p, v);
    if ((v = jr_opt(p->root, "record")))
        read_record(p, v);
    const cJSON *blocks = jr_req(r, p->root, "blocks");
    read_blocks(p, blocks);
    check_validator_names(p, blocks);
}

/* Genesis: params, clock, balances, providers, then the chain layer's validators, delegations
 * and inflation, and the start of consensus. Errors are script errors (exit 2). */
static void genesis(rp *p)
{
    jr *r = &p->r;
    char why[256];
    if (ak_app_set_params(p->app, &p->params, why, sizeof why))
        jr_fail(r, p->params_node, "%s", why);
    ak_app_set_clock(p->app, p->time0, p->block_time_s);
    for (uint32_t i = 0; i < p->ngbal; i++) {
        int rc = ak_app_genesis_balance(p->app, p->gbal[i].addr, p->gbal[i].coin);
        if (rc)
            jr_fail(r, p->gbal[i].node, "%s: %s", ak_err_name(rc), ak_err_message(rc));
    }
    for (uint32_t i = 0; i < p->ngprov; i++) {
        const rp_gprov *gp = &p->gprov[i];
        ak_tx_result res;
        memset(&res, 0, sizeof res);
        int rc = ak_app_genesis_provider(p->app, gp->owner, gp->host_uri, gp->attrs, gp->email,
                                         gp->website, &res);
        if (rc)
            jr_fail(r, gp->node, "%s: %s", ak_err_name(rc),
                    res.detail[0] ? res.detail : ak_err_message(rc));
    }
    for (uint32_t i = 0; i < p->ngval; i++) {
        const rp_gval *gv = &p->gval[i];
        ak_tx_result res;
        memset(&res, 0, sizeof res);
        int rc = ak_app_genesis_validator(p->app, gv->name, gv->tokens, gv->rate, gv->max_rate,
                                          gv->max_change_rate, gv->min_self_delegation, &res);
        if (rc)
            jr_fail(r, gv->node, "%s: %s", ak_err_name(rc),
                    res.detail[0] ? res.detail : ak_err_message(rc));
    }
    for (uint32_t i = 0; i < p->ngdel; i++) {
        const rp_gdel *gd = &p->gdel[i];
        ak_tx_result res;
        memset(&res, 0, sizeof res);
        int rc = ak_app_genesis_delegation(p->app, gd->delegator, gd->validator, gd->amount,
                                           &res);
        if (rc)
            jr_fail(r, gd->node, "%s: %s", ak_err_name(rc),
                    res.detail[0] ? res.detail : ak_err_message(rc));
    }
    ak_app_set_inflation(p->app, p->inflation);
    int rc = ak_app_genesis_finish(p->app);
    if (rc == AK_EINVAL)
        jr_fail(r, p->validators_node, "no genesis validator has power: a validator needs "
                                       "tokens of at least %d (power 1) to start the chain",
                POWER_REDUCTION);
    if (rc)
        jr_fail(r, p->validators_node, "%s: %s", ak_err_name(rc), ak_err_message(rc));
    /* the liveness sweep (run_block) takes the ranges in order of their first height */
    if (p->nranges > 1)
        qsort(p->ranges, p->nranges, sizeof *p->ranges, range_cmp);
}

/* ---- loading ---- */

/* Parse text into p->root; on failure print the error and return false. */
static bool parse(rp *p, const char *text, size_t len)
{
    char why[512];
    p->root = jr_parse(p->name, text, len, AK_REPLAY_MAX_FILE, "a JSON replay script", why,
                       sizeof why);
    if (!p->root)
        say(p->err, "%s", why);
    return p->root != NULL;
}

/* Validate the script and run genesis; false after printing the error. */
static bool load(rp *p)
{
    jr_init(&p->r, TOOL, p->name, p->root);
    if (setjmp(p->r.on_error)) {
        /* r.err starts with "replay: " already */
        say(p->err, "%s", p->r.err + strlen(TOOL ": "));
        return false;
    }
    jr_object(&p->r, p->root);
    read_script(p);
    genesis(p);
    return true;
}

/* ---- state output (replay.md "Output") ---- */

typedef struct item {
    const char *k1, *k2;
    uint32_t h;
} item;

static int item_cmp(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int c = strcmp(x->k1, y->k1);
    if (c)
        return c;
    c = strcmp(x->k2 ? x->k2 : "", y->k2 ? y->k2 : "");
    if (c)
        return c;
    return x->h < y->h ? -1 : x->h > y->h;
}

/* Scratch space of one state write. */
typedef struct sw {
    ak_arena arena;
    bool oom;
} sw;

static const char *sdup(sw *s, const char *v)
{
    size_t n = strlen(v) + 1;
    char *d = ak_arena_alloc(&s->arena, n);
    if (!d) {
        s->oom = true;
        return "";
    }
    memcpy(d, v, n);
    return d;
}

static item *items(sw *s, size_t n)
{
    item *v = ak_arena_alloc(&s->arena, (n ? n : 1) * sizeof *v);
    if (!v)
        s->oom = true;
    return v;
}

static void sort_items(item *v, size_t n)
{
    if (v && n > 1)
        qsort(v, n, sizeof *v, item_cmp);
}

static void kdeccoin(jw *w, const ak_strtab *strs, const char *key, ak_dec amount, ak_denom d)
{
    char buf[320];
    jv_format_deccoin(strs, (ak_deccoin){d, amount}, buf, sizeof buf);
    jw_kstr(w, key, buf);
}

static void kcoin(jw *w, const ak_strtab *strs, const char *key, ak_amount amount, ak_denom d)
{
    char buf[192];
    jv_format_coin(strs, (ak_coin){d, amount}, buf, sizeof buf);
    jw_kstr(w, key, buf);
}

static void kamount(jw *w, const char *key, ak_amount a)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, a);
    jw_kstr(w, key, buf);
}

static void write_attrs(jw *w, const ak_strtab *strs, ak_attrs a)
{
    jw_object_flat(w);
    for (uint32_t i = 0; i < a.n; i++)
        jw_kstr(w, ak_strtab_get(strs, a.v[i].key), ak_strtab_get(strs, a.v[i].value));
    jw_object_end(w);
}

static void write_bank(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_bank *bank = ak_app_bank(app);
    uint32_t n = bank->balances.len;
    item *v = items(s, n);
    if (!v)
        return;
    size_t k = 0;
    for (uint32_t h = 0; h < n; h++) {
        const ak_bank_balance *b = ak_pool_at(&bank->balances, h);
        if (ak_bank_is_module(bank, b->addr, NULL) || b->amount == 0)
            continue;
        v[k++] = (item){ak_strtab_get(strs, b->addr), ak_strtab_get(strs, b->denom), h};
    }
    sort_items(v, k);
    jw_key(w, "balances");
    jw_object(w);
    for (size_t i = 0; i < k;) {
        jw_key(w, v[i].k1);
        jw_object_flat(w);
        size_t j = i;
        for (; j < k && strcmp(v[j].k1, v[i].k1) == 0; j++) {
            const ak_bank_balance *b = ak_pool_at(&bank->balances, v[j].h);
            kamount(w, v[j].k2, b->amount);
        }
        jw_object_end(w);
        i = j;
    }
    jw_object_end(w);

    jw_key(w, "modules");
    jw_object(w);
    for (int m = 0; m < AK_MODULE_COUNT; m++) {
        ak_addr ma = ak_bank_module_addr(bank, (ak_module)m);
        k = 0;
        for (uint32_t h = 0; h < n; h++) {
            const ak_bank_balance *b = ak_pool_at(&bank->balances, h);
            if (b->addr == ma)
                v[k++] = (item){ak_strtab_get(strs, b->denom), NULL, h};
        }
        sort_items(v, k);
        jw_key(w, ak_bank_module_name((ak_module)m));
        jw_object_flat(w);
        for (size_t i = 0; i < k; i++) {
            const ak_bank_balance *b = ak_pool_at(&bank->balances, v[i].h);
            kamount(w, v[i].k1, b->amount);
        }
        jw_object_end(w);
    }
    jw_object_end(w);

    uint32_t ns = bank->supplies.len;
    item *sv = items(s, ns);
    if (!sv)
        return;
    for (uint32_t h = 0; h < ns; h++) {
        const ak_bank_supply *su = ak_pool_at(&bank->supplies, h);
        sv[h] = (item){ak_strtab_get(strs, su->denom), NULL, h};
    }
    sort_items(sv, ns);
    jw_key(w, "supply");
    jw_object_flat(w);
    for (uint32_t i = 0; i < ns; i++) {
        const ak_bank_supply *su = ak_pool_at(&bank->supplies, sv[i].h);
        kamount(w, sv[i].k1, su->amount);
    }
    jw_object_end(w);
}

static void write_pool(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    ak_denom small[32];
    uint32_t n = ak_app_community_pool_denoms(app, small, 32);
    ak_denom *d = small;
    if (n > 32) {
        d = ak_arena_alloc(&s->arena, n * sizeof *d);
        if (!d) {
            s->oom = true;
            return;
        }
        n = ak_app_community_pool_denoms(app, d, n);
    }
    item *v = items(s, n);
    if (!v)
        return;
    for (uint32_t i = 0; i < n; i++)
        v[i] = (item){ak_strtab_get(strs, d[i]), NULL, d[i]};
    sort_items(v, n);
    jw_key(w, "community_pool");
    jw_object_flat(w);
    for (uint32_t i = 0; i < n; i++) {
        char buf[AK_DEC_STRLEN];
        ak_dec_format(ak_app_community_pool(app, v[i].h), buf, sizeof buf);
        jw_kstr(w, v[i].k1, buf);
    }
    jw_object_end(w);
}

static void write_deployments(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_deployments *ds = ak_app_deployments(app);
    char id[JV_ID_STRLEN];

    uint32_t n = ds->deployments.len;
    item *v = items(s, n);
    if (!v)
        return;
    for (uint32_t h = 0; h < n; h++) {
        const ak_deployment *d = ak_pool_at(&ds->deployments, h);
        jv_format_deployment_id(strs, d->id, id, sizeof id);
        v[h] = (item){sdup(s, id), NULL, h};
    }
    sort_items(v, n);
    jw_key(w, "deployments");
    jw_array(w);
    for (uint32_t i = 0; i < n; i++) {
        const ak_deployment *d = ak_pool_at(&ds->deployments, v[i].h);
        char hex[2 * 32 + 1];
        uint32_t hl = d->hash_len <= 32 ? d->hash_len : 32;
        for (uint32_t b = 0; b < hl; b++)
            snprintf(hex + 2 * b, 3, "%02x", d->hash[b]);
        hex[2 * hl] = '\0';
        jw_object_flat(w);
        jw_kstr(w, "id", v[i].k1);
        jw_kstr(w, "state", ak_deployment_state_name(d->state));
        jw_kstr(w, "hash", hex);
        jw_kint(w, "created_at", d->created_at);
        jw_object_end(w);
    }
    jw_array_end(w);

    n = ds->groups.len;
    v = items(s, n);
    if (!v)
        return;
    for (uint32_t h = 0; h < n; h++) {
        const ak_group *g = ak_pool_at(&ds->groups, h);
        jv_format_group_id(strs, g->id, id, sizeof id);
        v[h] = (item){sdup(s, id), NULL, h};
    }
    sort_items(v, n);
    jw_key(w, "groups");
    jw_array(w);
    for (uint32_t i = 0; i < n; i++) {
        const ak_group *g = ak_pool_at(&ds->groups, v[i].h);
        jw_object_flat(w);
        jw_kstr(w, "id", v[i].k1);
        jw_kstr(w, "state", ak_group_state_name(g->state));
        jw_kstr(w, "name", ak_strtab_get(strs, g->spec.name));
        kdeccoin(w, strs, "price", g->price.amount, g->price.denom);
        jw_kint(w, "created_at", g->created_at);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_market(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_market *mk = ak_app_market(app);
    const ak_deployments *ds = ak_app_deployments(app);
    char id[JV_ID_STRLEN];

    uint32_t n = mk->orders.len;
    item *v = items(s, n);
    if (!v)
        return;
    for (uint32_t h = 0; h < n; h++) {
        const ak_order *o = ak_pool_at(&mk->orders, h);
        jv_format_order_id(strs, o->id, id, sizeof id);
        v[h] = (item){sdup(s, id), NULL, h};
    }
    sort_items(v, n);
    jw_key(w, "orders");
    jw_array(w);
    for (uint32_t i = 0; i < n; i++) {
        const ak_order *o = ak_pool_at(&mk->orders, v[i].h);
        jw_object_flat(w);
        jw_kstr(w, "id", v[i].k1);
        jw_kstr(w, "state", ak_order_state_name(o->state));
        if (o->group < ds->groups.len) {
            const ak_group *g = ak_pool_at(&ds->groups, o->group);
            kdeccoin(w, strs, "price", g->price.amount, g->price.denom);
        }
        jw_kint(w, "created_at", o->created_at);
        jw_object_end(w);
    }
    jw_array_end(w);

    n = mk->bids.len;
    v = items(s, n);
    if (!v)
        return;
    uint32_t nleases = 0;
    for (uint32_t h = 0; h < n; h++) {
        const ak_bid *b = ak_pool_at(&mk->bids, h);
        jv_format_bid_id(strs, b->id, id, sizeof id);
        v[h] = (item){sdup(s, id), NULL, h};
        nleases += b->lease_state != AK_LEASE_NONE;
    }
    sort_items(v, n);
    jw_key(w, "bids");
    jw_array(w);
    for (uint32_t i = 0; i < n; i++) {
        const ak_bid *b = ak_pool_at(&mk->bids, v[i].h);
        jw_object_flat(w);
        jw_kstr(w, "id", v[i].k1);
        jw_kstr(w, "state", ak_bid_state_name(b->state));
        kdeccoin(w, strs, "price", b->price.amount, b->price.denom);
        jw_kint(w, "created_at", b->created_at);
        jw_object_end(w);
    }
    jw_array_end(w);

    jw_key(w, "leases");
    jw_array(w);
    for (uint32_t i = 0; i < n && nleases; i++) {
        const ak_bid *b = ak_pool_at(&mk->bids, v[i].h);
        if (b->lease_state == AK_LEASE_NONE)
            continue;
        jw_object_flat(w);
        jw_kstr(w, "id", v[i].k1);
        jw_kstr(w, "state", ak_lease_state_name(b->lease_state));
        kdeccoin(w, strs, "price", b->price.amount, b->price.denom);
        jw_kint(w, "created_at", b->lease_created_at);
        jw_kint(w, "closed_on", b->lease_closed_on);
        jw_kint(w, "reason", b->lease_reason);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static const char *source_name(uint32_t src)
{
    return src == AK_SOURCE_GRANT ? "grant" : src == AK_SOURCE_BALANCE ? "balance" : "unknown";
}

static void write_escrow(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_escrow *es = ak_app_escrow(app);
    char id[JV_ID_STRLEN + 16];

    uint32_t n = es->accounts.len;
    item *v = items(s, n);
    if (!v)
        return;
    for (uint32_t h = 0; h < n; h++) {
        const ak_escrow_account *a = ak_pool_at(&es->accounts, h);
        jv_format_escrow_id(strs, a->id, id, sizeof id);
        v[h] = (item){sdup(s, id), NULL, h};
    }
    sort_items(v, n);
    jw_key(w, "escrow_accounts");
    jw_array(w);
    for (uint32_t i = 0; i < n; i++) {
        const ak_escrow_account *a = ak_pool_at(&es->accounts, v[i].h);
        jw_object_flat(w);
        jw_kstr(w, "id", v[i].k1);
        jw_kstr(w, "owner", ak_strtab_get(strs, a->owner));
        jw_kstr(w, "state", ak_escrow_state_name(a->state));
        kdeccoin(w, strs, "funds", a->funds, a->denom);
        kdeccoin(w, strs, "transferred", a->transferred, a->denom);
        jw_kint(w, "settled_at", a->settled_at);
        jw_key(w, "deposits");
        jw_array(w);
        uint32_t guard = 0;
        for (uint32_t d = a->dep_head; d < es->deposits.len && guard < es->deposits.len;
             guard++) {
            const ak_escrow_deposit *dp = ak_pool_at(&es->deposits, d);
            jw_object(w);
            jw_kstr(w, "owner", ak_strtab_get(strs, dp->owner));
            jw_kint(w, "height", dp->height);
            jw_kstr(w, "source", source_name(dp->source));
            kdeccoin(w, strs, "balance", dp->balance, a->denom);
            jw_object_end(w);
            if (d == a->dep_tail)
                break;
            d = dp->next;
        }
        jw_array_end(w);
        jw_object_end(w);
    }
    jw_array_end(w);

    n = es->payments.len;
    v = items(s, n);
    if (!v)
        return;
    for (uint32_t h = 0; h < n; h++) {
        const ak_escrow_payment *py = ak_pool_at(&es->payments, h);
        char x[JV_ID_STRLEN];
        jv_format_bid_id(strs, py->id, x, sizeof x);
        snprintf(id, sizeof id, "deployment/%s", x);
        v[h] = (item){sdup(s, id), NULL, h};
    }
    sort_items(v, n);
    jw_key(w, "escrow_payments");
    jw_array(w);
    for (uint32_t i = 0; i < n; i++) {
        const ak_escrow_payment *py = ak_pool_at(&es->payments, v[i].h);
        ak_denom denom = 0;
        if (py->account < es->accounts.len)
            denom = ((const ak_escrow_account *)ak_pool_at(&es->accounts, py->account))->denom;
        jw_object_flat(w);
        jw_kstr(w, "id", v[i].k1);
        jw_kstr(w, "owner", ak_strtab_get(strs, py->owner));
        jw_kstr(w, "state", ak_escrow_state_name(py->state));
        kdeccoin(w, strs, "rate", py->rate, denom);
        kdeccoin(w, strs, "balance", py->balance, denom);
        kdeccoin(w, strs, "unsettled", py->unsettled, denom);
        kcoin(w, strs, "withdrawn", py->withdrawn, denom);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_providers(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_providers *ps = ak_app_providers(app);
    const ak_audit *au = ak_app_audit(app);
    uint32_t n = ps->pool.len;
    item *v = items(s, n);
    if (!v)
        return;
    for (uint32_t h = 0; h < n; h++) {
        const ak_provider *pr = ak_pool_at(&ps->pool, h);
        v[h] = (item){ak_strtab_get(strs, pr->owner), NULL, h};
    }
    sort_items(v, n);
    jw_key(w, "providers");
    jw_array(w);
    for (uint32_t i = 0; i < n; i++) {
        const ak_provider *pr = ak_pool_at(&ps->pool, v[i].h);
        jw_object_flat(w);
        jw_kstr(w, "owner", v[i].k1);
        jw_kstr(w, "host_uri", ak_strtab_get(strs, pr->host_uri));
        jw_key(w, "attributes");
        write_attrs(w, strs, pr->attrs);
        jw_kstr(w, "email", ak_strtab_get(strs, pr->email));
        jw_kstr(w, "website", ak_strtab_get(strs, pr->website));
        size_t na = 0;
        for (const ak_audit_record *a = ak_audit_first(au, pr->owner); a; a = ak_audit_next(au, a))
            na++;
        item *av = items(s, na);
        size_t k = 0;
        if (av)
            for (const ak_audit_record *a = ak_audit_first(au, pr->owner); a && k < na;
                 a = ak_audit_next(au, a))
                av[k++] = (item){ak_strtab_get(strs, a->auditor), NULL, 0};
        sort_items(av, k);
        jw_key(w, "audits");
        jw_array(w);
        for (size_t j = 0; j < k; j++) {
            ak_str aud;
            const ak_audit_record *a = NULL;
            if (ak_strtab_find(strs, av[j].k1, strlen(av[j].k1), &aud))
                a = ak_audit_get(au, pr->owner, aud);
            if (!a)
                continue;
            jw_object(w);
            jw_kstr(w, "auditor", av[j].k1);
            jw_key(w, "attributes");
            write_attrs(w, strs, a->attrs);
            jw_object_end(w);
        }
        jw_array_end(w);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_grants(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_grants *gs = ak_app_grants(app);
    uint32_t n = gs->pool.len;
    item *v = items(s, n);
    if (!v)
        return;
    for (uint32_t h = 0; h < n; h++) {
        const ak_grant *g = ak_pool_at(&gs->pool, h);
        v[h] = (item){ak_strtab_get(strs, g->granter), ak_strtab_get(strs, g->grantee), h};
    }
    sort_items(v, n);
    jw_key(w, "deposit_grants");
    jw_array(w);
    for (uint32_t i = 0; i < n; i++) {
        const ak_grant *g = ak_pool_at(&gs->pool, v[i].h);
        jw_object_flat(w);
        jw_kstr(w, "granter", v[i].k1);
        jw_kstr(w, "grantee", v[i].k2);
        kcoin(w, strs, "spend_limit", g->spend_limit.amount, g->spend_limit.denom);
        jw_key(w, "scopes");
        jw_array(w);
        if (g->scopes & AK_SCOPE_BIT(AK_SCOPE_DEPLOYMENT))
            jw_str(w, "deployment");
        if (g->scopes & AK_SCOPE_BIT(AK_SCOPE_BID))
            jw_str(w, "bid");
        jw_array_end(w);
        jw_object_end(w);
    }
    jw_array_end(w);
}

/* ---- the chain layer's state (replay.md "Output": validators ... mint) ---- */

/* A sort key of up to three names, a time and a tie-breaker (entries of one record). */
typedef struct citem {
    const char *k1, *k2, *k3;
    int64_t t;
    uint32_t h, e;
} citem;

static int citem_cmp(const void *a, const void *b)
{
    const citem *x = a, *y = b;
    int c = strcmp(x->k1, y->k1);
    if (!c)
        c = strcmp(x->k2, y->k2);
    if (!c)
        c = strcmp(x->k3 ? x->k3 : "", y->k3 ? y->k3 : "");
    if (c)
        return c;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->e < y->e ? -1 : x->e > y->e;
}

static citem *citems(sw *s, size_t n)
{
    citem *v = ak_arena_alloc(&s->arena, (n ? n : 1) * sizeof *v);
    if (!v)
        s->oom = true;
    return v;
}

static void kdec(jw *w, const char *key, ak_dec d)
{
    char buf[AK_DEC_STRLEN];
    ak_dec_format(d, buf, sizeof buf);
    jw_kstr(w, key, buf);
}

/* An RFC 3339 time, or null for 0 (not set). */
static void ktime(jw *w, const char *key, ak_unix t)
{
    char buf[JV_TIME_STRLEN];
    jw_key(w, key);
    if (t == 0 || !jv_format_time(t, buf, sizeof buf))
        jw_null(w);
    else
        jw_str(w, buf);
}

static const char *vname(const ak_app *app, const ak_strtab *strs, uint32_t val)
{
    const ak_staking *st = ak_app_staking(app);
    if (val >= st->vals.len)
        return "";
    return ak_strtab_get(strs, ((const ak_validator *)ak_pool_at(&st->vals, val))->addr);
}

static void write_validators(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_staking *st = ak_app_staking(app);
    const ak_slashing *sl = ak_app_slashing(app);
    const ak_distribution *di = ak_app_distribution(app);
    ak_denom denom = ak_app_params(app)->staking.bond_denom;
    uint32_t n = st->vals.len;
    item *v = items(s, n);
    if (!v)
        return;
    size_t k = 0;
    for (uint32_t h = 0; h < n; h++) {
        const ak_validator *val = ak_pool_at(&st->vals, h);
        if (!val->removed)
            v[k++] = (item){ak_strtab_get(strs, val->addr), NULL, h};
    }
    sort_items(v, k);
    jw_key(w, "validators");
    jw_array(w);
    for (size_t i = 0; i < k; i++) {
        const ak_validator *val = ak_pool_at(&st->vals, v[i].h);
        uint32_t ih = ak_map_get(&sl->info_index, ak_key2(val->addr, 0));
        const ak_signing_info *si = ih == AK_POOL_NONE ? NULL : ak_pool_at(&sl->infos, ih);
        jw_object_flat(w);
        jw_kstr(w, "name", v[i].k1);
        jw_kstr(w, "status", ak_bond_status_name(val->status));
        jw_kbool(w, "jailed", val->jailed);
        jw_kbool(w, "tombstoned", si && si->tombstoned);
        kamount(w, "tokens", val->tokens);
        kdec(w, "delegator_shares", val->shares);
        jw_kint(w, "power", val->tokens / POWER_REDUCTION);
        jw_kint(w, "missed_blocks", si ? si->missed : 0);
        kdec(w, "commission", val->commission_rate);
        jw_key(w, "outstanding_rewards");
        jw_object_flat(w);
        kdec(w, ak_strtab_get(strs, denom),
             v[i].h < di->vals.len
                 ? ((const ak_val_dist *)ak_pool_at(&di->vals, v[i].h))->outstanding
                 : ak_dec_zero());
        jw_object_end(w);
        if (si && si->jailed_until != 0)
            ktime(w, "jailed_until", si->jailed_until);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_delegations(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_staking *st = ak_app_staking(app);
    uint32_t n = st->dels.len;
    item *v = items(s, n);
    if (!v)
        return;
    size_t k = 0;
    for (uint32_t h = 0; h < n; h++) {
        const ak_delegation *d = ak_pool_at(&st->dels, h);
        if (ak_dec_is_positive(d->shares))
            v[k++] = (item){ak_strtab_get(strs, d->delegator), vname(app, strs, d->val), h};
    }
    sort_items(v, k);
    jw_key(w, "delegations");
    jw_array(w);
    for (size_t i = 0; i < k; i++) {
        const ak_delegation *d = ak_pool_at(&st->dels, v[i].h);
        jw_object_flat(w);
        jw_kstr(w, "delegator", v[i].k1);
        jw_kstr(w, "validator", v[i].k2);
        kdec(w, "shares", d->shares);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_unbonding(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_staking *st = ak_app_staking(app);
    uint32_t ne = st->ubd_entries.len;
    citem *v = citems(s, ne);
    if (!v)
        return;
    size_t k = 0;
    for (uint32_t h = 0; h < st->ubds.len; h++) {
        const ak_ubd *u = ak_pool_at(&st->ubds, h);
        for (uint32_t e = u->entries; e != AK_POOL_NONE && e < ne && k < ne;) {
            const ak_ubd_entry *en = ak_pool_at(&st->ubd_entries, e);
            v[k++] = (citem){ak_strtab_get(strs, u->delegator), vname(app, strs, u->val), NULL,
                             en->completion_time, h, e};
            e = en->next;
        }
    }
    if (k > 1)
        qsort(v, k, sizeof *v, citem_cmp);
    jw_key(w, "unbonding");
    jw_array(w);
    for (size_t i = 0; i < k; i++) {
        const ak_ubd_entry *en = ak_pool_at(&st->ubd_entries, v[i].e);
        jw_object_flat(w);
        jw_kstr(w, "delegator", v[i].k1);
        jw_kstr(w, "validator", v[i].k2);
        kamount(w, "balance", en->balance);
        kamount(w, "initial_balance", en->initial_balance);
        ktime(w, "completion_time", en->completion_time);
        jw_kint(w, "creation_height", en->creation_height);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_redelegations(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    const ak_staking *st = ak_app_staking(app);
    uint32_t ne = st->red_entries.len;
    citem *v = citems(s, ne);
    if (!v)
        return;
    size_t k = 0;
    for (uint32_t h = 0; h < st->reds.len; h++) {
        const ak_red *rd = ak_pool_at(&st->reds, h);
        for (uint32_t e = rd->entries; e != AK_POOL_NONE && e < ne && k < ne;) {
            const ak_red_entry *en = ak_pool_at(&st->red_entries, e);
            v[k++] = (citem){ak_strtab_get(strs, rd->delegator), vname(app, strs, rd->src),
                             vname(app, strs, rd->dst), en->completion_time, h, e};
            e = en->next;
        }
    }
    if (k > 1)
        qsort(v, k, sizeof *v, citem_cmp);
    jw_key(w, "redelegations");
    jw_array(w);
    for (size_t i = 0; i < k; i++) {
        const ak_red_entry *en = ak_pool_at(&st->red_entries, v[i].e);
        jw_object_flat(w);
        jw_kstr(w, "delegator", v[i].k1);
        jw_kstr(w, "src", v[i].k2);
        jw_kstr(w, "dst", v[i].k3);
        kamount(w, "initial_balance", en->initial_balance);
        kdec(w, "shares_dst", en->shares_dst);
        ktime(w, "completion_time", en->completion_time);
        jw_kint(w, "creation_height", en->creation_height);
        jw_object_end(w);
    }
    jw_array_end(w);
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

static void write_proposals(jw *w, const ak_app *app, const ak_strtab *strs)
{
    const ak_gov *g = ak_app_gov(app);
    jw_key(w, "proposals");
    jw_array(w);
    /* handle = id - 1: the pool is in id order already */
    for (uint32_t h = 0; h < g->proposals.len; h++) {
        const ak_proposal *pr = ak_pool_at(&g->proposals, h);
        jw_object_flat(w);
        jw_key(w, "id");
        jw_uint(w, pr->id);
        jw_kstr(w, "status", ak_proposal_status_name(pr->status));
        jw_kstr(w, "proposer", ak_strtab_get(strs, pr->proposer));
        jw_kstr(w, "title", ak_strtab_get(strs, pr->title));
        jw_kbool(w, "expedited", pr->expedited);
        jw_key(w, "modules");
        jw_array_flat(w);
        for (uint32_t m = 0; m < pr->nmodules && m < AK_PM_COUNT; m++)
            jw_str(w, ak_param_module_name(pr->modules[m]));
        jw_array_end(w);
        jw_key(w, "tally");
        jw_object_flat(w);
        kamount(w, "yes", pr->tally_yes);
        kamount(w, "no", pr->tally_no);
        kamount(w, "abstain", pr->tally_abstain);
        kamount(w, "no_with_veto", pr->tally_veto);
        jw_object_end(w);
        jw_key(w, "total_deposit");
        write_coins(w, strs, pr->total_deposit, pr->n_total_deposit);
        ktime(w, "submit_time", pr->submit_time);
        ktime(w, "deposit_end_time", pr->deposit_end_time);
        ktime(w, "voting_start_time", pr->voting_start_time);
        ktime(w, "voting_end_time", pr->voting_end_time);
        if (pr->status == AK_PROPOSAL_FAILED || pr->failed_reason != 0)
            jw_kstr(w, "failed_reason", ak_strtab_get(strs, pr->failed_reason));
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_mint(jw *w, const ak_app *app)
{
    const ak_minter *m = ak_app_minter(app);
    jw_key(w, "mint");
    jw_object_flat(w);
    kdec(w, "inflation", m->inflation);
    kdec(w, "annual_provisions", m->annual_provisions);
    jw_object_end(w);
}

/* The chain layer's part of a state, when it runs. */
static void write_chain(jw *w, sw *s, const ak_app *app, const ak_strtab *strs)
{
    if (!ak_app_chain_active(app))
        return;
    write_validators(w, s, app, strs);
    write_delegations(w, s, app, strs);
    write_unbonding(w, s, app, strs);
    write_redelegations(w, s, app, strs);
    write_proposals(w, app, strs);
    write_mint(w, app);
}

/* The header time of the current height, or the genesis time before block 1. */
static ak_unix now(const rp *p)
{
    return ak_app_height(p->app) >= 1 ? ak_app_time(p->app) : p->time0;
}

/* Write the whole state as one object value. False when out of memory. */
static bool write_state(rp *p, jw *w)
{
    const ak_strtab *strs = p->strs;
    /* the dump reads module records directly: apply lazily accrued rewards first */
    if (ak_app_sync(p->app))
        return false;
    sw s;
    ak_arena_init(&s.arena);
    s.oom = false;
    char t[JV_TIME_STRLEN];
    if (!jv_format_time(now(p), t, sizeof t))
        snprintf(t, sizeof t, "?");
    jw_object(w);
    jw_kint(w, "height", ak_app_height(p->app));
    jw_kstr(w, "time", t);
    write_bank(w, &s, p->app, strs);
    write_pool(w, &s, p->app, strs);
    write_deployments(w, &s, p->app, strs);
    write_market(w, &s, p->app, strs);
    write_escrow(w, &s, p->app, strs);
    write_providers(w, &s, p->app, strs);
    write_grants(w, &s, p->app, strs);
    write_chain(w, &s, p->app, strs);
    jw_key(w, "params");
    ak_params_json_write(w, ak_app_params(p->app), strs, false);
    jw_object_end(w);
    ak_arena_fini(&s.arena);
    return !s.oom;
}

/* ---- narration ---- */

/* "5000000uakt (5.000000 AKT)": base units, and whole tokens for uakt and uusdc. */
static void fmt_amount_(const rp *p, ak_denom d, ak_amount a, bool sign, char *buf, size_t cap)
{
    const char *dn = str(p, d);
    const char *tok = strcmp(dn, "uakt") == 0 ? "AKT" : strcmp(dn, "uusdc") == 0 ? "USDC" : NULL;
    if (!tok) {
        snprintf(buf, cap, "%s%" PRId64 "%s", sign && a > 0 ? "+" : "", a, dn);
        return;
    }
    uint64_t mag = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
    snprintf(buf, cap, "%s%" PRId64 "%s (%s%" PRIu64 ".%06" PRIu64 " %s)", sign && a > 0 ? "+" : "",
             a, dn, a < 0 ? "-" : sign && a > 0 ? "+" : "", mag / 1000000, mag % 1000000, tok);
}

static void fmt_amount(const rp *p, ak_denom d, ak_amount a, char *buf, size_t cap)
{
    fmt_amount_(p, d, a, false, buf, cap);
}

/* A Dec without the trailing zeros of its fraction: "0.05", "1". */
static void fmt_dec(ak_dec d, char *buf, size_t cap)
{
    char t[AK_DEC_STRLEN];
    ak_dec_format(d, t, sizeof t);
    size_t n = strlen(t);
    while (n > 0 && t[n - 1] == '0')
        t[--n] = '\0';
    if (n > 0 && t[n - 1] == '.')
        t[--n] = '\0';
    snprintf(buf, cap, "%s", t);
}

static void fmt_deccoin(const rp *p, ak_deccoin c, char *buf, size_t cap)
{
    int64_t whole;
    if (ak_dec_cmp(ak_dec_truncate_dec(c.amount), c.amount) == 0 &&
        ak_dec_truncate_int(c.amount, &whole) == 0) {
        snprintf(buf, cap, "%" PRId64 "%s", whole, str(p, c.denom));
        return;
    }
    char d[AK_DEC_STRLEN];
    ak_dec_format(c.amount, d, sizeof d);
    /* trim trailing zeros of the fraction for reading */
    size_t n = strlen(d);
    while (n > 0 && d[n - 1] == '0')
        d[--n] = '\0';
    snprintf(buf, cap, "%s%s", d, str(p, c.denom));
}

static const char *reason_name(uint32_t r)
{
    switch (r) {
    case AK_REASON_OWNER: return "closed by the owner";
    case AK_REASON_UNSTABLE: return "provider: unstable";
    case AK_REASON_DECOMMISSION: return "provider: decommission";
    case AK_REASON_UNSPECIFIED: return "provider: unspecified";
    case AK_REASON_MANIFEST_TIMEOUT: return "provider: manifest timeout";
    case AK_REASON_INSUFFICIENT_FUNDS: return "insufficient funds";
    default: return "other";
    }
}

/* The escrow account an escrow event names, formatted; the event's handle is the account's. */
static void event_account(const rp *p, const ak_event *e, char *buf, size_t cap)
{
    const ak_escrow *es = ak_app_escrow(p->app);
    if (e->object < es->accounts.len) {
        const ak_escrow_account *a = ak_pool_at(&es->accounts, e->object);
        jv_format_escrow_id(p->strs, a->id, buf, cap);
    } else {
        jv_format_bid_id(p->strs, e->id, buf, cap);
    }
}

static void tell_event(rp *p, const ak_event *e)
{
    FILE *o = p->out;
    char id[JV_ID_STRLEN + 16], a1[128], a2[128], a3[128], pr[128];
    const ak_strtab *strs = p->strs;
    ak_group_id gid = {e->id.owner, e->id.dseq, e->id.gseq};
    switch (e->type) {
    case AK_EV_DEPLOYMENT_CREATED:
        jv_format_deployment_id(strs, (ak_deployment_id){e->id.owner, e->id.dseq}, id, sizeof id);
        fprintf(o, "      deployment %s created\n", id);
        break;
    case AK_EV_DEPLOYMENT_CLOSED:
        jv_format_deployment_id(strs, (ak_deployment_id){e->id.owner, e->id.dseq}, id, sizeof id);
        fprintf(o, "      deployment %s closed\n", id);
        break;
    case AK_EV_ORDER_CREATED: {
        jv_format_order_id(strs, (ak_order_id){e->id.owner, e->id.dseq, e->id.gseq, e->id.oseq},
                           id, sizeof id);
        const ak_group *g = ak_app_find_group(p->app, gid);
        if (g) {
            fmt_deccoin(p, g->price, pr, sizeof pr);
            fprintf(o, "      order %s open for bids up to %s per block\n", id, pr);
        } else {
            fprintf(o, "      order %s open for bids\n", id);
        }
        break;
    }
    case AK_EV_BID_CREATED: {
        jv_format_bid_id(strs, e->id, id, sizeof id);
        const ak_bid *b = ak_app_find_bid(p->app, e->id);
        if (b) {
            fmt_deccoin(p, b->price, pr, sizeof pr);
            fprintf(o, "      bid %s: %s per block\n", id, pr);
        } else {
            fprintf(o, "      bid %s placed\n", id);
        }
        break;
    }
    case AK_EV_BID_CLOSED:
        jv_format_bid_id(strs, e->id, id, sizeof id);
        fprintf(o, "      bid %s closed\n", id);
        break;
    case AK_EV_BID_LOST:
        jv_format_bid_id(strs, e->id, id, sizeof id);
        fprintf(o, "      bid %s lost (another bid won the order)\n", id);
        break;
    case AK_EV_LEASE_CREATED: {
        jv_format_bid_id(strs, e->id, id, sizeof id);
        const ak_bid *b = ak_app_find_bid(p->app, e->id);
        if (b) {
            fmt_deccoin(p, b->price, pr, sizeof pr);
            fprintf(o, "      lease %s created: %s pays %s %s per block\n", id,
                    str(p, e->id.owner), str(p, e->id.provider), pr);
        } else {
            fprintf(o, "      lease %s created\n", id);
        }
        break;
    }
    case AK_EV_LEASE_CLOSED:
        jv_format_bid_id(strs, e->id, id, sizeof id);
        fprintf(o, "      lease %s %s (reason %u: %s)\n", id,
                e->reason == AK_REASON_INSUFFICIENT_FUNDS ? "ended" : "closed", e->reason,
                reason_name(e->reason));
        break;
    case AK_EV_ESCROW_DEPOSIT:
        event_account(p, e, id, sizeof id);
        fmt_amount(p, e->denom, e->amount, a1, sizeof a1);
        fprintf(o, "      %s deposits %s into escrow %s\n", str(p, e->who), a1, id);
        break;
    case AK_EV_ESCROW_WITHDRAW: {
        ak_amount total = e->amount + e->fee;
        fmt_amount(p, e->denom, total, a1, sizeof a1);
        fmt_amount(p, e->denom, e->amount, a2, sizeof a2);
        fmt_amount(p, e->denom, e->fee, a3, sizeof a3);
        jv_format_bid_id(strs, e->id, id, sizeof id);
        fprintf(o, "      lease %s pays out %s:\n", id, a1);
        fprintf(o, "        %s to %s, %s take to the community pool\n", a2, str(p, e->who), a3);
        break;
    }
    case AK_EV_ESCROW_REFUND:
        event_account(p, e, id, sizeof id);
        fmt_amount(p, e->denom, e->amount, a1, sizeof a1);
        fprintf(o, "      %s gets %s back from escrow %s\n", str(p, e->who), a1, id);
        break;
    case AK_EV_ESCROW_OVERDRAWN:
        event_account(p, e, id, sizeof id);
        fmt_amount(p, e->denom, e->amount, a1, sizeof a1);
        fprintf(o, "      escrow %s ran out of funds: %s owed to providers\n", id, a1);
        break;
    default: /* group, order-closed, provider and update events: the tx line says enough */
        break;
    }
}

static void tell_new_events(rp *p)
{
    size_t n;
    const ak_event *ev = ak_app_events(p->app, &n);
    for (size_t i = p->events_seen; i < n; i++)
        tell_event(p, &ev[i]);
    p->events_seen = n;
}

static void tell_block(rp *p, ak_height h)
{
    char t[JV_TIME_STRLEN];
    if (!jv_format_time(ak_app_time(p->app), t, sizeof t))
        snprintf(t, sizeof t, "?");
    char by[96] = "";
    ak_addr proposer = ak_app_proposer(p->app);
    if (proposer != AK_ADDR_NONE)
        snprintf(by, sizeof by, ", proposed by %s", str(p, proposer));
    if (h > p->last_told + 1)
        fprintf(p->out, "\nBlock %" PRId64 " at %s%s, after %" PRId64 " empty block%s\n", h, t,
                by, h - p->last_told - 1, h - p->last_told - 1 == 1 ? "" : "s");
    else
        fprintf(p->out, "\nBlock %" PRId64 " at %s%s\n", h, t, by);
    p->last_told = h;
}

/* The "Block" line of height h, unless it was printed already. */
static void tell_block_once(rp *p, ak_height h)
{
    if (p->last_told != h)
        tell_block(p, h);
}

/* Remember the validators and proposals as they are now (narration). False when out of
 * memory. */
static bool chain_snapshot(rp *p)
{
    const ak_staking *st = ak_app_staking(p->app);
    const ak_slashing *sl = ak_app_slashing(p->app);
    const ak_gov *g = ak_app_gov(p->app);
    if (st->vals.len > p->nvsnap) {
        rp_vsnap *nv = realloc(p->vsnap, st->vals.len * sizeof *nv);
        if (!nv)
            return false;
        memset(nv + p->nvsnap, 0, (st->vals.len - p->nvsnap) * sizeof *nv);
        p->vsnap = nv;
        p->nvsnap = st->vals.len;
    }
    for (uint32_t h = 0; h < st->vals.len; h++) {
        const ak_validator *v = ak_pool_at(&st->vals, h);
        uint32_t ih = ak_map_get(&sl->info_index, ak_key2(v->addr, 0));
        const ak_signing_info *si = ih == AK_POOL_NONE ? NULL : ak_pool_at(&sl->infos, ih);
        p->vsnap[h] = (rp_vsnap){true, v->removed, v->jailed, si && si->tombstoned, v->status,
                                 v->tokens, v->shares};
    }
    if (g->proposals.len > p->npsnap) {
        uint32_t *np = realloc(p->psnap, g->proposals.len * sizeof *np);
        if (!np)
            return false;
        memset(np + p->npsnap, 0, (g->proposals.len - p->npsnap) * sizeof *np);
        p->psnap = np;
        p->npsnap = g->proposals.len;
    }
    for (uint32_t h = 0; h < g->proposals.len; h++)
        p->psnap[h] = ((const ak_proposal *)ak_pool_at(&g->proposals, h))->status;
    return true;
}

/* Tell what changed in the chain layer during block h, read from the state: validators
 * jailed, unjailed, tombstoned or slashed (tokens down with shares unchanged: a slash never
 * touches shares), joining or leaving the active set, and proposals that changed status. Costs
 * O(validators + proposals) per block, so only narration calls it. */
static void tell_chain(rp *p, ak_height h)
{
    if (!ak_app_chain_active(p->app))
        return;
    const ak_staking *st = ak_app_staking(p->app);
    const ak_slashing *sl = ak_app_slashing(p->app);
    const ak_gov *g = ak_app_gov(p->app);
    FILE *o = p->out;
    char a[128];
    ak_denom bond = ak_app_params(p->app)->staking.bond_denom;
    for (uint32_t vh = 0; vh < st->vals.len && vh < p->nvsnap; vh++) {
        const ak_validator *v = ak_pool_at(&st->vals, vh);
        const rp_vsnap *was = &p->vsnap[vh];
        if (!was->seen || was->removed || v->removed)
            continue;
        const char *name = str(p, v->addr);
        uint32_t ih = ak_map_get(&sl->info_index, ak_key2(v->addr, 0));
        const ak_signing_info *si = ih == AK_POOL_NONE ? NULL : ak_pool_at(&sl->infos, ih);
        if (v->tokens < was->tokens && ak_dec_cmp(v->shares, was->shares) == 0) {
            tell_block_once(p, h);
            fmt_amount(p, bond, was->tokens - v->tokens, a, sizeof a);
            fprintf(o, "      validator %s slashed: %s burned\n", name, a);
        }
        if (si && si->tombstoned && !was->tombstoned) {
            tell_block_once(p, h);
            fprintf(o, "      validator %s tombstoned for double signing: jailed for ever\n",
                    name);
        } else if (v->jailed && !was->jailed) {
            char t[JV_TIME_STRLEN] = "?";
            if (si)
                jv_format_time(si->jailed_until, t, sizeof t);
            tell_block_once(p, h);
            fprintf(o, "      validator %s jailed (until %s)\n", name, t);
        } else if (!v->jailed && was->jailed) {
            tell_block_once(p, h);
            fprintf(o, "      validator %s unjailed\n", name);
        }
        if (v->status != was->status) {
            tell_block_once(p, h);
            fprintf(o, "      validator %s is now %s\n", name, ak_bond_status_name(v->status));
        }
    }
    for (uint32_t ph = 0; ph < g->proposals.len; ph++) {
        const ak_proposal *pr = ak_pool_at(&g->proposals, ph);
        uint32_t was = ph < p->npsnap ? p->psnap[ph] : 0;
        if (pr->status == was || (was == 0 && pr->status == AK_PROPOSAL_DEPOSIT_PERIOD))
            continue;
        const char *what = pr->status == AK_PROPOSAL_VOTING_PERIOD ? "enters its voting period"
                           : pr->status == AK_PROPOSAL_DROPPED
                               ? "dropped: its deposit period ended below the minimum deposit"
                               : ak_proposal_status_name(pr->status);
        tell_block_once(p, h);
        fprintf(o, "      proposal %" PRIu64 " %s", pr->id, what);
        if (pr->status == AK_PROPOSAL_PASSED || pr->status == AK_PROPOSAL_REJECTED ||
            pr->status == AK_PROPOSAL_FAILED)
            fprintf(o, " (yes %" PRId64 ", no %" PRId64 ", abstain %" PRId64
                       ", no with veto %" PRId64 ")",
                    pr->tally_yes, pr->tally_no, pr->tally_abstain, pr->tally_veto);
        if (pr->status == AK_PROPOSAL_FAILED && pr->failed_reason)
            fprintf(o, ": %s", str(p, pr->failed_reason));
        fputc('\n', o);
    }
}

/* Whether the narration follows the signer's balance for m, and in which denom: a bank or chain
 * message, which has no events of its own, in what MsgSend sends or the bond denom. The
 * marketplace's messages have events that tell every movement. */
static bool followed_denom(const rp *p, const ak_msg *m, ak_denom *d)
{
    if (m->type == AK_MSG_SEND)
        *d = m->send.amount.denom;
    else if (m->type >= AK_MSG_CREATE_VALIDATOR)
        *d = ak_app_params(p->app)->staking.bond_denom;
    else
        return false;
    return true;
}

static ak_amount signer_balance(const rp *p, const ak_msg *m)
{
    ak_addr signer = m->signer != AK_ADDR_NONE ? m->signer : ak_msg_required_signer(m);
    ak_denom d;
    if (!followed_denom(p, m, &d) || signer == AK_ADDR_NONE)
        return 0;
    return ak_bank_balance_of(ak_app_bank(p->app), signer, d);
}

/* The tx line; for a bank or chain message that succeeded, also how the signer's balance moved
 * (delegating, withdrawing rewards, a proposal's deposit), given its balance before. */
static void tell_tx(rp *p, const ak_msg *m, const ak_tx_result *res, ak_amount before)
{
    ak_addr signer = m->signer != AK_ADDR_NONE ? m->signer : ak_msg_required_signer(m);
    if (res->code == 0) {
        fprintf(p->out, "  %s by %s: ok\n", ak_msg_name(m->type), str(p, signer));
        ak_denom d;
        ak_amount after = signer_balance(p, m);
        if (followed_denom(p, m, &d) && after != before) {
            char a1[128], a2[128];
            fmt_amount_(p, d, after - before, true, a1, sizeof a1);
            fmt_amount(p, d, after, a2, sizeof a2);
            fprintf(p->out, "      %s's balance %s, now %s\n", str(p, signer), a1, a2);
        }
    } else
        fprintf(p->out, "  %s by %s: FAILED with %s: %s\n", ak_msg_name(m->type), str(p, signer),
                ak_err_name(res->code), res->detail[0] ? res->detail : ak_err_message(res->code));
}

static int snap_cmp(const void *a, const void *b)
{
    const rp_snap *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->denom < y->denom ? -1 : x->denom > y->denom;
}

/* Balances of user accounts after genesis, for the closing summary. */
static bool take_snapshot(rp *p)
{
    const ak_bank *bank = ak_app_bank(p->app);
    uint32_t n = bank->balances.len;
    p->snap = calloc(n ? n : 1, sizeof *p->snap);
    if (!p->snap)
        return false;
    for (uint32_t h = 0; h < n; h++) {
        const ak_bank_balance *b = ak_pool_at(&bank->balances, h);
        if (!ak_bank_is_module(bank, b->addr, NULL))
            p->snap[p->nsnap++] = (rp_snap){b->addr, b->denom, b->amount};
    }
    qsort(p->snap, p->nsnap, sizeof *p->snap, snap_cmp);
    return true;
}

static void tell_genesis(rp *p)
{
    FILE *o = p->out;
    char t[JV_TIME_STRLEN], a[128];
    jv_format_time(p->time0, t, sizeof t);
    fprintf(o, "Replay of %s (rules akash-v1)\n", p->name);
    fprintf(o, "Genesis at %s, one block every %" PRId64 " s.\n", t, p->block_time_s);
    const ak_take_params *tk = &ak_app_params(p->app)->take;
    fprintf(o, "  take rate:");
    for (uint32_t i = 0; i < tk->n_denom_take_rates; i++)
        fprintf(o, " %u%% on %s,", tk->denom_take_rates[i].rate,
                str(p, tk->denom_take_rates[i].denom));
    fprintf(o, " %u%% on other denoms\n", tk->default_take_rate);
    for (uint32_t i = 0; i < p->ngbal; i++) {
        fmt_amount(p, p->gbal[i].coin.denom, p->gbal[i].coin.amount, a, sizeof a);
        fprintf(o, "  %s holds %s\n", str(p, p->gbal[i].addr), a);
    }
    for (uint32_t i = 0; i < p->ngprov; i++)
        fprintf(o, "  %s is a provider at %s\n", str(p, p->gprov[i].owner),
                str(p, p->gprov[i].host_uri));
    ak_denom bond = ak_app_params(p->app)->staking.bond_denom;
    for (uint32_t i = 0; i < p->ngval; i++) {
        char c[AK_DEC_STRLEN];
        fmt_amount(p, bond, p->gval[i].tokens, a, sizeof a);
        fmt_dec(p->gval[i].rate, c, sizeof c);
        fprintf(o, "  %s validates with a self-bond of %s (power %" PRId64 ", commission %s)\n",
                str(p, p->gval[i].name), a, p->gval[i].tokens / POWER_REDUCTION, c);
    }
    for (uint32_t i = 0; i < p->ngdel; i++) {
        fmt_amount(p, bond, p->gdel[i].amount, a, sizeof a);
        fprintf(o, "  %s delegates %s to %s\n", str(p, p->gdel[i].delegator), a,
                str(p, p->gdel[i].validator));
    }
    for (uint32_t i = 0; i < p->nranges; i++)
        fprintf(o, "  %s is absent from the LastCommits of heights %" PRId64 " to %" PRId64 "\n",
                str(p, p->ranges[i].addr), p->ranges[i].from, p->ranges[i].to);
}

static void tell_summary(rp *p)
{
    FILE *o = p->out;
    char t[JV_TIME_STRLEN], a1[128], a2[128], a3[128];
    if (!jv_format_time(now(p), t, sizeof t))
        snprintf(t, sizeof t, "?");
    fprintf(o, "\nAfter block %" PRId64 " (%s), balances that changed:\n",
            ak_app_height(p->app), t);
    const ak_bank *bank = ak_app_bank(p->app);
    uint32_t n = bank->balances.len;
    item *cur = calloc(n ? n : 1, sizeof *cur); /* user balances in name order */
    uint32_t k = 0;
    if (cur) {
        for (uint32_t h = 0; h < n; h++) {
            const ak_bank_balance *b = ak_pool_at(&bank->balances, h);
            if (!ak_bank_is_module(bank, b->addr, NULL))
                cur[k++] = (item){str(p, b->addr), str(p, b->denom), h};
        }
        sort_items(cur, k);
    }
    bool any = false;
    for (uint32_t i = 0; i < k; i++) {
        const ak_bank_balance *b = ak_pool_at(&bank->balances, cur[i].h);
        rp_snap key = {b->addr, b->denom, 0};
        const rp_snap *g = bsearch(&key, p->snap, p->nsnap, sizeof *p->snap, snap_cmp);
        ak_amount before = g ? g->amount : 0;
        if (before == b->amount)
            continue;
        any = true;
        fmt_amount(p, b->denom, before, a1, sizeof a1);
        fmt_amount(p, b->denom, b->amount, a2, sizeof a2);
        fmt_amount_(p, b->denom, b->amount - before, true, a3, sizeof a3);
        fprintf(o, "  %s: %s -> %s, %s\n", cur[i].k1, a1, a2, a3);
    }
    if (!any)
        fprintf(o, "  no account balance changed\n");
    free(cur);
    ak_denom d[32];
    uint32_t nd = ak_app_community_pool_denoms(p->app, d, 32);
    if (nd > 32)
        nd = 32;
    if (nd == 0)
        fprintf(o, "  community pool: empty\n");
    for (uint32_t i = 0; i < nd; i++) {
        ak_dec v = ak_app_community_pool(p->app, d[i]);
        int64_t whole;
        if (ak_dec_cmp(ak_dec_truncate_dec(v), v) == 0 && ak_dec_truncate_int(v, &whole) == 0) {
            fmt_amount(p, d[i], whole, a1, sizeof a1);
        } else {
            char ds[AK_DEC_STRLEN];
            ak_dec_format(v, ds, sizeof ds);
            snprintf(a1, sizeof a1, "%s%s", ds, str(p, d[i]));
        }
        fprintf(o, "  community pool: %s\n", a1);
    }
}

/* ---- running ---- */

/* Start a fragment writer whose items sit at depth 2 of the output document (the elements of
 * a list that is the value of a top-level key); splice_list() places it. */
static void fragment_init(jw *w)
{
    jw_init(w);
    w->depth = 2;
    w->first[1] = w->first[2] = true;
}

/* Write `key: [ ...fragment... ]` into the document at depth 1. */
static void splice_list(jw *doc, const char *key, jw *frag, uint32_t n)
{
    jw_key(doc, key);
    if (n == 0 || !frag->buf) {
        jw_raw(doc, "[]");
        return;
    }
    size_t len = frag->len + 8;
    char *s = malloc(len + 1);
    if (!s) {
        doc->failed = true;
        return;
    }
    snprintf(s, len + 1, "[%s\n  ]", frag->buf);
    jw_raw(doc, s);
    free(s);
}

static void record_result(rp *p, ak_height h, uint32_t idx, const ak_msg *m,
                          const ak_tx_result *res)
{
    jw *w = &p->results;
    jw_object_flat(w);
    jw_kint(w, "height", h);
    jw_kint(w, "index", idx);
    jw_kstr(w, "type", ak_msg_name(m->type));
    jw_kbool(w, "ok", res->code == 0);
    if (res->code) {
        jw_kstr(w, "error", ak_err_name(res->code));
        jw_kstr(w, "message", res->detail[0] ? res->detail : ak_err_message(res->code));
    }
    jw_object_end(w);
    p->nresults++;
}

/* Invariants after genesis (h = 0) or block h; false after printing the failure. */
static bool check(rp *p, ak_height h)
{
    if (!p->opts.check)
        return true;
    char err[512];
    if (ak_app_check(p->app, err, sizeof err) == 0)
        return true;
    if (h == 0)
        say(p->err, "%s: invariant broken after genesis: %s", p->name, err);
    else
        say(p->err, "%s: invariant broken after block %" PRId64 ": %s", p->name, h,
            err);
    return false;
}

static bool app_failed(rp *p, int rc, ak_height h, const char *what)
{
    say(p->err, "%s: the app failed at height %" PRId64 " (%s): %s: %s", p->name, h,
        what, ak_err_name(rc), ak_err_message(rc));
    return false;
}

/* Make room for want elements of size sz in *buf (capacity *cap). False when out of memory. */
static bool reserve(void **buf, uint32_t *cap, uint64_t want, size_t sz)
{
    if (want <= *cap)
        return true;
    uint64_t nc = want < 16 ? 16 : want * 2;
    if (nc > UINT32_MAX || nc > SIZE_MAX / sz)
        return false;
    void *nb = realloc(*buf, (size_t)(nc * sz));
    if (!nb)
        return false;
    *buf = nb;
    *cap = (uint32_t)nc;
    return true;
}

/* Advance the liveness sweep to height h (heights come in order): ranges starting at or before
 * h join the active set, ranges that ended before h leave it, and the names of the active set
 * are rebuilt into absent_buf[0 .. nabsent_live), sorted and without duplicates, only when the
 * set changed. A height where nothing starts or ends costs O(1), however long the script and
 * however many ranges it has. False when out of memory. */
static bool liveness_at(rp *p, ak_height h)
{
    bool changed = false;
    if (p->nlv_active && h > p->lv_min_to) {
        uint32_t k = 0;
        ak_height mn = INT64_MAX;
        for (uint32_t i = 0; i < p->nlv_active; i++)
            if (p->lv_active[i].to >= h) {
                p->lv_active[k++] = p->lv_active[i];
                if (p->lv_active[i].to < mn)
                    mn = p->lv_active[i].to;
            }
        p->nlv_active = k;
        p->lv_min_to = mn;
        changed = true;
    }
    while (p->lv_next < p->nranges && p->ranges[p->lv_next].from <= h) {
        const rp_range *g = &p->ranges[p->lv_next++];
        if (g->to < h)
            continue;
        p->lv_active[p->nlv_active++] = *g;
        if (g->to < p->lv_min_to)
            p->lv_min_to = g->to;
        changed = true;
    }
    if (!changed)
        return true;
    if (!reserve((void **)&p->absent_buf, &p->cap_absent, p->nlv_active, sizeof(ak_addr)))
        return false;
    for (uint32_t i = 0; i < p->nlv_active; i++)
        p->absent_buf[i] = p->lv_active[i].addr;
    uint32_t n = p->nlv_active;
    if (n > 1) {
        qsort(p->absent_buf, n, sizeof(ak_addr), addr_cmp);
        uint32_t k = 1;
        for (uint32_t i = 1; i < n; i++)
            if (p->absent_buf[i] != p->absent_buf[k - 1])
                p->absent_buf[k++] = p->absent_buf[i];
        n = k;
    }
    p->nabsent_live = n;
    return true;
}

/* What block h brings besides its transactions: its LastCommit absences (liveness ranges and
 * the block's `absent`) and, for `double_sign`, the evidence ak_app_evidence_previous builds
 * before the block begins. A name not in the previous height's set gets no evidence (as a
 * jailed or unbonded validator is not in a LastCommit at all). False when out of memory. */
static bool block_info(rp *p, ak_height h, const rp_block *blk, ak_block_info *info)
{
    memset(info, 0, sizeof *info);
    if (!liveness_at(p, h))
        return false;
    uint32_t nabs = p->nabsent_live;
    if (blk && blk->nabsent) {
        if (!reserve((void **)&p->absent_buf, &p->cap_absent,
                     (uint64_t)nabs + blk->nabsent, sizeof(ak_addr)))
            return false;
        memcpy(p->absent_buf + nabs, blk->absent, blk->nabsent * sizeof(ak_addr));
        nabs += blk->nabsent;
    }
    info->absent = p->absent_buf;
    info->nabsent = nabs;
    if (!blk || !blk->ndouble_sign)
        return true;
    if (!reserve((void **)&p->evidence, &p->cap_evidence, blk->ndouble_sign, sizeof(ak_evidence)))
        return false;
    uint32_t n = 0;
    for (uint32_t i = 0; i < blk->ndouble_sign; i++)
        if (ak_app_evidence_previous(p->app, blk->double_sign[i], &p->evidence[n]) == 0)
            n++;
    info->evidence = p->evidence;
    info->nevidence = n;
    return true;
}

static bool record_proposer(rp *p, ak_height h)
{
    if (!p->record_proposers || !ak_app_chain_active(p->app))
        return true;
    if (h > p->cap_proposers) {
        ak_height nc = p->cap_proposers ? p->cap_proposers * 2 : 1024;
        if (nc < h)
            nc = h;
        ak_addr *np = realloc(p->proposers, (size_t)nc * sizeof *np);
        if (!np)
            return false;
        p->proposers = np;
        p->cap_proposers = nc;
    }
    for (ak_height k = p->nproposers; k < h - 1; k++)
        p->proposers[k] = AK_ADDR_NONE;
    p->proposers[h - 1] = ak_app_proposer(p->app);
    p->nproposers = h;
    return true;
}

static bool run_block(rp *p, ak_height h, const rp_block *blk)
{
    ak_block_info info;
    if (!block_info(p, h, blk, &info))
        return app_failed(p, AK_ENOMEM, h, "begin block");
    int rc = ak_app_begin_block_with(p->app, h, &info);
    if (rc)
        return app_failed(p, rc, h, "begin block");
    if (!record_proposer(p, h))
        return app_failed(p, AK_ENOMEM, h, "begin block");
    p->events_seen = 0;
    if (p->opts.narrate && blk) {
        tell_block(p, h);
        for (uint32_t i = 0, k = 0; i < blk->ndouble_sign; i++) {
            if (k < info.nevidence && info.evidence[k].validator == blk->double_sign[i])
                fprintf(p->out, "      evidence: %s signed twice at height %" PRId64 "\n",
                        str(p, blk->double_sign[i]), info.evidence[k++].height);
            else
                fprintf(p->out, "      no evidence for %s: not in the previous height's "
                                "validator set\n", str(p, blk->double_sign[i]));
        }
        tell_new_events(p); /* anything begin block did */
    }
    for (uint32_t i = 0; blk && i < blk->ntxs; i++) {
        const ak_msg *m = &blk->txs[i].msg;
        ak_tx_result res;
        memset(&res, 0, sizeof res);
        ak_amount before = p->opts.narrate ? signer_balance(p, m) : 0;
        rc = ak_app_deliver(p->app, m, &res);
        if (rc != res.code)
            res.code = rc;
        if (rc == AK_ENOMEM || rc == AK_EBROKEN)
            return app_failed(p, rc, h, ak_msg_name(m->type));
        if (p->opts.narrate) {
            tell_tx(p, m, &res, before);
            tell_new_events(p);
        } else {
            record_result(p, h, i, m, &res);
        }
    }
    rc = ak_app_end_block(p->app);
    if (rc)
        return app_failed(p, rc, h, "end block");
    if (p->opts.narrate) {
        size_t n;
        ak_app_events(p->app, &n);
        if (n > p->events_seen) {
            tell_block_once(p, h);
            tell_new_events(p);
        }
        tell_chain(p, h);
        if (!chain_snapshot(p))
            return app_failed(p, AK_ENOMEM, h, "narration");
    } else if (blk && blk->dump) {
        if (!write_state(p, &p->dumps))
            return app_failed(p, AK_ENOMEM, h, "dump");
        p->ndumps++;
    }
    return check(p, h);
}

/* Write `"proposers": { "1": "c", ... }`: every height run while the chain layer was on. */
static void write_proposers(rp *p, jw *doc)
{
    jw_key(doc, "proposers");
    jw_object(doc);
    for (ak_height k = 0; k < p->nproposers; k++) {
        if (p->proposers[k] == AK_ADDR_NONE)
            continue;
        char key[24];
        snprintf(key, sizeof key, "%" PRId64, k + 1);
        jw_kstr(doc, key, str(p, p->proposers[k]));
    }
    jw_object_end(doc);
}

static int run(rp *p)
{
    if (!check(p, 0))
        return AK_REPLAY_FAILED;
    if (p->opts.narrate) {
        if (!take_snapshot(p)) {
            say(p->err, "%s: out of memory", p->name);
            return AK_REPLAY_FAILED;
        }
        tell_genesis(p);
    }
    fragment_init(&p->results);
    fragment_init(&p->dumps);
    p->lv_min_to = INT64_MAX;
    if (p->opts.narrate && !chain_snapshot(p)) {
        say(p->err, "%s: out of memory", p->name);
        return AK_REPLAY_FAILED;
    }
    ak_height h = 0;
    for (uint32_t b = 0; b < p->nblocks; b++) {
        const rp_block *blk = &p->blocks[b];
        while (h + 1 < blk->height)
            if (!run_block(p, ++h, NULL))
                return AK_REPLAY_FAILED;
        if (!run_block(p, ++h, blk))
            return AK_REPLAY_FAILED;
    }
    if (p->opts.narrate) {
        tell_summary(p);
        if (fflush(p->out) != 0 || ferror(p->out)) {
            say(p->err, "%s: cannot write the output: %s", p->name, strerror(errno));
            return AK_REPLAY_FAILED;
        }
        return AK_REPLAY_OK;
    }
    jw doc;
    jw_init(&doc);
    jw_object(&doc);
    splice_list(&doc, "results", &p->results, p->nresults);
    splice_list(&doc, "dumps", &p->dumps, p->ndumps);
    if (p->record_proposers)
        write_proposers(p, &doc);
    jw_key(&doc, "final");
    bool ok = write_state(p, &doc);
    jw_object_end(&doc);
    if (!ok || jw_failed(&doc) || p->results.failed || p->dumps.failed) {
        jw_fini(&doc);
        say(p->err, "%s: out of memory writing the output", p->name);
        return AK_REPLAY_FAILED;
    }
    if (!jw_flush(&doc, p->out)) {
        jw_fini(&doc);
        say(p->err, "%s: cannot write the output: %s", p->name, strerror(errno));
        return AK_REPLAY_FAILED;
    }
    jw_fini(&doc);
    return AK_REPLAY_OK;
}

int ak_replay_buffer(const char *name, const char *text, size_t len, const ak_replay_opts *opts,
                     FILE *out, FILE *err)
{
    rp *p = calloc(1, sizeof *p);
    if (!p) {
        say(err, "%s: out of memory", name);
        return AK_REPLAY_FAILED;
    }
    p->name = name;
    p->opts = *opts;
    p->out = out;
    p->err = err;
    ak_arena_init(&p->arena);
    jw_init(&p->results);
    jw_init(&p->dumps);
    int status = AK_REPLAY_INVALID;
    if (parse(p, text, len) && load(p))
        status = run(p);
    jw_fini(&p->results);
    jw_fini(&p->dumps);
    free(p->snap);
    free(p->vsnap);
    free(p->psnap);
    free(p->absent_buf);
    free(p->evidence);
    free(p->proposers);
    ak_app_destroy(p->app);
    ak_arena_fini(&p->arena);
    cJSON_Delete(p->root);
    free(p);
    return status;
}

int ak_replay_file(const char *path, const ak_replay_opts *opts, FILE *out, FILE *err)
{
    char *buf, why[512];
    size_t len;
    int rc = jr_read_file(path, AK_REPLAY_MAX_FILE, &buf, &len, why, sizeof why);
    if (rc) {
        say(err, "%s", why);
        return rc == AK_ENOMEM ? AK_REPLAY_FAILED : AK_REPLAY_INVALID;
    }
    int status = ak_replay_buffer(path, buf, len, opts, out, err);
    free(buf);
    return status;
}
