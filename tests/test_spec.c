/*
 * tests/test_spec.c: group specs: validation, price and the matching a bid must pass
 * (protocol/spec.h; market-rules.md section 1.6; chain-sdk go/v0.1.9 deployment/v1beta4
 * groupspec.go, resourceunit(s).go, validation_config.go and market/v1beta5 bid.go as
 * /work/notes/market-upstream.md sections 3 to 5 read them).
 *
 * Every error of ak_spec_validate with its text, at its boundary, and the order of the checks;
 * GroupSpec.Price() = sum of price x count; ResourcesOffer.MatchGSpec; MatchRequirements with
 * and without signed_by; MatchResourcesRequirements for storage groups and GPU models; and
 * each matching error once end to end through MsgCreateBid.
 */
#include <string.h>

#include "fixture.h"
#include "spec.h"

static const char *const NO_KV[] = {NULL};

/* n key/value pairs into slots; keys and values alternate in kv. */
static ak_attrs kvs(fx *f, ak_attr *slot, int n, const char *const *kv)
{
    for (int i = 0; i < n; i++)
        slot[i] = (ak_attr){fx_s(f, kv[2 * i]), fx_s(f, kv[2 * i + 1])};
    return (ak_attrs){n ? slot : NULL, (uint32_t)n};
}

/* f->group: name "web", one unit (id 1, 1000 millicpu, 1 GiB memory, one 1 GiB volume,
 * count 1, 100uakt). */
static void base(fx *f)
{
    (void)fx_deploy(f, f->alice, 1, 500000, "100");
}

typedef struct vres {
    int code;
    char why[256];
} vres;

static vres validate(fx *f)
{
    vres r;
    r.why[0] = '\0';
    r.code = ak_spec_validate(ak_app_strs_c(f->app), &f->group, r.why, sizeof r.why);
    return r;
}

#define VALID(f)                                                                                   \
    do {                                                                                           \
        vres r_ = validate(f);                                                                     \
        ck_assert_msg(r_.code == 0, "refused: %s", r_.why);                                        \
    } while (0)

/* Refused with `code` and exactly `text`. */
#define INVALID(f, c, text)                                                                        \
    do {                                                                                           \
        vres r_ = validate(f);                                                                     \
        ck_assert_msg(r_.code == (c), "expected %s, got %s (%s)", ak_err_name(c),                  \
                      ak_err_name(r_.code), r_.why);                                               \
        ck_assert_str_eq(r_.why, (text));                                                          \
    } while (0)

/* Refused with `code`; the text is checked separately. */
#define INVALID_CODE(f, c)                                                                         \
    do {                                                                                           \
        vres r_ = validate(f);                                                                     \
        ck_assert_msg(r_.code == (c), "expected %s, got %s (%s)", ak_err_name(c),                  \
                      ak_err_name(r_.code), r_.why);                                               \
    } while (0)

#define WHY_IS(f, text) ck_assert_str_eq(validate(f).why, (text))

/* ---- ak_spec_validate ---- */

START_TEST(the_base_spec_is_valid)
{
    fx f;
    fx_init(&f);
    base(&f);
    VALID(&f);
    /* endpoints and placement requirements are not validated */
    f.ep.kind = 77;
    f.group.req_attrs = fx_attrs1(&f, &f.req[0], "[", "");
    VALID(&f);
    fx_fini(&f);
}
END_TEST

START_TEST(group_name_is_required)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.group.name = 0;
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "empty group spec name denomination");
    fx_fini(&f);
}
END_TEST

START_TEST(unit_id_must_be_positive)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.unit.id = 0;
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "error: invalid resources ID (> 0 fails)");
    fx_fini(&f);
}
END_TEST

/* CPU: 10 .. 384,000 millicpu. */
START_TEST(unit_cpu_bounds)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.unit.cpu_millis = 10;
    VALID(&f);
    f.unit.cpu_millis = 384000;
    VALID(&f);
    f.unit.cpu_millis = 9;
    INVALID_CODE(&f, AK_EGROUP_SPEC_INVALID);
    /* chain-sdk's validateCPU prints the maximum twice (sic) */
    WHY_IS(&f, "error: invalid unit CPU (384000 > 9 > 384000 fails)");
    f.unit.cpu_millis = 384001;
    INVALID_CODE(&f, AK_EGROUP_SPEC_INVALID);
    WHY_IS(&f, "error: invalid unit CPU (384000 > 384001 > 384000 fails)");
    fx_fini(&f);
}
END_TEST

/* GPU: 0 .. 24 units. */
START_TEST(unit_gpu_bounds)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.unit.gpu_units = 24;
    VALID(&f);
    f.unit.gpu_units = 25;
    INVALID_CODE(&f, AK_EGROUP_SPEC_INVALID);
    /* validateGPU prints the maximum twice too */
    WHY_IS(&f, "error: invalid unit GPU (24 > 25 > 24 fails)");
    fx_fini(&f);
}
END_TEST

START_TEST(gpu_attributes_need_gpu_units)
{
    fx f;
    fx_init(&f);
    base(&f);
    ak_attr a;
    f.unit.gpu_attrs = fx_attrs1(&f, &a, "vendor/nvidia/model/*", "true");
    INVALID(&f, AK_EGROUP_SPEC_INVALID,
            "error: invalid GPU state. attributes cannot be present if units == 0");
    f.unit.gpu_units = 1;
    VALID(&f);
    fx_fini(&f);
}
END_TEST

/* Memory: 1 Mi .. 2 Ti bytes. */
START_TEST(unit_memory_bounds)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.unit.memory_bytes = 1ull << 20;
    VALID(&f);
    f.unit.memory_bytes = 2ull << 40;
    VALID(&f);
    f.unit.memory_bytes = (1ull << 20) - 1;
    INVALID_CODE(&f, AK_EGROUP_SPEC_INVALID);
    /* validateMemory prints the maximum twice too */
    WHY_IS(&f, "error: invalid unit memory (2199023255552 > 1048575 > 2199023255552 fails)");
    f.unit.memory_bytes = (2ull << 40) + 1;
    INVALID_CODE(&f, AK_EGROUP_SPEC_INVALID);
    fx_fini(&f);
}
END_TEST

/* Storage: at least one volume, each 5 Mi .. 32 Ti bytes (the message prints the minimum). */
START_TEST(unit_storage_is_required_and_bounded)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.unit.nstorage = 0;
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "error: invalid unit storage, cannot be nil");
    ak_storage_volume v[2] = {f.vol, f.vol};
    f.unit.storage = v;
    f.unit.nstorage = 2;
    v[1].bytes = 5ull << 20;
    VALID(&f);
    v[1].bytes = 32ull << 40;
    VALID(&f);
    v[1].bytes = (5ull << 20) - 1;
    INVALID(&f, AK_EGROUP_SPEC_INVALID,
            "error: invalid unit storage (35184372088832 > 5242879 > 5242880 fails)");
    v[1].bytes = (32ull << 40) + 1;
    INVALID(&f, AK_EGROUP_SPEC_INVALID,
            "error: invalid unit storage (35184372088832 > 35184372088833 > 5242880 fails)");
    fx_fini(&f);
}
END_TEST

/* Attributes.Validate on CPU, GPU, memory and storage attributes: the wildcard key regex, then
 * duplicates; the error keeps its attribute code. */
START_TEST(resource_attribute_keys_are_validated)
{
    fx f;
    fx_init(&f);
    base(&f);
    ak_attr a[2];
    const char *bad[] = {"1x", "v"};
    const char *dup[] = {"ab", "1", "ab", "2"};
    const char *wild[] = {"vendor/nvidia/model/*", "true"};
    f.unit.cpu_attrs = kvs(&f, a, 1, bad);
    INVALID(&f, AK_EINVALID_ATTRIBUTE_KEY,
            "error: invalid CPU attributes: attribute key does not match regexp");
    f.unit.cpu_attrs = kvs(&f, a, 1, wild);
    VALID(&f);
    f.unit.cpu_attrs = (ak_attrs){NULL, 0};
    f.unit.gpu_units = 1;
    f.unit.gpu_attrs = kvs(&f, a, 2, dup);
    INVALID(&f, AK_EATTRIBUTES_DUPLICATE_KEYS,
            "error: invalid GPU attributes: attributes cannot have duplicate keys");
    f.unit.gpu_attrs = kvs(&f, a, 1, wild);
    VALID(&f);
    f.unit.gpu_attrs = (ak_attrs){NULL, 0};
    f.unit.memory_attrs = kvs(&f, a, 1, bad);
    INVALID_CODE(&f, AK_EINVALID_ATTRIBUTE_KEY);
    /* chain-sdk capitalises "Memory" and "Storage" in these messages */
    WHY_IS(&f, "error: invalid Memory attributes: attribute key does not match regexp");
    f.unit.memory_attrs = (ak_attrs){NULL, 0};
    f.vol.attrs = kvs(&f, a, 2, dup);
    INVALID_CODE(&f, AK_EATTRIBUTES_DUPLICATE_KEYS);
    WHY_IS(&f, "error: invalid Storage attributes: attributes cannot have duplicate keys");
    fx_fini(&f);
}
END_TEST

START_TEST(unit_ids_are_unique_in_a_group)
{
    fx f;
    fx_init(&f);
    base(&f);
    ak_resource_unit u[3] = {f.unit, f.unit, f.unit};
    u[1].id = 2;
    u[2].id = 2;
    f.group.units = u;
    f.group.nunits = 3;
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "duplicate resources ID (2) within group");
    u[2].id = 3;
    VALID(&f);
    fx_fini(&f);
}
END_TEST

/* Group totals, each resource scaled by count: CPU in (0, 19,200,000], memory in
 * (0, 109,951,162,777,600], GPU at most 1,200; storage totals are never checked. */
START_TEST(group_totals)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.unit.count = 0; /* no count bounds, but nothing left to run */
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "invalid total CPU (19200000 > 0 > 0 fails)");
    f.unit.count = 51;
    f.unit.cpu_millis = 384000;
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "invalid total CPU (19200000 > 19584000 > 0 fails)");
    f.unit.count = 50;
    VALID(&f);
    f.unit.count = 51;
    f.unit.cpu_millis = 10;
    f.unit.gpu_units = 24;
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "invalid total GPU (1200 > 1224 > 0 fails)");
    f.unit.count = 50;
    VALID(&f);
    f.unit.gpu_units = 0;
    f.unit.count = 51;
    f.unit.memory_bytes = 2ull << 40;
    INVALID(&f, AK_EGROUP_SPEC_INVALID,
            "invalid total memory (109951162777600 > 112150186033152 > 0 fails)");
    f.unit.count = 50;
    f.vol.bytes = 32ull << 40; /* 1,600 Ti of storage in the group: fine */
    VALID(&f);
    /* totals add over units; a count-0 unit is fine beside another */
    ak_resource_unit u[2] = {f.unit, f.unit};
    u[0].count = 25;
    u[1].id = 2;
    u[1].count = 26;
    f.group.units = u;
    f.group.nunits = 2;
    INVALID(&f, AK_EGROUP_SPEC_INVALID,
            "invalid total memory (109951162777600 > 112150186033152 > 0 fails)");
    u[1].count = 0;
    VALID(&f);
    fx_fini(&f);
}
END_TEST

/* DecCoin.IsValid: a valid denom and a non-negative amount. Zero is a valid price. */
START_TEST(unit_price_must_be_a_valid_coin)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.unit.price.amount = fx_dec("0");
    VALID(&f);
    f.unit.price.amount = fx_dec("-0.000000000000000001");
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "group web: error: invalid price object");
    f.unit.price = (ak_deccoin){0, fx_dec("1")};
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "group web: error: invalid price object");
    /* DecCoin.IsValid runs ValidateDenom (^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$) */
    f.unit.price = (ak_deccoin){fx_s(&f, "u"), fx_dec("1")};
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "group web: error: invalid price object");
    fx_fini(&f);
}
END_TEST

/* At most 10,000,000 per unit (the Dec amount, any denom, not scaled by count). */
START_TEST(unit_price_is_at_most_ten_million)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.unit.price.amount = fx_dec("10000000");
    f.unit.count = 3;
    VALID(&f);
    f.unit.price.amount = fx_dec("10000000.000000000000000001");
    INVALID_CODE(&f, AK_EGROUP_SPEC_INVALID);
    /* chain-sdk prints the whole DecCoin, amount and denom */
    WHY_IS(&f, "group web: error: invalid unit price "
               "(10000000 > 10000000.000000000000000001uakt fails)");
    f.unit.price = (ak_deccoin){f.uusdc, fx_dec("10000001")};
    INVALID_CODE(&f, AK_EGROUP_SPEC_INVALID);
    fx_fini(&f);
}
END_TEST

START_TEST(all_units_share_one_denom)
{
    fx f;
    fx_init(&f);
    base(&f);
    ak_resource_unit u[2] = {f.unit, f.unit};
    u[1].id = 2;
    u[1].price.denom = f.uusdc;
    f.group.units = u;
    f.group.nunits = 2;
    INVALID(&f, AK_EGROUP_SPEC_INVALID, "multi-denonimation group: (uusdc == uakt fails)");
    fx_fini(&f);
}
END_TEST

/* The chain's order: name, then units (each unit: id, CPU, GPU, memory, storage; then its
 * duplicate check), then the totals, then pricing. */
START_TEST(checks_come_in_the_chains_order)
{
    fx f;
    fx_init(&f);
    base(&f);
    ak_resource_unit u[2] = {f.unit, f.unit};
    f.group.units = u;
    f.group.nunits = 2;
    u[0].price.amount = fx_dec("-1");
    u[1].count = 0;
    u[0].count = 0;
    u[1].nstorage = 0;
    u[1].memory_bytes = 0;
    u[1].gpu_units = 99;
    u[1].cpu_millis = 0;
    f.group.name = 0;
    WHY_IS(&f, "empty group spec name denomination");
    f.group.name = fx_s(&f, "web");
    u[1].id = 0;
    WHY_IS(&f, "error: invalid resources ID (> 0 fails)");
    u[1].id = 1; /* a duplicate id, and a bad CPU: the unit is validated first */
    INVALID_CODE(&f, AK_EGROUP_SPEC_INVALID);
    ck_assert_int_eq(strncmp(validate(&f).why, "error: invalid unit CPU", 23), 0);
    u[1].cpu_millis = 1000;
    ck_assert_int_eq(strncmp(validate(&f).why, "error: invalid unit GPU", 23), 0);
    u[1].gpu_units = 0;
    ck_assert_int_eq(strncmp(validate(&f).why, "error: invalid unit memory", 26), 0);
    u[1].memory_bytes = 1ull << 30;
    WHY_IS(&f, "error: invalid unit storage, cannot be nil");
    u[1].nstorage = 1;
    WHY_IS(&f, "duplicate resources ID (1) within group");
    u[1].id = 2;
    WHY_IS(&f, "invalid total CPU (19200000 > 0 > 0 fails)");
    u[1].count = 1;
    WHY_IS(&f, "group web: error: invalid price object");
    u[0].price.amount = fx_dec("1");
    VALID(&f);
    fx_fini(&f);
}
END_TEST

/* GroupSpec.Price() = sum of price x count, in the first unit's denom. */
START_TEST(price_is_the_sum_of_price_times_count)
{
    fx f;
    fx_init(&f);
    base(&f);
    ak_resource_unit u[3] = {f.unit, f.unit, f.unit};
    u[0].price.amount = fx_dec("1.5");
    u[0].count = 3;
    u[1].id = 2;
    u[1].price.amount = fx_dec("2");
    u[1].count = 2;
    u[2].id = 3;
    u[2].price.amount = fx_dec("1000");
    u[2].count = 0;
    f.group.units = u;
    f.group.nunits = 3;
    ak_deccoin p;
    ck_assert_int_eq(ak_spec_price(&f.group, &p), 0);
    ck_assert_uint_eq(p.denom, f.uakt);
    ck_assert_int_eq(ak_dec_cmp(p.amount, fx_dec("8.5")), 0);
    f.group.nunits = 0;
    ck_assert_int_eq(ak_spec_price(&f.group, &p), 0);
    ck_assert_uint_eq(p.denom, 0);
    ck_assert(ak_dec_is_zero(p.amount));
    /* the order's maximum is that price */
    f.group.units = u;
    f.group.nunits = 3;
    fx_at(&f, 1);
    ak_msg m = fx_deploy(&f, f.alice, 1, 500000, "1");
    f.group.units = u;
    f.group.nunits = 3;
    fx_ok(&f, &m);
    const ak_group *g = ak_app_find_group(f.app, (ak_group_id){f.alice, 1, 1});
    ck_assert_int_eq(ak_dec_cmp(g->price.amount, fx_dec("8.5")), 0);
    fx_fini(&f);
}
END_TEST

/* MsgCreateDeployment runs the validation on every group: ErrGroupSpecInvalid with the text. */
START_TEST(deployment_with_an_invalid_spec_is_refused)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = fx_deploy(&f, f.alice, 1, 500000, "1");
    f.unit.id = 0;
    fx_fails(&f, &m, AK_EGROUP_SPEC_INVALID);
    ck_assert_str_eq(f.res.detail, "error: invalid resources ID (> 0 fails)");
    f.unit.id = 1;
    ak_attr a;
    f.unit.cpu_attrs = fx_attrs1(&f, &a, "1x", "");
    fx_fails(&f, &m, AK_EINVALID_ATTRIBUTE_KEY);
    fx_fini(&f);
}
END_TEST

/* ---- ResourcesOffer.MatchGSpec ---- */

START_TEST(offer_names_units_with_their_counts)
{
    fx f;
    fx_init(&f);
    base(&f);
    ak_resource_unit u[2] = {f.unit, f.unit};
    u[0].count = 2;
    u[1].id = 2;
    f.group.units = u;
    f.group.nunits = 2;
    const ak_group_spec *g = &f.group;
    ck_assert(ak_spec_match_offer(g, NULL, 0)); /* an empty offer matches */
    ak_resource_offer o[2];
    o[0] = (ak_resource_offer){1, 2};
    ck_assert(ak_spec_match_offer(g, o, 1)); /* a subset of the units is fine */
    o[1] = (ak_resource_offer){2, 1};
    ck_assert(ak_spec_match_offer(g, o, 2));
    o[0] = (ak_resource_offer){2, 1};
    o[1] = (ak_resource_offer){1, 2};
    ck_assert(ak_spec_match_offer(g, o, 2)); /* any order */
    o[0] = (ak_resource_offer){3, 1};
    ck_assert(!ak_spec_match_offer(g, o, 1)); /* unknown id */
    o[0] = (ak_resource_offer){1, 1};
    ck_assert(!ak_spec_match_offer(g, o, 1)); /* wrong count */
    o[0] = (ak_resource_offer){1, 2};
    o[1] = (ak_resource_offer){1, 2};
    ck_assert(!ak_spec_match_offer(g, o, 2)); /* an id twice (a panic upstream) */
    fx_fini(&f);
}
END_TEST

/* ---- MatchRequirements ---- */

static const ak_provider *provider(fx *f, ak_addr owner)
{
    const ak_provider *p = ak_provider_get(ak_app_providers(f->app), owner);
    ck_assert_ptr_nonnull(p);
    return p;
}

static bool requirements_met(fx *f, ak_addr owner)
{
    return ak_spec_match_requirements(ak_app_strs_c(f->app), &f->group, provider(f, owner),
                                      ak_app_audit(f->app));
}

static void sign(fx *f, ak_addr auditor, ak_addr owner, int n, const char *const *kv)
{
    ak_attr v[4];
    ak_msg m = {.type = AK_MSG_SIGN_PROVIDER_ATTRIBUTES};
    m.sign_attrs.auditor = auditor;
    m.sign_attrs.owner = owner;
    m.sign_attrs.attrs = kvs(f, v, n, kv);
    fx_ok(f, &m);
}

/* No signed_by: the requirements must be a subset of the provider's own attributes. */
START_TEST(requirements_without_signed_by_use_own_attributes)
{
    fx f;
    fx_init(&f);
    base(&f);
    ck_assert(requirements_met(&f, f.prov1)); /* nothing required */
    const char *exact[] = {"region", "us-west"};
    const char *glob[] = {"reg*", "us-west"};
    const char *q[] = {"r?gion", "us-west"};
    const char *other[] = {"region", "eu-central"};
    const char *two[] = {"region", "us-west", "tier", "gold"};
    f.group.req_attrs = kvs(&f, f.req, 1, exact);
    ck_assert(requirements_met(&f, f.prov1));
    ck_assert(!requirements_met(&f, f.prov2));
    f.group.req_attrs = kvs(&f, f.req, 1, glob);
    ck_assert(requirements_met(&f, f.prov1));
    f.group.req_attrs = kvs(&f, f.req, 1, q);
    ck_assert(requirements_met(&f, f.prov1));
    f.group.req_attrs = kvs(&f, f.req, 1, other);
    ck_assert(!requirements_met(&f, f.prov1));
    ck_assert(requirements_met(&f, f.prov2));
    f.group.req_attrs = kvs(&f, f.req, 2, two);
    ck_assert(!requirements_met(&f, f.prov1));
    /* an auditor's record does not help without signed_by */
    fx_at(&f, 1);
    sign(&f, f.auditor, f.prov1, 1, &two[2]);
    ck_assert(!requirements_met(&f, f.prov1));
    fx_fini(&f);
}
END_TEST

/* With signed_by, the provider's own attributes are ignored: only auditors' records count. */
START_TEST(signed_by_ignores_the_providers_own_attributes)
{
    fx f;
    fx_init(&f);
    base(&f);
    fx_at(&f, 1);
    const char *region[] = {"region", "us-west"};
    const char *tier[] = {"tier", "gold"};
    f.group.req_attrs = kvs(&f, f.req, 1, region);
    f.group.all_of = &f.auditor;
    f.group.n_all_of = 1;
    sign(&f, f.auditor, f.prov1, 1, tier);
    ck_assert(!requirements_met(&f, f.prov1)); /* prov1 says region=us-west, the auditor not */
    sign(&f, f.auditor, f.prov1, 1, region);
    ck_assert(requirements_met(&f, f.prov1));
    /* the glob and exact value rules apply to the audited list too */
    const char *glob[] = {"reg*", "us-west"};
    f.group.req_attrs = kvs(&f, f.req, 1, glob);
    ck_assert(requirements_met(&f, f.prov1));
    fx_fini(&f);
}
END_TEST

/* Fewer than two entries (no audit record at all) never match when signed_by is set, even
 * with no required attributes; with one, each named auditor only needs some record. */
START_TEST(signed_by_without_any_audit_record_fails)
{
    fx f;
    fx_init(&f);
    base(&f);
    fx_at(&f, 1);
    f.group.all_of = &f.auditor;
    f.group.n_all_of = 1;
    ck_assert(!requirements_met(&f, f.prov1));
    f.group.n_all_of = 0;
    f.group.any_of = &f.auditor;
    f.group.n_any_of = 1;
    ck_assert(!requirements_met(&f, f.prov1));
    sign(&f, f.carol, f.prov1, 0, NO_KV); /* a record, but by another auditor */
    ck_assert(!requirements_met(&f, f.prov1));
    sign(&f, f.auditor, f.prov1, 0, NO_KV); /* an empty record is enough */
    ck_assert(requirements_met(&f, f.prov1));
    ck_assert(!requirements_met(&f, f.prov2));
    fx_fini(&f);
}
END_TEST

/* all_of: every listed auditor must have signed a superset of the requirements. */
START_TEST(all_of_needs_every_auditor)
{
    fx f;
    fx_init(&f);
    base(&f);
    fx_at(&f, 1);
    const char *region[] = {"region", "us-west"};
    f.group.req_attrs = kvs(&f, f.req, 1, region);
    ak_addr both[2] = {f.auditor, f.carol};
    f.group.all_of = both;
    f.group.n_all_of = 2;
    sign(&f, f.auditor, f.prov1, 1, region);
    ck_assert(!requirements_met(&f, f.prov1)); /* carol has no record */
    const char *wrong[] = {"region", "us-east"};
    sign(&f, f.carol, f.prov1, 1, wrong);
    ck_assert(!requirements_met(&f, f.prov1)); /* carol's record does not cover it */
    sign(&f, f.carol, f.prov1, 1, region);
    ck_assert(requirements_met(&f, f.prov1));
    fx_fini(&f);
}
END_TEST

/* any_of: one listed auditor suffices; with both lists, both must hold. */
START_TEST(any_of_needs_one_auditor_and_both_lists_must_hold)
{
    fx f;
    fx_init(&f);
    base(&f);
    fx_at(&f, 1);
    const char *region[] = {"region", "us-west"};
    f.group.req_attrs = kvs(&f, f.req, 1, region);
    ak_addr any[2] = {f.auditor, f.carol};
    f.group.any_of = any;
    f.group.n_any_of = 2;
    sign(&f, f.alice, f.prov1, 1, region); /* not listed */
    ck_assert(!requirements_met(&f, f.prov1));
    sign(&f, f.carol, f.prov1, 1, region);
    ck_assert(requirements_met(&f, f.prov1));
    /* all_of [alice] holds too, so both hold */
    f.group.all_of = &f.alice;
    f.group.n_all_of = 1;
    ck_assert(requirements_met(&f, f.prov1));
    /* all_of [bob] fails while any_of still holds */
    f.group.all_of = &f.bob;
    ck_assert(!requirements_met(&f, f.prov1));
    /* all_of [alice] holds but no listed any_of auditor covers a new requirement */
    const char *more[] = {"region", "us-west", "tier", "gold"};
    f.group.req_attrs = kvs(&f, f.req, 2, more);
    f.group.all_of = &f.alice;
    sign(&f, f.alice, f.prov1, 1, &more[2]);
    ck_assert(!requirements_met(&f, f.prov1));
    fx_fini(&f);
}
END_TEST

/* ---- MatchResourcesRequirements ---- */

static bool caps_met(fx *f, const ak_attr *pattrs, int n)
{
    ak_provider p = {.owner = f->bob, .attrs = {n ? pattrs : NULL, (uint32_t)n}};
    return ak_spec_match_capabilities(ak_app_strs_c(f->app), &f->group, &p);
}

/* Every volume's attributes must all match within ONE capabilities/storage/<n>/ group. */
START_TEST(storage_attributes_match_within_one_group)
{
    fx f;
    fx_init(&f);
    base(&f);
    const char *caps_kv[] = {
        "capabilities/storage/1/class", "beta2", "capabilities/storage/1/persistent", "false",
        "capabilities/storage/2/class", "beta3", "capabilities/storage/2/persistent", "true",
        "capabilities/storage/3/class/x", "beta1", /* four tokens: skipped */
        "capabilities/storageX/9/class", "beta9", /* a HasPrefix match, as upstream */
        "region", "us-west"};
    ak_attr caps[7];
    kvs(&f, caps, 7, caps_kv);
    ak_attr va[2];
    const char *split[] = {"class", "beta2", "persistent", "true"};
    const char *g2[] = {"class", "beta3", "persistent", "true"};
    const char *one[] = {"class", "beta2"};
    const char *glob[] = {"cl*", "beta2", "pers?stent", "false"};
    const char *none[] = {"class", "beta1"};
    const char *swept[] = {"class", "beta9"};
    ck_assert(caps_met(&f, caps, 7)); /* a volume without attributes asks nothing */
    ck_assert(caps_met(&f, NULL, 0));
    f.vol.attrs = kvs(&f, va, 2, split);
    ck_assert(!caps_met(&f, caps, 7)); /* class of group 1, persistent of group 2 */
    f.vol.attrs = kvs(&f, va, 2, g2);
    ck_assert(caps_met(&f, caps, 7));
    f.vol.attrs = kvs(&f, va, 1, one);
    ck_assert(caps_met(&f, caps, 7));
    ck_assert(!caps_met(&f, caps + 2, 5)); /* without group 1 */
    f.vol.attrs = kvs(&f, va, 2, glob);
    ck_assert(caps_met(&f, caps, 7));
    f.vol.attrs = kvs(&f, va, 1, none);
    ck_assert(!caps_met(&f, caps, 7));
    f.vol.attrs = kvs(&f, va, 1, swept);
    ck_assert(caps_met(&f, caps, 7));
    f.vol.attrs = kvs(&f, va, 1, one);
    ck_assert(!caps_met(&f, NULL, 0)); /* attributes but no capabilities */
    /* each volume may use its own group; every volume must match */
    ak_attr vb[2];
    ak_storage_volume vols[2] = {f.vol, f.vol};
    vols[0].attrs = kvs(&f, va, 1, one);
    vols[1].attrs = kvs(&f, vb, 2, g2);
    f.unit.storage = vols;
    f.unit.nstorage = 2;
    ck_assert(caps_met(&f, caps, 7));
    vols[1].attrs = kvs(&f, vb, 2, split);
    ck_assert(!caps_met(&f, caps, 7));
    fx_fini(&f);
}
END_TEST

/* GPU: any one tenant attribute must match a capabilities/gpu/ key (with "gpu/" dropped);
 * '*' does not cross '/'. */
START_TEST(gpu_attributes_match_any_one_model)
{
    fx f;
    fx_init(&f);
    base(&f);
    f.unit.gpu_units = 1;
    const char *caps_kv[] = {"capabilities/gpu/vendor/nvidia/model/a100", "true",
                             "capabilities/gpu/vendor/nvidia/model/h100/ram/80Gi", "true",
                             "capabilities/gpu/nvidia", "true"}; /* too few tokens: skipped */
    ak_attr caps[3];
    kvs(&f, caps, 3, caps_kv);
    ak_attr ga[2];
    ck_assert(caps_met(&f, NULL, 0)); /* GPU units without attributes ask nothing */
    const char *a100[] = {"vendor/nvidia/model/a100", "true"};
    const char *either[] = {"vendor/nvidia/model/t4", "true", "vendor/nvidia/model/a100", "true"};
    const char *star[] = {"vendor/nvidia/model/*", "true"};
    const char *ram[] = {"vendor/nvidia/model/h100/ram/*", "true"};
    const char *falsy[] = {"vendor/nvidia/model/a100", "false"};
    const char *short_key[] = {"nvidia", "true"};
    f.unit.gpu_attrs = kvs(&f, ga, 1, a100);
    ck_assert(caps_met(&f, caps, 3));
    ck_assert(!caps_met(&f, caps + 1, 2));
    f.unit.gpu_attrs = kvs(&f, ga, 2, either);
    ck_assert(caps_met(&f, caps, 3));
    f.unit.gpu_attrs = kvs(&f, ga, 1, star);
    ck_assert(caps_met(&f, caps, 3));       /* matches .../a100 */
    ck_assert(!caps_met(&f, caps + 1, 2));  /* not .../h100/ram/80Gi */
    f.unit.gpu_attrs = kvs(&f, ga, 1, ram);
    ck_assert(caps_met(&f, caps + 1, 2));
    f.unit.gpu_attrs = kvs(&f, ga, 1, falsy);
    ck_assert(!caps_met(&f, caps, 3));
    f.unit.gpu_attrs = kvs(&f, ga, 1, short_key);
    ck_assert(!caps_met(&f, caps, 3));
    fx_fini(&f);
}
END_TEST

/* ---- end to end through MsgCreateBid ---- */

/* CreateBid checks the offer, then that the provider exists, then placement
 * (ErrAttributeMismatch), then capabilities (ErrCapabilitiesMismatch). */
START_TEST(bids_must_meet_placement_and_capabilities)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *region[] = {"region", "us-west"};
    ak_msg d = fx_deploy(&f, f.alice, 1, 500000, "100");
    f.group.req_attrs = kvs(&f, f.req, 1, region);
    f.group.all_of = &f.auditor;
    f.group.n_all_of = 1;
    ak_attr ga[1];
    const char *a100[] = {"vendor/nvidia/model/a100", "true"};
    f.unit.gpu_units = 1;
    f.unit.gpu_attrs = kvs(&f, ga, 1, a100);
    fx_ok(&f, &d);
    /* an offer naming a unit the spec lacks */
    ak_msg b = fx_bid(&f, fx_bid_id(f.alice, 1, 1, 1, f.bob), "100");
    ak_resource_offer off = {2, 1};
    b.create_bid.offer = &off;
    b.create_bid.noffer = 1;
    fx_fails(&f, &b, AK_ECAPABILITIES_MISMATCH);
    /* bob is not a provider */
    b.create_bid.noffer = 0;
    fx_fails(&f, &b, AK_EUNKNOWN_PROVIDER);
    /* prov1 advertises region=us-west itself, but no auditor signed it */
    b = fx_bid(&f, fx_bid_id(f.alice, 1, 1, 1, f.prov1), "100");
    fx_fails(&f, &b, AK_EATTRIBUTE_MISMATCH);
    sign(&f, f.auditor, f.prov1, 1, region);
    /* placement met; prov1 advertises no GPU */
    fx_fails(&f, &b, AK_ECAPABILITIES_MISMATCH);
    ak_attr pa[2];
    const char *caps[] = {"region", "us-west", "capabilities/gpu/vendor/nvidia/model/a100", "true"};
    ak_msg up = {.type = AK_MSG_UPDATE_PROVIDER};
    up.provider.owner = f.prov1;
    up.provider.host_uri = fx_s(&f, "https://prov1.test:8443");
    up.provider.attrs = kvs(&f, pa, 2, caps);
    fx_ok(&f, &up);
    fx_ok(&f, &b);
    ck_assert_uint_eq(ak_app_find_bid(f.app, b.create_bid.id)->state, AK_BID_OPEN);
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spec");
    TCase *tv = tcase_create("validate");
    tcase_add_test(tv, the_base_spec_is_valid);
    tcase_add_test(tv, group_name_is_required);
    tcase_add_test(tv, unit_id_must_be_positive);
    tcase_add_test(tv, unit_cpu_bounds);
    tcase_add_test(tv, unit_gpu_bounds);
    tcase_add_test(tv, gpu_attributes_need_gpu_units);
    tcase_add_test(tv, unit_memory_bounds);
    tcase_add_test(tv, unit_storage_is_required_and_bounded);
    tcase_add_test(tv, resource_attribute_keys_are_validated);
    tcase_add_test(tv, unit_ids_are_unique_in_a_group);
    tcase_add_test(tv, group_totals);
    tcase_add_test(tv, unit_price_must_be_a_valid_coin);
    tcase_add_test(tv, unit_price_is_at_most_ten_million);
    tcase_add_test(tv, all_units_share_one_denom);
    tcase_add_test(tv, checks_come_in_the_chains_order);
    tcase_add_test(tv, price_is_the_sum_of_price_times_count);
    tcase_add_test(tv, deployment_with_an_invalid_spec_is_refused);
    suite_add_tcase(s, tv);
    TCase *tm = tcase_create("match");
    tcase_add_test(tm, offer_names_units_with_their_counts);
    tcase_add_test(tm, requirements_without_signed_by_use_own_attributes);
    tcase_add_test(tm, signed_by_ignores_the_providers_own_attributes);
    tcase_add_test(tm, signed_by_without_any_audit_record_fails);
    tcase_add_test(tm, all_of_needs_every_auditor);
    tcase_add_test(tm, any_of_needs_one_auditor_and_both_lists_must_hold);
    tcase_add_test(tm, storage_attributes_match_within_one_group);
    tcase_add_test(tm, gpu_attributes_match_any_one_model);
    tcase_add_test(tm, bids_must_meet_placement_and_capabilities);
    suite_add_tcase(s, tm);
    return fx_run(s);
}
