/*
 * tests/test_audit.c: auditor-signed provider attributes, MsgSignProviderAttributes and
 * MsgDeleteProviderAttributes (protocol/audit.h; market-rules.md section 5.1; node v1.2.2
 * x/audit/keeper/keeper.go as /work/notes/provider-upstream.md section 2 reads it).
 *
 * Through the app: signing upserts by key and keeps the record sorted by key (a first signing
 * stores the list as given, duplicates included, sorted stably; an empty list creates an empty
 * record; nothing is validated and the provider need not exist); deleting fails with
 * ErrProviderNotFound without a record and ErrAttributeNotFound for a key that is absent or
 * listed twice (the whole message fails), an empty key list removes the record, and so does
 * removing its last key.
 */
#include <string.h>

#include "fixture.h"

static ak_msg sign_msg(fx *f, ak_addr auditor, ak_addr owner, ak_attr *v, int n, const char *const *kv)
{
    for (int i = 0; i < n; i++)
        v[i] = (ak_attr){fx_s(f, kv[2 * i]), fx_s(f, kv[2 * i + 1])};
    ak_msg m = {.type = AK_MSG_SIGN_PROVIDER_ATTRIBUTES};
    m.sign_attrs.auditor = auditor;
    m.sign_attrs.owner = owner;
    m.sign_attrs.attrs = (ak_attrs){n ? v : NULL, (uint32_t)n};
    return m;
}

static ak_msg delete_msg(fx *f, ak_addr auditor, ak_addr owner, ak_str *keys, int n,
                         const char *const *names)
{
    for (int i = 0; i < n; i++)
        keys[i] = fx_s(f, names[i]);
    ak_msg m = {.type = AK_MSG_DELETE_PROVIDER_ATTRIBUTES};
    m.delete_attrs.auditor = auditor;
    m.delete_attrs.owner = owner;
    m.delete_attrs.keys = n ? keys : NULL;
    m.delete_attrs.nkeys = (uint32_t)n;
    return m;
}

static void sign(fx *f, ak_addr auditor, ak_addr owner, int n, const char *const *kv)
{
    ak_attr v[8];
    ak_msg m = sign_msg(f, auditor, owner, v, n, kv);
    fx_ok(f, &m);
}

/* The record of (owner, auditor) reads "k=v,k=v" in stored order; NULL if there is none. */
static const char *record(fx *f, ak_addr owner, ak_addr auditor, char *buf, size_t cap)
{
    const ak_audit_record *r = ak_audit_get(ak_app_audit(f->app), owner, auditor);
    if (!r)
        return NULL;
    buf[0] = '\0';
    for (uint32_t i = 0; i < r->attrs.n; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s=%s", i ? "," : "",
                 ak_app_str(f->app, r->attrs.v[i].key), ak_app_str(f->app, r->attrs.v[i].value));
    }
    return buf;
}

#define RECORD_IS(f, owner, auditor, want)                                                         \
    do {                                                                                           \
        char buf_[256];                                                                            \
        const char *got_ = record((f), (owner), (auditor), buf_, sizeof buf_);                     \
        ck_assert_ptr_nonnull(got_);                                                               \
        ck_assert_str_eq(got_, (want));                                                            \
    } while (0)

#define NO_RECORD(f, owner, auditor)                                                               \
    ck_assert_ptr_null(ak_audit_get(ak_app_audit((f)->app), (owner), (auditor)))

/* No record yet: the list as given, sorted stably by key, duplicates kept. */
START_TEST(first_signing_stores_the_list_sorted_stably)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *kv[] = {"tier", "2", "region", "eu", "tier", "1"};
    sign(&f, f.auditor, f.prov1, 3, kv);
    RECORD_IS(&f, f.prov1, f.auditor, "region=eu,tier=2,tier=1");
    /* the provider's own attributes are a different list and stay as they are */
    const ak_provider *p = ak_provider_get(ak_app_providers(f.app), f.prov1);
    ck_assert_uint_eq(p->attrs.n, 1);
    ck_assert_str_eq(ak_app_str(f.app, p->attrs.v[0].value), "us-west");
    fx_fini(&f);
}
END_TEST

/* A record exists: old entries then new ones merge by key, a new value replaces the old, the
 * last of repeated keys wins, and keys are never removed by signing. */
START_TEST(signing_again_upserts_by_key)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *first[] = {"tier", "2", "region", "eu", "tier", "1"};
    sign(&f, f.auditor, f.prov1, 3, first);
    const char *second[] = {"zone", "b", "tier", "3", "zone", "c"};
    sign(&f, f.auditor, f.prov1, 3, second);
    RECORD_IS(&f, f.prov1, f.auditor, "region=eu,tier=3,zone=c");
    sign(&f, f.auditor, f.prov1, 0, NULL); /* an empty signing keeps everything */
    RECORD_IS(&f, f.prov1, f.auditor, "region=eu,tier=3,zone=c");
    const char *third[] = {"a", "x"};
    sign(&f, f.auditor, f.prov1, 1, third);
    RECORD_IS(&f, f.prov1, f.auditor, "a=x,region=eu,tier=3,zone=c");
    /* another auditor's record of the same provider is separate */
    sign(&f, f.carol, f.prov1, 1, third);
    RECORD_IS(&f, f.prov1, f.carol, "a=x");
    RECORD_IS(&f, f.prov1, f.auditor, "a=x,region=eu,tier=3,zone=c");
    fx_fini(&f);
}
END_TEST

/* Signing nothing still creates a record; the owner need not be a provider; attributes are
 * not validated; an auditor may audit itself. */
START_TEST(signing_is_unconditional)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ck_assert_ptr_null(ak_provider_get(ak_app_providers(f.app), f.bob));
    sign(&f, f.auditor, f.bob, 0, NULL);
    RECORD_IS(&f, f.bob, f.auditor, "");
    ck_assert_ptr_nonnull(ak_audit_first(ak_app_audit(f.app), f.bob));
    const char *odd[] = {"1 bad key*", "", "", "empty key", "dup", "1", "dup", "2"};
    sign(&f, f.auditor, f.prov2, 4, odd);
    RECORD_IS(&f, f.prov2, f.auditor, "=empty key,1 bad key*=,dup=1,dup=2");
    const char *self[] = {"tier", "gold"};
    sign(&f, f.prov1, f.prov1, 1, self);
    RECORD_IS(&f, f.prov1, f.prov1, "tier=gold");
    fx_fini(&f);
}
END_TEST

START_TEST(delete_without_a_record_is_provider_not_found)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_str keys[1];
    const char *k[] = {"tier"};
    ak_msg m = delete_msg(&f, f.auditor, f.prov1, keys, 1, k);
    fx_fails(&f, &m, AK_EPROVIDER_NOT_FOUND);
    m = delete_msg(&f, f.auditor, f.prov1, keys, 0, NULL);
    fx_fails(&f, &m, AK_EPROVIDER_NOT_FOUND);
    /* a record of another auditor does not count */
    const char *kv[] = {"tier", "gold"};
    sign(&f, f.carol, f.prov1, 1, kv);
    m = delete_msg(&f, f.auditor, f.prov1, keys, 1, k);
    fx_fails(&f, &m, AK_EPROVIDER_NOT_FOUND);
    fx_fini(&f);
}
END_TEST

/* A key that is not in the record fails the whole message: nothing is removed. */
START_TEST(delete_of_a_missing_key_fails_the_whole_message)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *kv[] = {"a", "1", "b", "2"};
    sign(&f, f.auditor, f.prov1, 2, kv);
    ak_str keys[2];
    const char *k[] = {"a", "zz"};
    ak_msg m = delete_msg(&f, f.auditor, f.prov1, keys, 2, k);
    fx_fails(&f, &m, AK_EATTRIBUTE_NOT_FOUND);
    /* node v1.2.2's wording: the missing key, then auditor/provider */
    ck_assert_str_eq(f.res.detail, "trying to delete non-existing attribute \"zz\" for "
                                   "auditor/provider \"auditor/prov1\": attribute not found");
    RECORD_IS(&f, f.prov1, f.auditor, "a=1,b=2");
    fx_fini(&f);
}
END_TEST

/* Keys are removed one by one, so a key listed twice is missing the second time. */
START_TEST(delete_of_a_key_listed_twice_fails)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *kv[] = {"a", "1", "b", "2"};
    sign(&f, f.auditor, f.prov1, 2, kv);
    ak_str keys[2];
    const char *k[] = {"a", "a"};
    ak_msg m = delete_msg(&f, f.auditor, f.prov1, keys, 2, k);
    fx_fails(&f, &m, AK_EATTRIBUTE_NOT_FOUND);
    RECORD_IS(&f, f.prov1, f.auditor, "a=1,b=2");
    fx_fini(&f);
}
END_TEST

START_TEST(delete_removes_the_keys_and_keeps_the_rest_sorted)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *kv[] = {"d", "4", "a", "1", "c", "3", "b", "2"};
    sign(&f, f.auditor, f.prov1, 4, kv);
    ak_str keys[2];
    const char *k[] = {"c", "a"};
    ak_msg m = delete_msg(&f, f.auditor, f.prov1, keys, 2, k);
    fx_ok(&f, &m);
    RECORD_IS(&f, f.prov1, f.auditor, "b=2,d=4");
    /* a key kept twice by a first signing goes with one delete */
    const char *dup[] = {"x", "1", "y", "0", "x", "2"};
    sign(&f, f.carol, f.prov1, 3, dup);
    const char *kx[] = {"x"};
    m = delete_msg(&f, f.carol, f.prov1, keys, 1, kx);
    fx_ok(&f, &m);
    RECORD_IS(&f, f.prov1, f.carol, "y=0");
    /* upstream rebuilds the record from a key -> value map, so deleting any key also
     * collapses the other repeated keys to their last value */
    sign(&f, f.alice, f.prov1, 3, dup);
    const char *ky[] = {"y"};
    m = delete_msg(&f, f.alice, f.prov1, keys, 1, ky);
    fx_ok(&f, &m);
    /* DeleteProviderAttributes copies the record into a key -> value map (last value wins)
     * before deleting, so the duplicates a first signing stored collapse to "x=2". */
    RECORD_IS(&f, f.prov1, f.alice, "x=2");
    fx_fini(&f);
}
END_TEST

/* keys == nil deletes the record; a later signing starts from nothing. */
START_TEST(delete_with_no_keys_removes_the_record)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *kv[] = {"a", "1", "b", "2"};
    sign(&f, f.auditor, f.prov1, 2, kv);
    ak_msg m = delete_msg(&f, f.auditor, f.prov1, NULL, 0, NULL);
    fx_ok(&f, &m);
    NO_RECORD(&f, f.prov1, f.auditor);
    ck_assert_ptr_null(ak_audit_first(ak_app_audit(f.app), f.prov1));
    fx_fails(&f, &m, AK_EPROVIDER_NOT_FOUND);
    const char *again[] = {"c", "3"};
    sign(&f, f.auditor, f.prov1, 1, again);
    RECORD_IS(&f, f.prov1, f.auditor, "c=3"); /* a and b are gone for good */
    fx_fini(&f);
}
END_TEST

START_TEST(delete_of_the_last_key_removes_the_record)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *kv[] = {"a", "1", "b", "2"};
    sign(&f, f.auditor, f.prov1, 2, kv);
    ak_str keys[2];
    const char *k[] = {"b", "a"};
    ak_msg m = delete_msg(&f, f.auditor, f.prov1, keys, 2, k);
    fx_ok(&f, &m);
    NO_RECORD(&f, f.prov1, f.auditor);
    m = delete_msg(&f, f.auditor, f.prov1, keys, 1, k);
    fx_fails(&f, &m, AK_EPROVIDER_NOT_FOUND);
    fx_fini(&f);
}
END_TEST

/* The auditor signs both messages. */
START_TEST(auditor_must_sign)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_attr v[1];
    const char *kv[] = {"tier", "gold"};
    ak_msg m = sign_msg(&f, f.auditor, f.prov1, v, 1, kv);
    m.signer = f.prov1; /* the provider cannot sign for its auditor */
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    m.signer = f.auditor;
    fx_ok(&f, &m);
    ak_msg d = delete_msg(&f, f.auditor, f.prov1, NULL, 0, NULL);
    d.signer = f.prov1;
    fx_fails(&f, &d, AK_EUNAUTHORIZED);
    RECORD_IS(&f, f.prov1, f.auditor, "tier=gold");
    fx_fini(&f);
}
END_TEST

/* A provider's records are reachable from it, one per auditor; deleted ones are skipped. */
START_TEST(records_of_a_provider_iterate)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *kv[] = {"tier", "gold"};
    sign(&f, f.auditor, f.prov1, 1, kv);
    sign(&f, f.carol, f.prov1, 1, kv);
    sign(&f, f.alice, f.prov1, 1, kv);
    sign(&f, f.auditor, f.prov2, 1, kv);
    ak_msg d = delete_msg(&f, f.carol, f.prov1, NULL, 0, NULL);
    fx_ok(&f, &d);
    const ak_audit *a = ak_app_audit(f.app);
    int seen_auditor = 0, seen_alice = 0, n = 0;
    for (const ak_audit_record *r = ak_audit_first(a, f.prov1); r; r = ak_audit_next(a, r)) {
        ck_assert_uint_eq(r->owner, f.prov1);
        seen_auditor += r->auditor == f.auditor;
        seen_alice += r->auditor == f.alice;
        n++;
    }
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(seen_auditor, 1);
    ck_assert_int_eq(seen_alice, 1);
    ck_assert_ptr_null(ak_audit_first(a, f.carol));
    fx_fini(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("messages");
    tcase_add_test(tc, first_signing_stores_the_list_sorted_stably);
    tcase_add_test(tc, signing_again_upserts_by_key);
    tcase_add_test(tc, signing_is_unconditional);
    tcase_add_test(tc, delete_without_a_record_is_provider_not_found);
    tcase_add_test(tc, delete_of_a_missing_key_fails_the_whole_message);
    tcase_add_test(tc, delete_of_a_key_listed_twice_fails);
    tcase_add_test(tc, delete_removes_the_keys_and_keeps_the_rest_sorted);
    tcase_add_test(tc, delete_with_no_keys_removes_the_record);
    tcase_add_test(tc, delete_of_the_last_key_removes_the_record);
    tcase_add_test(tc, auditor_must_sign);
    tcase_add_test(tc, records_of_a_provider_iterate);
    suite_add_tcase(s, tc);
    return fx_run(s);
}
