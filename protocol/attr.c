/*
 * protocol/attr.c: attribute validation and matching (see attr.h).
 */
#include "attr.h"

#include <string.h>

#include "errors.h"

/* One character class "[...]" starting after '['. Sets *matched, returns the pattern position
 * after ']', or NULL when the class is malformed (Go's ErrBadPattern). */
static const char *match_class(const char *p, char c, bool *matched)
{
    bool negate = false, any = false;
    if (*p == '^') {
        negate = true;
        p++;
    }
    bool first = true;
    for (;;) {
        if (*p == '\0')
            return NULL;
        if (*p == ']' && !first)
            break;
        first = false;
        char lo = *p, hi;
        if (lo == '\\') {
            p++;
            if (*p == '\0')
                return NULL;
            lo = *p;
        } else if (lo == ']' || lo == '-') {
            return NULL; /* Go's getEsc: a bare ']' or '-' is ErrBadPattern */
        }
        p++;
        hi = lo;
        if (*p == '-') {
            p++;
            if (*p == '\0' || *p == ']')
                return NULL;
            hi = *p;
            if (hi == '\\') {
                p++;
                if (*p == '\0')
                    return NULL;
                hi = *p;
            }
            p++;
        }
        if ((unsigned char)lo <= (unsigned char)c && (unsigned char)c <= (unsigned char)hi)
            any = true;
    }
    *matched = any != negate;
    return p + 1;
}

/* Does pattern p match all of name s? Recursion on '*' only; patterns are short keys. */
static bool glob(const char *p, const char *s, bool *bad)
{
    while (*p) {
        switch (*p) {
        case '*': {
            while (*p == '*')
                p++;
            if (*p == '\0')
                return strchr(s, '/') == NULL;
            for (const char *t = s;; t++) {
                if (glob(p, t, bad))
                    return true;
                if (*bad || *t == '\0' || *t == '/')
                    return false;
            }
        }
        case '?':
            if (*s == '\0' || *s == '/')
                return false;
            p++;
            s++;
            break;
        case '[': {
            if (*s == '\0' || *s == '/')
                return false;
            bool m;
            const char *np = match_class(p + 1, *s, &m);
            if (!np) {
                *bad = true;
                return false;
            }
            if (!m)
                return false;
            p = np;
            s++;
            break;
        }
        case '\\':
            p++;
            if (*p == '\0') {
                *bad = true;
                return false;
            }
            /* the escaped character is literal */
            __attribute__((fallthrough));
        default:
            if (*p != *s)
                return false;
            p++;
            s++;
        }
    }
    return *s == '\0';
}

bool ak_glob_match(const char *pattern, const char *name)
{
    bool bad = false;
    bool m = glob(pattern, name, &bad);
    return m && !bad;
}

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool ak_attr_key_valid(const char *key)
{
    size_t n = strlen(key);
    if (n < 2 || n > 127)
        return false;
    if (!((key[0] >= 'a' && key[0] <= 'z') || (key[0] >= 'A' && key[0] <= 'Z')))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!word_char(key[i]) && key[i] != '/' && key[i] != '.' && key[i] != '-')
            return false;
    return true;
}

bool ak_attr_key_valid_wildcard(const char *key)
{
    if (ak_attr_key_valid(key))
        return true;
    /* one more trailing word character or '*' after a valid 2..127 character key */
    size_t n = strlen(key);
    if (n < 3 || n > 128 || !(word_char(key[n - 1]) || key[n - 1] == '*'))
        return false;
    char head[128];
    memcpy(head, key, n - 1);
    head[n - 1] = '\0';
    return ak_attr_key_valid(head);
}

static int validate_with(const ak_strtab *strs, ak_attrs attrs, bool (*key_ok)(const char *))
{
    for (uint32_t i = 0; i < attrs.n; i++) {
        if (!key_ok(ak_strtab_get(strs, attrs.v[i].key)))
            return AK_EINVALID_ATTRIBUTE_KEY;
        for (uint32_t j = 0; j < i; j++)
            if (attrs.v[j].key == attrs.v[i].key)
                return AK_EATTRIBUTES_DUPLICATE_KEYS;
    }
    return 0;
}

int ak_attrs_validate(const ak_strtab *strs, ak_attrs attrs)
{
    return validate_with(strs, attrs, ak_attr_key_valid);
}

int ak_attrs_validate_wildcard(const ak_strtab *strs, ak_attrs attrs)
{
    return validate_with(strs, attrs, ak_attr_key_valid_wildcard);
}

bool ak_attrs_subset(const ak_strtab *strs, ak_attrs reqs, ak_attrs have)
{
    for (uint32_t i = 0; i < reqs.n; i++) {
        const char *pat = ak_strtab_get(strs, reqs.v[i].key);
        bool found = false;
        for (uint32_t j = 0; j < have.n && !found; j++) {
            if (have.v[j].value != reqs.v[i].value)
                continue;
            found = ak_glob_match(pat, ak_strtab_get(strs, have.v[j].key));
        }
        if (!found)
            return false;
    }
    return true;
}

int ak_attrs_copy(ak_arena *arena, ak_attrs in, ak_attrs *out)
{
    if (in.n == 0) {
        out->v = NULL;
        out->n = 0;
        return 0;
    }
    ak_attr *v = ak_arena_alloc(arena, sizeof *v * in.n);
    if (!v)
        return AK_ENOMEM;
    memcpy(v, in.v, sizeof *v * in.n);
    out->v = v;
    out->n = in.n;
    return 0;
}

ak_str ak_attrs_get(ak_attrs attrs, ak_str key)
{
    for (uint32_t i = 0; i < attrs.n; i++)
        if (attrs.v[i].key == key)
            return attrs.v[i].value;
    return 0;
}
