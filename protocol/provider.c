/*
 * protocol/provider.c: provider registry and its message validation (see provider.h;
 * market-rules.md section 5.1).
 */
#include "provider.h"

#include <string.h>
#include <strings.h>

#include "errors.h"

void ak_providers_init(ak_providers *ps, ak_store *store, ak_strtab *strs, ak_arena *arena)
{
    memset(ps, 0, sizeof *ps);
    ps->store = store;
    ps->strs = strs;
    ps->arena = arena;
    ak_pool_init(&ps->pool, store, sizeof(ak_provider));
    ak_map_init(&ps->index, store);
}

void ak_providers_fini(ak_providers *ps)
{
    if (!ps)
        return;
    ak_pool_fini(&ps->pool);
    ak_map_fini(&ps->index);
}

const ak_provider *ak_provider_get(const ak_providers *ps, ak_addr owner)
{
    uint32_t h = ak_map_get(&ps->index, ak_key2(owner, 0));
    return h == AK_POOL_NONE ? NULL : ak_pool_at(&ps->pool, h);
}

/* ---- a subset of Go's net/url.Parse: what decides acceptance of a host URI ---- */

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Every '%' starts two hex digits. */
static bool escapes_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '%' && (i + 2 >= n || !is_hex(s[i + 1]) || !is_hex(s[i + 2])))
            return false;
    return true;
}

/* ":digits" or empty (validOptionalPort). */
static bool port_ok(const char *s, size_t n)
{
    if (n == 0)
        return true;
    if (s[0] != ':')
        return false;
    for (size_t i = 1; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Characters Go refuses unescaped in a host (shouldEscape in encodeHost mode). */
static bool host_char_ok(unsigned char c)
{
    if (c >= 0x80)
        return true;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return strchr("-_.~!$&'()*+,;=:[]<>\"%", c) != NULL && c != '\0';
}

static bool host_ok(const char *h, size_t n)
{
    if (n > 0 && h[0] == '[') {
        size_t close = n;
        for (size_t i = n; i-- > 0;)
            if (h[i] == ']') {
                close = i;
                break;
            }
        if (close == n)
            return false; /* missing ']' in host */
        if (!port_ok(h + close + 1, n - close - 1))
            return false;
    } else {
        for (size_t i = n; i-- > 0;)
            if (h[i] == ':') {
                if (!port_ok(h + i, n - i))
                    return false;
                break;
            }
    }
    for (size_t i = 0; i < n; i++)
        if (!host_char_ok((unsigned char)h[i]))
            return false;
    if (!escapes_ok(h, n))
        return false;
    /* in a host, %-escapes may only encode non-ASCII bytes, or be "%25" (RFC 3986 and 6874) */
    for (size_t i = 0; i + 2 < n; i++)
        if (h[i] == '%' && h[i + 1] < '8' && h[i + 1] >= '0' && !(h[i + 1] == '2' && h[i + 2] == '5'))
            return false;
    return true;
}

/* Userinfo characters Go accepts (validUserinfo). */
static bool userinfo_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            continue;
        if (!strchr("-._:~!$&'()*+,;=%@", c) || c == '\0')
            return false;
    }
    return escapes_ok(s, n);
}

int ak_url_parse(const char *s, ak_url *u)
{
    memset(u, 0, sizeof *u);
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return -1; /* invalid control character in URL */
    /* fragment */
    const char *hash = memchr(s, '#', n);
    size_t len = hash ? (size_t)(hash - s) : n;
    if (hash && !escapes_ok(hash + 1, n - len - 1))
        return -1;
    /* scheme */
    const char *rest = s;
    size_t rlen = len;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            continue;
        if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
            if (i == 0)
                break;
            continue;
        }
        if (c == ':') {
            if (i == 0)
                return -1; /* missing protocol scheme */
            u->scheme = s;
            u->scheme_len = i;
            rest = s + i + 1;
            rlen = len - i - 1;
        }
        break;
    }
    /* query: cut at the first '?' (RawQuery is not validated) */
    const char *q = memchr(rest, '?', rlen);
    if (q)
        rlen = (size_t)(q - rest);
    if (rlen == 0 || rest[0] != '/') {
        if (u->scheme)
            return 0; /* opaque: no host, no path */
        /* the first path segment cannot contain a colon */
        for (size_t i = 0; i < rlen && rest[i] != '/'; i++)
            if (rest[i] == ':')
                return -1;
    }
    if (rlen >= 2 && rest[0] == '/' && rest[1] == '/' && (u->scheme || rlen < 3 || rest[2] != '/')) {
        const char *auth = rest + 2;
        size_t alen = rlen - 2;
        const char *slash = memchr(auth, '/', alen);
        size_t al = slash ? (size_t)(slash - auth) : alen;
        const char *at = NULL;
        for (size_t i = al; i-- > 0;)
            if (auth[i] == '@') {
                at = auth + i;
                break;
            }
        const char *host = at ? at + 1 : auth;
        size_t hl = al - (size_t)(host - auth);
        if (!host_ok(host, hl))
            return -1;
        if (at && !userinfo_ok(auth, (size_t)(at - auth)))
            return -1;
        u->has_authority = true;
        u->host = host;
        u->host_len = hl;
        rest = auth + al;
        rlen = alen - al;
    }
    if (!escapes_ok(rest, rlen))
        return -1;
    u->path = rest;
    u->path_len = rlen;
    return 0;
}

int ak_provider_validate(const ak_strtab *strs, const char *host_uri, ak_attrs attrs,
                         const char *website, const char **why)
{
    ak_url u;
    *why = NULL;
    if (ak_url_parse(host_uri, &u) != 0)
        return AK_EINVALID_PROVIDER_URI;
    if (!u.scheme) {
        *why = "validating host uri for absolute URI";
        return AK_ENOT_ABS_PROVIDER_URI;
    }
    if (u.scheme_len != 5 || strncasecmp(u.scheme, "https", 5) != 0) {
        *why = "scheme in host uri should be https";
        return AK_EINVALID_PROVIDER_URI;
    }
    if (u.host_len == 0) {
        *why = "validating host uri for valid host";
        return AK_EINVALID_PROVIDER_URI;
    }
    if (u.path_len != 0) {
        *why = "path in host uri should be empty";
        return AK_EINVALID_PROVIDER_URI;
    }
    int rc = ak_attrs_validate(strs, attrs);
    if (rc)
        return rc;
    if (website && website[0] && ak_url_parse(website, &u) != 0)
        return AK_EINVALID_INFO_WEBSITE;
    return 0;
}

static int store_fields(ak_providers *ps, ak_provider *p, ak_str host_uri, ak_attrs attrs,
                        ak_str email, ak_str website)
{
    ak_attrs copy;
    if (ak_attrs_copy(ps->arena, attrs, &copy))
        return AK_ENOMEM;
    AK_TOUCH(ps->store, p);
    p->host_uri = host_uri;
    p->attrs = copy;
    p->email = email;
    p->website = website;
    return 0;
}

int ak_provider_create(ak_providers *ps, ak_addr owner, ak_str host_uri, ak_attrs attrs,
                       ak_str email, ak_str website)
{
    if (ak_provider_get(ps, owner))
        return AK_EPROVIDER_EXISTS;
    uint32_t h;
    void *obj;
    if (ak_pool_add(&ps->pool, &h, &obj) || ak_map_put(&ps->index, ak_key2(owner, 0), h))
        return AK_ENOMEM;
    ak_provider *p = obj;
    p->owner = owner;
    return store_fields(ps, p, host_uri, attrs, email, website);
}

int ak_provider_update(ak_providers *ps, ak_addr owner, ak_str host_uri, ak_attrs attrs,
                       ak_str email, ak_str website)
{
    ak_provider *p = (ak_provider *)ak_provider_get(ps, owner);
    if (!p)
        return AK_EPROVIDER_NOT_FOUND;
    return store_fields(ps, p, host_uri, attrs, email, website);
}
