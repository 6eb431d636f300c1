/*
 * protocol/attr.c: attribute validation and matching (see attr.h).
 */
#include "attr.h"

#include <string.h>

#include "errors.h"

/* Go's path/filepath.Match, step for step: the pattern is cut into chunks, each a run of
 * literals, '?' and classes preceded by optional stars; a chunk after a star is matched at the
 * leftmost position that works and never revisited (Go does not backtrack). '*' and '?' never
 * match '/'; a class can. A malformed pattern matches nothing (Go returns ErrBadPattern). */

/* One UTF-8 rune of s (at least one byte); an invalid byte decodes as U+FFFD of length 1. */
static uint32_t rune_at(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t r;
    size_t n;
    if (u[0] < 0x80) {
        *len = 1;
        return u[0];
    }
    if ((u[0] & 0xe0) == 0xc0) {
        r = u[0] & 0x1f;
        n = 2;
    } else if ((u[0] & 0xf0) == 0xe0) {
        r = u[0] & 0x0f;
        n = 3;
    } else if ((u[0] & 0xf8) == 0xf0) {
        r = u[0] & 0x07;
        n = 4;
    } else {
        *len = 1;
        return 0xfffd;
    }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            *len = 1;
            return 0xfffd;
        }
        r = (r << 6) | (u[i] & 0x3f);
    }
    *len = n;
    return r;
}

/* scanChunk: skip leading stars (*star), return the chunk length up to the next star that is
 * not inside a class. */
static size_t scan_chunk(const char **pattern, bool *star)
{
    const char *p = *pattern;
    *star = false;
    while (*p == '*') {
        p++;
        *star = true;
    }
    *pattern = p;
    bool inrange = false;
    size_t i = 0;
    for (; p[i]; i++) {
        if (p[i] == '\\') {
            if (p[i + 1])
                i++;
        } else if (p[i] == '[') {
            inrange = true;
        } else if (p[i] == ']') {
            inrange = false;
        } else if (p[i] == '*' && !inrange) {
            break;
        }
    }
    return i;
}

/* getEsc: one possibly escaped rune of a class; false for ErrBadPattern. */
static bool get_esc(const char **chunk, const char *end, uint32_t *r)
{
    const char *c = *chunk;
    if (c >= end || *c == '-' || *c == ']')
        return false;
    if (*c == '\\') {
        c++;
        if (c >= end)
            return false;
    }
    size_t n;
    *r = rune_at(c, &n);
    if (*r == 0xfffd && n == 1)
        return false;
    c += n;
    if (c >= end)
        return false;
    *chunk = c;
    return true;
}

/* matchChunk: does the chunk [c, end) match a prefix of s? *rest gets what follows. The whole
 * chunk is parsed even after a mismatch, so a malformed chunk reports *bad. */
static bool match_chunk(const char *c, const char *end, const char *s, const char **rest, bool *bad)
{
    bool failed = false;
    while (c < end) {
        if (!failed && *s == '\0')
            failed = true;
        if (*c == '[') {
            uint32_t r = 0;
            if (!failed) {
                size_t n;
                r = rune_at(s, &n);
                s += n;
            }
            c++;
            bool negated = false;
            if (c < end && *c == '^') {
                negated = true;
                c++;
            }
            bool match = false;
            int nrange = 0;
            for (;;) {
                if (c < end && *c == ']' && nrange > 0) {
                    c++;
                    break;
                }
                uint32_t lo, hi;
                if (!get_esc(&c, end, &lo)) {
                    *bad = true;
                    return false;
                }
                hi = lo;
                if (*c == '-') {
                    c++;
                    if (!get_esc(&c, end, &hi)) {
                        *bad = true;
                        return false;
                    }
                }
                if (lo <= r && r <= hi)
                    match = true;
                nrange++;
            }
            if (match == negated)
                failed = true;
        } else if (*c == '?') {
            if (!failed) {
                if (*s == '/')
                    failed = true;
                size_t n;
                rune_at(s, &n);
                s += n;
            }
            c++;
        } else {
            if (*c == '\\') {
                c++;
                if (c >= end) {
                    *bad = true;
                    return false;
                }
            }
            if (!failed) {
                if (*c != *s)
                    failed = true;
                s++;
            }
            c++;
        }
    }
    if (failed)
        return false;
    *rest = s;
    return true;
}

bool ak_glob_match(const char *pattern, const char *name)
{
    bool bad = false;
    while (*pattern) {
        bool star;
        size_t len = scan_chunk(&pattern, &star);
        const char *chunk = pattern, *end = pattern + len;
        pattern = end;
        if (star && len == 0)
            return strchr(name, '/') == NULL; /* a trailing star takes the rest but no '/' */
        const char *t;
        if (match_chunk(chunk, end, name, &t, &bad) && (*t == '\0' || *pattern)) {
            name = t;
            continue;
        }
        if (bad)
            return false;
        bool found = false;
        if (star) {
            /* skip 1, 2, ... bytes of name, never past a '/' */
            for (size_t i = 0; name[i] && name[i] != '/' && !found; i++) {
                if (match_chunk(chunk, end, name + i + 1, &t, &bad)) {
                    if (*pattern == '\0' && *t != '\0')
                        continue; /* the last chunk must end the name */
                    name = t;
                    found = true;
                } else if (bad) {
                    return false;
                }
            }
        }
        if (found)
            continue;
        /* a mismatch still requires the rest of the pattern to be well formed; the answer is
         * "no match" either way */
        return false;
    }
    return *name == '\0';
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

bool ak_denom_valid(const char *d)
{
    size_t n = strlen(d);
    if (n < 3 || n > 128 || !((d[0] >= 'a' && d[0] <= 'z') || (d[0] >= 'A' && d[0] <= 'Z')))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!word_char(d[i]) && !strchr("/:.-", d[i]))
            return false;
    return true;
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
