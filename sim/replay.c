/*
 * sim/replay.c: `akashsim replay` (see replay.h; replay.md is the public contract for the keys
 * and value formats read and written here, market-rules.md sections 1 to 5 for what the
 * messages do once delivered).
 *
 * Three stages, each finished before the next starts:
 *   1. load: read the file, check it is UTF-8 text, parse it with cJSON;
 *   2. validate: read every key and value into an in-memory script (ak_msg values whose
 *      arrays live in one arena), then run genesis; any error is one line on stderr naming
 *      the JSON path, exit status 2, nothing on stdout;
 *   3. run: blocks 1 .. last height, skipped heights as empty blocks; results and dumps are
 *      written into buffers and the JSON document is printed at the end, or the narration is
 *      printed as it happens.
 */
#include "replay.h"

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
#define JSON_NESTING_LIMIT 1000 /* cJSON's CJSON_NESTING_LIMIT */

static const char chain_layer[] =
    "the chain layer (staking, consensus, mint) is not implemented yet";

/* Messages of replay.md's chain rows: recognised, refused until the chain layer exists. */
static const char *const chain_msgs[] = {
    "MsgCreateValidator", "MsgEditValidator", "MsgDelegate", "MsgUndelegate",
    "MsgBeginRedelegate", "MsgUnjail", "MsgWithdrawDelegatorReward",
    "MsgWithdrawValidatorCommission", "MsgSubmitProposal", "MsgDeposit", "MsgVote", NULL};

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

    jw results; /* the "results" list, written as a fragment at depth 2 */
    jw dumps;   /* the "dumps" list, likewise */
    uint32_t nresults, ndumps;

    rp_snap *snap; /* narration: balances after genesis */
    uint32_t nsnap;
    size_t events_seen; /* narration: events of the current block already told */
    ak_height last_told; /* narration: last height that had a "Block" line */
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

/* A list that the chain layer would fill: only absent or empty is accepted. */
static void chain_empty_list(rp *p, const cJSON *node)
{
    if (!node)
        return;
    jr_array(&p->r, node);
    if (node->child)
        jr_fail(&p->r, node, "%s", chain_layer);
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
    case AK_MSG_COUNT: break;
    }
    return NULL;
}

static ak_addr req_name(rp *p, const cJSON *tx, const char *key)
{
    return jv_name(&p->r, jr_req(&p->r, tx, key), p->strs);
}

static void read_tx(rp *p, const cJSON *tx, rp_tx *t)
{
    jr *r = &p->r;
    ak_strtab *s = p->strs;
    jr_object(r, tx);
    const cJSON *tn = jr_req(r, tx, "type");
    const char *type = jr_string(r, tn, NULL);
    for (const char *const *c = chain_msgs; *c; c++)
        if (strcmp(*c, type) == 0)
            jr_fail(r, tn, "%s: %s", type, chain_layer);
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
    case AK_MSG_COUNT:
        break;
    }
}

/* ---- reading the script ---- */

static void read_genesis(rp *p, const cJSON *g)
{
    static const char *const keys[] = {"time", "block_time_s", "accounts", "providers",
                                       "validators", "delegations", "mint_inflation", NULL};
    static const char *const prov_keys[] = {"owner", "host_uri", "attributes", "email",
                                            "website", NULL};
    jr *r = &p->r;
    p->time0 = DEFAULT_TIME;
    p->block_time_s = DEFAULT_BLOCK_TIME_S;
    if (!g)
        return;
    jr_keys(r, g, keys);
    const cJSON *v;
    if ((v = jr_opt(g, "time")))
        p->time0 = jv_time(r, v);
    if ((v = jr_opt(g, "block_time_s")))
        p->block_time_s = jr_int(r, v, 1, MAX_BLOCK_TIME_S);
    chain_empty_list(p, jr_opt(g, "validators"));
    chain_empty_list(p, jr_opt(g, "delegations"));
    if ((v = jr_opt(g, "mint_inflation")) &&
        !(cJSON_IsString(v) && v->valuestring[0] == '\0'))
        jr_fail(r, v, "%s", chain_layer);

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
        chain_empty_list(p, jr_opt(b, "absent"));
        chain_empty_list(p, jr_opt(b, "double_sign"));
        const cJSON *txs = jr_array(r, jr_req(r, b, "txs"));
        blk->ntxs = (uint32_t)count_children(txs);
        blk->txs = jv_alloc(r, &p->arena, blk->ntxs, sizeof *blk->txs);
        uint32_t k = 0;
        for (const cJSON *t = txs->child; t; t = t->next)
            read_tx(p, t, &blk->txs[k++]);
    }
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
    chain_empty_list(p, jr_opt(p->root, "liveness"));
    chain_empty_list(p, jr_opt(p->root, "record"));
    read_blocks(p, jr_req(r, p->root, "blocks"));
}

/* Genesis: params, clock, balances, providers. Errors are script errors (exit 2). */
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
}

/* ---- loading: file, UTF-8, JSON ---- */

/* Position (line, column from 1) of byte offset off. */
static void line_col(const char *t, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (t[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Offset of the first byte that is not UTF-8 text (or is NUL), or len if all is well. */
static size_t utf8_bad(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c == 0)
            return i;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned min;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            min = 0x10000;
        } else {
            return i;
        }
        if (len - i <= n)
            return i;
        unsigned cp = c & (0x3fu >> n);
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += n + 1;
    }
    return len;
}

/* Deepest nesting of arrays and objects before offset end (strings skipped). */
static int max_depth(const char *t, size_t end)
{
    int d = 0, m = 0;
    bool in_str = false;
    for (size_t i = 0; i < end; i++) {
        char c = t[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++d > m)
                m = d;
        } else if (c == ']' || c == '}') {
            d--;
        }
    }
    return m;
}

/* Parse text into p->root; on failure print the error and return false. */
static bool parse(rp *p, const char *text, size_t len)
{
    if (len == 0) {
        say(p->err, "%s: the file is empty (expected a JSON replay script)", p->name);
        return false;
    }
    if (len > AK_REPLAY_MAX_FILE) {
        say(p->err, "%s: the file is larger than 64 MiB", p->name);
        return false;
    }
    size_t bad = utf8_bad((const unsigned char *)text, len);
    if (bad < len) {
        size_t line, col;
        line_col(text, bad, &line, &col);
        say(p->err, "%s: not a JSON text file: %s byte at line %zu, column %zu",
            p->name, text[bad] ? "non-UTF-8" : "NUL", line, col);
        return false;
    }
    char *buf = malloc(len + 1);
    if (!buf) {
        say(p->err, "%s: out of memory", p->name);
        return false;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    const char *end = NULL;
    p->root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (!p->root) {
        size_t off = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : len;
        size_t line, col;
        line_col(buf, off, &line, &col);
        if (max_depth(buf, off < len ? off + 1 : len) >= JSON_NESTING_LIMIT)
            say(p->err, "%s: not valid JSON: nested deeper than %d levels (line %zu, column %zu)",
                p->name, JSON_NESTING_LIMIT, line, col);
        else if (off >= len)
            say(p->err, "%s: not valid JSON: unexpected end of file (line %zu, column %zu)",
                p->name, line, col);
        else
            say(p->err, "%s: not valid JSON (line %zu, column %zu)", p->name, line, col);
        free(buf);
        return false;
    }
    free(buf);
    return true;
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

/* The header time of the current height, or the genesis time before block 1. */
static ak_unix now(const rp *p)
{
    return ak_app_height(p->app) >= 1 ? ak_app_time(p->app) : p->time0;
}

/* Write the whole state as one object value. False when out of memory. */
static bool write_state(rp *p, jw *w)
{
    const ak_strtab *strs = p->strs;
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
    if (h > p->last_told + 1)
        fprintf(p->out, "\nBlock %" PRId64 " at %s, after %" PRId64 " empty block%s\n", h, t,
                h - p->last_told - 1, h - p->last_told - 1 == 1 ? "" : "s");
    else
        fprintf(p->out, "\nBlock %" PRId64 " at %s\n", h, t);
    p->last_told = h;
}

static void tell_tx(rp *p, const ak_msg *m, const ak_tx_result *res)
{
    ak_addr signer = m->signer != AK_ADDR_NONE ? m->signer : ak_msg_required_signer(m);
    if (res->code == 0)
        fprintf(p->out, "  %s by %s: ok\n", ak_msg_name(m->type), str(p, signer));
    else
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

static bool run_block(rp *p, ak_height h, const rp_block *blk)
{
    int rc = ak_app_begin_block(p->app, h);
    if (rc)
        return app_failed(p, rc, h, "begin block");
    p->events_seen = 0;
    if (p->opts.narrate && blk) {
        tell_block(p, h);
        tell_new_events(p); /* anything begin block did */
    }
    for (uint32_t i = 0; blk && i < blk->ntxs; i++) {
        const ak_msg *m = &blk->txs[i].msg;
        ak_tx_result res;
        memset(&res, 0, sizeof res);
        rc = ak_app_deliver(p->app, m, &res);
        if (rc != res.code)
            res.code = rc;
        if (rc == AK_ENOMEM || rc == AK_EBROKEN)
            return app_failed(p, rc, h, ak_msg_name(m->type));
        if (p->opts.narrate) {
            tell_tx(p, m, &res);
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
            if (!blk)
                tell_block(p, h);
            tell_new_events(p);
        }
    } else if (blk && blk->dump) {
        if (!write_state(p, &p->dumps))
            return app_failed(p, AK_ENOMEM, h, "dump");
        p->ndumps++;
    }
    return check(p, h);
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
    ak_app_destroy(p->app);
    ak_arena_fini(&p->arena);
    cJSON_Delete(p->root);
    free(p);
    return status;
}

int ak_replay_file(const char *path, const ak_replay_opts *opts, FILE *out, FILE *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        say(err, "%s: cannot open: %s", path, strerror(errno));
        return AK_REPLAY_INVALID;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size > (off_t)AK_REPLAY_MAX_FILE) {
        fclose(f);
        say(err, "%s: the file is larger than 64 MiB", path);
        return AK_REPLAY_INVALID;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        say(err, "%s: out of memory", path);
        return AK_REPLAY_FAILED;
    }
    for (;;) {
        if (len == cap) {
            if (cap > AK_REPLAY_MAX_FILE)
                break;
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                say(err, "%s: out of memory", path);
                return AK_REPLAY_FAILED;
            }
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (k == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        say(err, "%s: cannot read: %s", path, strerror(e ? e : EIO));
        return AK_REPLAY_INVALID;
    }
    fclose(f);
    int status = ak_replay_buffer(path, buf, len, opts, out, err);
    free(buf);
    return status;
}
