/*
 * tests/test_provider.c: the provider registry, MsgCreateProvider and MsgUpdateProvider
 * (protocol/provider.h; market-rules.md section 5.1; ValidateBasic and handler checks of
 * chain-sdk go/v0.1.9 provider/v1beta4/msgs.go and node v1.2.2 x/provider/handler/server.go as
 * /work/notes/provider-upstream.md section 1 reads them).
 *
 * Everything goes through the app, so each refused message is proven to change nothing. The
 * host URI follows Go's net/url.Parse: a parse error (bad %-escape, control character, bad
 * port, unclosed IPv6 bracket, bad fragment escape) is ErrInvalidProviderURI, a relative URI
 * ErrNotAbsProviderURI, then the scheme must be https (any case), the host non-empty and the
 * path empty; port, query, fragment and userinfo are accepted.
 */
#include <string.h>

#include "fixture.h"

/* MsgCreateProvider (or Update) of owner with host `uri` and attrs. */
static ak_msg prov_msg(fx *f, ak_msg_type t, ak_addr owner, const char *uri, ak_attrs attrs)
{
    ak_msg m = {.type = t};
    m.provider.owner = owner;
    m.provider.host_uri = fx_s(f, uri);
    m.provider.attrs = attrs;
    return m;
}

/* Update prov1's host to `uri` (no attributes): must fail with `code` and detail `detail`. */
static void uri_refused(fx *f, const char *uri, int code, const char *detail)
{
    ak_msg m = prov_msg(f, AK_MSG_UPDATE_PROVIDER, f->prov1, uri, (ak_attrs){NULL, 0});
    int rc = fx_send(f, &m);
    ck_assert_msg(rc == code, "%s: expected %s, got %s", uri, ak_err_name(code), ak_err_name(rc));
    ck_assert_msg(strcmp(f->res.detail, detail) == 0, "%s: detail \"%s\"", uri, f->res.detail);
    /* and through the create path, for an owner with no record yet */
    m.type = AK_MSG_CREATE_PROVIDER;
    m.provider.owner = f->bob;
    fx_fails(f, &m, code);
}

static void uri_accepted(fx *f, const char *uri)
{
    ak_msg m = prov_msg(f, AK_MSG_UPDATE_PROVIDER, f->prov1, uri, (ak_attrs){NULL, 0});
    int rc = fx_send(f, &m);
    ck_assert_msg(rc == 0, "%s refused: %s (%s)", uri, ak_err_name(rc), f->res.detail);
    ck_assert_str_eq(ak_app_str(f->app, ak_provider_get(ak_app_providers(f->app), f->prov1)->host_uri),
                     uri);
}

static const ak_provider *get(fx *f, ak_addr owner)
{
    return ak_provider_get(ak_app_providers(f->app), owner);
}

/* Create stores the message as given: attributes in message order, info fields verbatim. */
START_TEST(create_registers_the_record_as_given)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ck_assert_ptr_null(get(&f, f.bob));
    ak_attr a[2] = {{fx_s(&f, "zone"), fx_s(&f, "b")}, {fx_s(&f, "region"), fx_s(&f, "")}};
    ak_msg m = prov_msg(&f, AK_MSG_CREATE_PROVIDER, f.bob, "https://bob.test:8443", (ak_attrs){a, 2});
    m.provider.email = fx_s(&f, "not an email"); /* email is never validated */
    m.provider.website = fx_s(&f, "bob.test/about"); /* a website needs no scheme */
    fx_ok(&f, &m);
    const ak_provider *p = get(&f, f.bob);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->owner, f.bob);
    ck_assert_str_eq(ak_app_str(f.app, p->host_uri), "https://bob.test:8443");
    ck_assert_uint_eq(p->attrs.n, 2);
    ck_assert_str_eq(ak_app_str(f.app, p->attrs.v[0].key), "zone"); /* not sorted */
    ck_assert_str_eq(ak_app_str(f.app, p->attrs.v[1].key), "region");
    ck_assert_str_eq(ak_app_str(f.app, p->attrs.v[1].value), ""); /* values are free */
    ck_assert_str_eq(ak_app_str(f.app, p->email), "not an email");
    ck_assert_str_eq(ak_app_str(f.app, p->website), "bob.test/about");
    ck_assert_ptr_ne(p->attrs.v, a); /* copied */
    size_t n;
    const ak_event *ev = ak_app_events(f.app, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(ev[0].type, AK_EV_PROVIDER_CREATED);
    ck_assert_uint_eq(ev[0].id.provider, f.bob);
    /* no stake, no deposit: bob holds nothing and registered anyway */
    ck_assert_int_eq(fx_balance(&f, f.bob), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(create_of_an_existing_provider_fails)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = prov_msg(&f, AK_MSG_CREATE_PROVIDER, f.prov1, "https://other.test", (ak_attrs){NULL, 0});
    fx_fails(&f, &m, AK_EPROVIDER_EXISTS);
    ck_assert_str_eq(f.res.detail, "id: prov1: invalid provider: already exists");
    ck_assert_str_eq(ak_app_str(f.app, get(&f, f.prov1)->host_uri), "https://prov1.test:8443");
    fx_fini(&f);
}
END_TEST

START_TEST(update_of_a_missing_provider_fails)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = prov_msg(&f, AK_MSG_UPDATE_PROVIDER, f.bob, "https://bob.test", (ak_attrs){NULL, 0});
    fx_fails(&f, &m, AK_EPROVIDER_NOT_FOUND);
    ck_assert_str_eq(f.res.detail, "id: bob: invalid provider: address not found");
    ck_assert_ptr_null(get(&f, f.bob));
    fx_fini(&f);
}
END_TEST

/* Update overwrites host, attributes and info, and checks nothing about leases (that check
 * left the node in v0.32.0): prov1 drops the attribute its active lease was placed on. */
START_TEST(update_overwrites_the_whole_record_despite_leases)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg d = fx_deploy(&f, f.alice, 1, 500000, "10");
    f.group.req_attrs = fx_attrs1(&f, &f.req[0], "region", "us-west");
    fx_ok(&f, &d);
    ak_bid_id id = fx_bid_id(f.alice, 1, 1, 1, f.prov1);
    fx_bid_and_lease(&f, id, "10");
    ak_attr a[1] = {{fx_s(&f, "region"), fx_s(&f, "ap-south")}};
    ak_msg m = prov_msg(&f, AK_MSG_UPDATE_PROVIDER, f.prov1, "https://new.test", (ak_attrs){a, 1});
    m.provider.email = fx_s(&f, "ops@new.test");
    fx_ok(&f, &m);
    const ak_provider *p = get(&f, f.prov1);
    ck_assert_str_eq(ak_app_str(f.app, p->host_uri), "https://new.test");
    ck_assert_str_eq(ak_app_str(f.app, p->attrs.v[0].value), "ap-south");
    ck_assert_str_eq(ak_app_str(f.app, p->email), "ops@new.test");
    size_t n;
    const ak_event *ev = ak_app_events(f.app, &n);
    ck_assert_int_eq(ev[n - 1].type, AK_EV_PROVIDER_UPDATED);
    ck_assert_uint_eq(ak_app_find_bid(f.app, id)->lease_state, AK_LEASE_ACTIVE);
    /* a second update with no attributes and no info clears them */
    m = prov_msg(&f, AK_MSG_UPDATE_PROVIDER, f.prov1, "https://new.test", (ak_attrs){NULL, 0});
    fx_ok(&f, &m);
    p = get(&f, f.prov1);
    ck_assert_uint_eq(p->attrs.n, 0);
    ck_assert_uint_eq(p->email, 0);
    fx_fini(&f);
}
END_TEST

/* url.Parse fails: ErrInvalidProviderURI with no wrapping text. */
START_TEST(uri_parse_errors_are_invalid_provider_uri)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    uri_refused(&f, "https://bad%zzhost.test", AK_EINVALID_PROVIDER_URI, "");  /* bad escape */
    uri_refused(&f, "https://host%4.test", AK_EINVALID_PROVIDER_URI, "");      /* short escape */
    uri_refused(&f, "https://prov.test\x01", AK_EINVALID_PROVIDER_URI, "");    /* control char */
    uri_refused(&f, "https://prov.test\x7f", AK_EINVALID_PROVIDER_URI, "");    /* DEL */
    uri_refused(&f, "https://prov.test:80a", AK_EINVALID_PROVIDER_URI, "");    /* bad port */
    uri_refused(&f, "https://[::1", AK_EINVALID_PROVIDER_URI, "");             /* missing ']' */
    uri_refused(&f, "https://pro v.test", AK_EINVALID_PROVIDER_URI, "");       /* space in host */
    uri_refused(&f, "https://prov.test#%zz", AK_EINVALID_PROVIDER_URI, "");    /* fragment */
    uri_refused(&f, "https://u%zz@prov.test", AK_EINVALID_PROVIDER_URI, "");   /* userinfo */
    /* a parse error comes before the absolute-URI test */
    uri_refused(&f, "%zz", AK_EINVALID_PROVIDER_URI, "");
    uri_refused(&f, ":8443", AK_EINVALID_PROVIDER_URI, "");     /* missing protocol scheme */
    uri_refused(&f, "1https://prov.test", AK_EINVALID_PROVIDER_URI, ""); /* colon in segment */
    /* Go's unescape in encodeHost mode allows only escapes of non-ASCII bytes (and "%25") */
    uri_refused(&f, "https://prov%2Etest", AK_EINVALID_PROVIDER_URI, "");
    fx_fini(&f);
}
END_TEST

START_TEST(relative_uri_is_not_absolute)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *why = "validating host uri for absolute URI: invalid provider: not absolute host uri";
    uri_refused(&f, "", AK_ENOT_ABS_PROVIDER_URI, why);
    uri_refused(&f, "prov.test", AK_ENOT_ABS_PROVIDER_URI, why);
    uri_refused(&f, "//prov.test:8443", AK_ENOT_ABS_PROVIDER_URI, why);
    uri_refused(&f, "/api", AK_ENOT_ABS_PROVIDER_URI, why);
    fx_fini(&f);
}
END_TEST

START_TEST(scheme_must_be_https)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *why = "scheme in host uri should be https: invalid provider: invalid host uri";
    uri_refused(&f, "http://prov.test", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "ftp://prov.test", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "httpss://prov.test", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "http:", AK_EINVALID_PROVIDER_URI, why);
    fx_fini(&f);
}
END_TEST

/* No host: an opaque "https:host", or nothing after "//". */
START_TEST(host_must_not_be_empty)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *why = "validating host uri for valid host: invalid provider: invalid host uri";
    uri_refused(&f, "https:prov.test", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "https:", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "https://", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "https://?x=1", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "https://user@", AK_EINVALID_PROVIDER_URI, why);
    fx_fini(&f);
}
END_TEST

START_TEST(path_must_be_empty)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *why = "path in host uri should be empty: invalid provider: invalid host uri";
    uri_refused(&f, "https://prov.test/", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "https://prov.test:8443/", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "https://prov.test/api", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "https://prov.test/?x=1", AK_EINVALID_PROVIDER_URI, why);
    uri_refused(&f, "https:///prov.test", AK_EINVALID_PROVIDER_URI,
                "validating host uri for valid host: invalid provider: invalid host uri");
    fx_fini(&f);
}
END_TEST

START_TEST(accepted_uri_forms)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    uri_accepted(&f, "https://prov.test");
    uri_accepted(&f, "https://prov.test:8443");       /* a port */
    uri_accepted(&f, "https://prov.test:");           /* an empty port is valid in Go */
    uri_accepted(&f, "https://prov.test?x=1&y=/z");   /* a query, not checked */
    uri_accepted(&f, "https://prov.test#frag");       /* a fragment */
    uri_accepted(&f, "https://user:pw@prov.test");    /* userinfo */
    uri_accepted(&f, "HTTPS://prov.test");            /* the scheme is case-insensitive */
    uri_accepted(&f, "hTTpS://prov.test");
    uri_accepted(&f, "https://:8443");                /* the host is only tested non-empty */
    uri_accepted(&f, "https://[::1]:8443");           /* IPv6 */
    uri_accepted(&f, "https://192.168.0.1");
    uri_accepted(&f, "https://caf%C3%A9.test");       /* %-escapes of non-ASCII bytes */
    fx_fini(&f);
}
END_TEST

/* ValidateWithRegex: ^[a-zA-Z][\w/.-]{1,126}$, unique keys, the first offender decides. */
START_TEST(attribute_keys_are_validated)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *bad[] = {"1region", "r", "", "re gion", "region*", "reg:ion", "_region"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ak_attr a;
        ak_msg m = prov_msg(&f, AK_MSG_CREATE_PROVIDER, f.bob, "https://bob.test",
                            fx_attrs1(&f, &a, bad[i], "x"));
        fx_fails(&f, &m, AK_EINVALID_ATTRIBUTE_KEY);
        m.type = AK_MSG_UPDATE_PROVIDER;
        m.provider.owner = f.prov1;
        fx_fails(&f, &m, AK_EINVALID_ATTRIBUTE_KEY);
    }
    char long_key[130];
    memset(long_key, 'k', 128);
    long_key[128] = '\0';
    ak_attr a;
    ak_msg m = prov_msg(&f, AK_MSG_CREATE_PROVIDER, f.bob, "https://bob.test",
                        fx_attrs1(&f, &a, long_key, "x"));
    fx_fails(&f, &m, AK_EINVALID_ATTRIBUTE_KEY);
    long_key[127] = '\0'; /* 127 characters: the longest key */
    m = prov_msg(&f, AK_MSG_CREATE_PROVIDER, f.bob, "https://bob.test", fx_attrs1(&f, &a, long_key, "x"));
    fx_ok(&f, &m);
    fx_fini(&f);
}
END_TEST

START_TEST(duplicate_attribute_keys_fail)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_attr a[3] = {{fx_s(&f, "region"), fx_s(&f, "a")},
                    {fx_s(&f, "region"), fx_s(&f, "b")},
                    {fx_s(&f, "1bad"), fx_s(&f, "c")}};
    ak_msg m = prov_msg(&f, AK_MSG_CREATE_PROVIDER, f.bob, "https://bob.test", (ak_attrs){a, 3});
    fx_fails(&f, &m, AK_EATTRIBUTES_DUPLICATE_KEYS); /* the repeat comes first */
    ak_attr b[3] = {a[2], a[0], a[1]};
    m.provider.attrs = (ak_attrs){b, 3};
    fx_fails(&f, &m, AK_EINVALID_ATTRIBUTE_KEY); /* the invalid key comes first */
    m.provider.attrs = (ak_attrs){a, 2};
    m.type = AK_MSG_UPDATE_PROVIDER;
    m.provider.owner = f.prov1;
    fx_fails(&f, &m, AK_EATTRIBUTES_DUPLICATE_KEYS);
    fx_fini(&f);
}
END_TEST

/* Info.Validate: a non-empty website must parse as a URL (no scheme needed). */
START_TEST(website_must_parse)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    const char *bad[] = {"%zz", "https://bad site.test", ":no-scheme", "https://x\x01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ak_msg m = prov_msg(&f, AK_MSG_CREATE_PROVIDER, f.bob, "https://bob.test", (ak_attrs){NULL, 0});
        m.provider.website = fx_s(&f, bad[i]);
        fx_fails(&f, &m, AK_EINVALID_INFO_WEBSITE);
        m.type = AK_MSG_UPDATE_PROVIDER;
        m.provider.owner = f.prov1;
        fx_fails(&f, &m, AK_EINVALID_INFO_WEBSITE);
    }
    ak_msg m = prov_msg(&f, AK_MSG_CREATE_PROVIDER, f.bob, "https://bob.test", (ak_attrs){NULL, 0});
    m.provider.website = fx_s(&f, "http://bob.test/about"); /* any scheme, a path */
    fx_ok(&f, &m);
    fx_fini(&f);
}
END_TEST

/* ValidateBasic order: host URI, attributes, website; all before the signer and the store. */
START_TEST(validation_order)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_attr a;
    ak_msg m = prov_msg(&f, AK_MSG_CREATE_PROVIDER, f.prov1, "http://prov1.test",
                        fx_attrs1(&f, &a, "1bad", "x"));
    m.provider.website = fx_s(&f, "%zz");
    m.signer = f.alice;
    fx_fails(&f, &m, AK_EINVALID_PROVIDER_URI);
    m.provider.host_uri = fx_s(&f, "https://prov1.test");
    fx_fails(&f, &m, AK_EINVALID_ATTRIBUTE_KEY);
    m.provider.attrs = (ak_attrs){NULL, 0};
    fx_fails(&f, &m, AK_EINVALID_INFO_WEBSITE);
    m.provider.website = 0;
    fx_fails(&f, &m, AK_EUNAUTHORIZED); /* then the signer */
    m.signer = AK_ADDR_NONE;
    fx_fails(&f, &m, AK_EPROVIDER_EXISTS); /* then the handler */
    fx_fini(&f);
}
END_TEST

/* The owner signs; anyone else is ErrUnauthorized. */
START_TEST(owner_must_sign)
{
    fx f;
    fx_init(&f);
    fx_at(&f, 1);
    ak_msg m = prov_msg(&f, AK_MSG_UPDATE_PROVIDER, f.prov1, "https://x.test", (ak_attrs){NULL, 0});
    m.signer = f.prov2;
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    m.type = AK_MSG_CREATE_PROVIDER;
    m.provider.owner = f.bob;
    fx_fails(&f, &m, AK_EUNAUTHORIZED);
    m.signer = f.bob;
    fx_ok(&f, &m);
    fx_fini(&f);
}
END_TEST

/* Genesis providers pass the same validation. */
START_TEST(genesis_provider_is_validated)
{
    fx f;
    fx_init(&f);
    ak_tx_result res;
    ck_assert_int_eq(ak_app_genesis_provider(f.app, f.bob, fx_s(&f, "http://bob.test"),
                                             (ak_attrs){NULL, 0}, 0, 0, &res),
                     AK_EINVALID_PROVIDER_URI);
    ck_assert_str_eq(res.detail, "scheme in host uri should be https: invalid provider: invalid host uri");
    ck_assert_ptr_null(get(&f, f.bob));
    ck_assert_int_eq(ak_app_genesis_provider(f.app, f.prov1, fx_s(&f, "https://p.test"),
                                             (ak_attrs){NULL, 0}, 0, 0, &res),
                     AK_EPROVIDER_EXISTS);
    ck_assert_int_eq(ak_app_genesis_provider(f.app, f.bob, fx_s(&f, "https://bob.test"),
                                             (ak_attrs){NULL, 0}, 0, 0, &res),
                     0);
    ck_assert_ptr_nonnull(get(&f, f.bob));
    fx_fini(&f);
}
END_TEST

/* The URL parts ak_url_parse reports. */
START_TEST(url_parse_parts)
{
    ak_url u;
    ck_assert_int_eq(ak_url_parse("https://u:p@h.test:8443?q=1#f", &u), 0);
    ck_assert_uint_eq(u.scheme_len, 5);
    ck_assert_int_eq(strncmp(u.scheme, "https", 5), 0);
    ck_assert(u.has_authority);
    ck_assert_uint_eq(u.host_len, strlen("h.test:8443"));
    ck_assert_int_eq(strncmp(u.host, "h.test:8443", u.host_len), 0);
    ck_assert_uint_eq(u.path_len, 0);
    ck_assert_int_eq(ak_url_parse("https://h/a/b", &u), 0);
    ck_assert_uint_eq(u.path_len, 4);
    ck_assert_int_eq(strncmp(u.path, "/a/b", 4), 0);
    ck_assert_int_eq(ak_url_parse("https:opaque", &u), 0);
    ck_assert(!u.has_authority);
    ck_assert_uint_eq(u.host_len, 0);
    ck_assert_int_eq(ak_url_parse("a/b", &u), 0);
    ck_assert_ptr_null(u.scheme);
    ck_assert_int_eq(ak_url_parse("https://h%", &u), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("provider");
    TCase *tc = tcase_create("messages");
    tcase_add_test(tc, create_registers_the_record_as_given);
    tcase_add_test(tc, create_of_an_existing_provider_fails);
    tcase_add_test(tc, update_of_a_missing_provider_fails);
    tcase_add_test(tc, update_overwrites_the_whole_record_despite_leases);
    tcase_add_test(tc, owner_must_sign);
    tcase_add_test(tc, genesis_provider_is_validated);
    suite_add_tcase(s, tc);
    TCase *tv = tcase_create("validate_basic");
    tcase_add_test(tv, uri_parse_errors_are_invalid_provider_uri);
    tcase_add_test(tv, relative_uri_is_not_absolute);
    tcase_add_test(tv, scheme_must_be_https);
    tcase_add_test(tv, host_must_not_be_empty);
    tcase_add_test(tv, path_must_be_empty);
    tcase_add_test(tv, accepted_uri_forms);
    tcase_add_test(tv, attribute_keys_are_validated);
    tcase_add_test(tv, duplicate_attribute_keys_fail);
    tcase_add_test(tv, website_must_parse);
    tcase_add_test(tv, validation_order);
    tcase_add_test(tv, url_parse_parts);
    suite_add_tcase(s, tv);
    return fx_run(s);
}
