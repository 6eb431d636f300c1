/*
 * sim/jread.c: strict JSON readers with path-naming errors (see jread.h).
 */
#include "jread.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"

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

#define NESTING_LIMIT 1000 /* cJSON's CJSON_NESTING_LIMIT */

cJSON *jr_parse(const char *name, const char *text, size_t len, size_t max, const char *what,
                char *why, size_t cap)
{
    if (len == 0) {
        snprintf(why, cap, "%s: the file is empty (expected %s)", name, what);
        return NULL;
    }
    if (len > max) {
        snprintf(why, cap, "%s: the file is larger than %zu MiB", name, max >> 20);
        return NULL;
    }
    size_t bad = utf8_bad((const unsigned char *)text, len);
    if (bad < len) {
        size_t line, col;
        line_col(text, bad, &line, &col);
        snprintf(why, cap, "%s: not a JSON text file: %s byte at line %zu, column %zu", name,
                 text[bad] ? "non-UTF-8" : "NUL", line, col);
        return NULL;
    }
    char *buf = malloc(len + 1);
    if (!buf) {
        snprintf(why, cap, "%s: out of memory", name);
        return NULL;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (!root) {
        size_t off = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : len;
        size_t line, col;
        line_col(buf, off, &line, &col);
        if (max_depth(buf, off < len ? off + 1 : len) >= NESTING_LIMIT)
            snprintf(why, cap, "%s: not valid JSON: nested deeper than %d levels (line %zu, "
                     "column %zu)", name, NESTING_LIMIT, line, col);
        else if (off >= len)
            snprintf(why, cap, "%s: not valid JSON: unexpected end of file (line %zu, column %zu)",
                     name, line, col);
        else
            snprintf(why, cap, "%s: not valid JSON (line %zu, column %zu)", name, line, col);
    }
    free(buf);
    return root;
}

int jr_read_file(const char *path, size_t max, char **out, size_t *out_len, char *why, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, cap, "%s: cannot open: %s", path, strerror(errno));
        return AK_EINVAL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > (off_t)max) {
        fclose(f);
        snprintf(why, cap, "%s: the file is larger than %zu MiB", path, max >> 20);
        return AK_EINVAL;
    }
    size_t bufcap = 1 << 16, len = 0;
    char *buf = malloc(bufcap + 1);
    if (!buf) {
        fclose(f);
        snprintf(why, cap, "%s: out of memory", path);
        return AK_ENOMEM;
    }
    for (;;) {
        if (len == bufcap) {
            if (bufcap > max)
                break;
            char *nb = realloc(buf, bufcap * 2 + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                snprintf(why, cap, "%s: out of memory", path);
                return AK_ENOMEM;
            }
            buf = nb;
            bufcap *= 2;
        }
        size_t k = fread(buf + len, 1, bufcap - len, f);
        len += k;
        if (k == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        snprintf(why, cap, "%s: cannot read: %s", path, strerror(e ? e : EIO));
        return AK_EINVAL;
    }
    fclose(f);
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

void jr_init(jr *r, const char *tool, const char *file, const cJSON *root)
{
    memset(r, 0, sizeof *r);
    r->tool = tool;
    r->file = file;
    r->root = root;
}

/* Append one path step for child c of parent p at index i. */
static size_t step(const cJSON *p, const cJSON *c, int i, char *buf, size_t cap, size_t len)
{
    if (len >= cap)
        return len;
    int n;
    if (cJSON_IsArray(p)) {
        n = snprintf(buf + len, cap - len, "[%d]", i);
    } else {
        const char *k = c->string ? c->string : "";
        bool plain = isalpha((unsigned char)k[0]) || k[0] == '_';
        for (const char *q = k; *q && plain; q++)
            plain = isalnum((unsigned char)*q) || *q == '_';
        n = plain ? snprintf(buf + len, cap - len, ".%s", k)
                  : snprintf(buf + len, cap - len, "[\"%.40s\"]", k);
    }
    if (n < 0)
        return len;
    return len + (size_t)n < cap ? len + (size_t)n : cap - 1;
}

/* Depth-first search for target below node; on success the path is in buf. */
static bool find(const cJSON *node, const cJSON *target, char *buf, size_t cap, size_t len)
{
    if (node == target) {
        buf[len < cap ? len : cap - 1] = '\0';
        return true;
    }
    if (!cJSON_IsArray(node) && !cJSON_IsObject(node))
        return false;
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        size_t nl = step(node, c, i, buf, cap, len);
        if (find(c, target, buf, cap, nl))
            return true;
    }
    return false;
}

void jr_path(const jr *r, const cJSON *node, char *buf, size_t cap)
{
    if (cap < 2)
        return;
    strcpy(buf, "$");
    if (!node || !r->root || !find(r->root, node, buf, cap, 1))
        buf[1] = '\0';
}

static _Noreturn void vfail(jr *r, const cJSON *node, const char *suffix, const char *fmt,
                            va_list ap)
{
    char path[512], why[512];
    jr_path(r, node, path, sizeof path);
    vsnprintf(why, sizeof why, fmt, ap);
    int n;
    if (node || r->root)
        n = snprintf(r->err, sizeof r->err, "%s: %s: %s%s: %s", r->tool, r->file, path, suffix,
                     why);
    else
        n = snprintf(r->err, sizeof r->err, "%s: %s: %s", r->tool, r->file, why);
    if (n >= (int)sizeof r->err) /* cut: say so rather than end mid-word */
        memcpy(r->err + sizeof r->err - 4, "...", 4);
    longjmp(r->on_error, 1);
}

_Noreturn void jr_fail(jr *r, const cJSON *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(r, node, "", fmt, ap);
}

static _Noreturn void fail_suffix(jr *r, const cJSON *node, const char *suffix, const char *fmt,
                                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(r, node, suffix, fmt, ap);
}

_Noreturn void jr_missing(jr *r, const cJSON *obj, const char *key)
{
    char suffix[80];
    snprintf(suffix, sizeof suffix, ".%.60s", key);
    fail_suffix(r, obj, suffix, "required key is missing");
}

const char *jr_kind(const cJSON *n)
{
    if (!n)
        return "nothing";
    if (cJSON_IsObject(n))
        return "an object";
    if (cJSON_IsArray(n))
        return "a list";
    if (cJSON_IsString(n))
        return "a string";
    if (cJSON_IsNumber(n))
        return "a number";
    if (cJSON_IsBool(n))
        return "a boolean";
    if (cJSON_IsNull(n))
        return "null";
    return "an invalid value";
}

const cJSON *jr_object(jr *r, const cJSON *node)
{
    if (!cJSON_IsObject(node))
        jr_fail(r, node, "expected an object, found %s", jr_kind(node));
    return node;
}

const cJSON *jr_array(jr *r, const cJSON *node)
{
    if (!cJSON_IsArray(node))
        jr_fail(r, node, "expected a list, found %s", jr_kind(node));
    return node;
}

#define SUGGEST_MAX 64

/* Optimal string alignment distance of a and b (both at most SUGGEST_MAX bytes). */
static int osa(const char *a, size_t la, const char *b, size_t lb)
{
    int rows[3][SUGGEST_MAX + 1];
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
        }
        int *tmp = pp;
        pp = prev;
        prev = cur;
        cur = tmp;
    }
    return prev[lb];
}

const char *jr_suggest(const char *word, const char *const *candidates)
{
    if (!word || !candidates)
        return NULL;
    size_t lw = strlen(word);
    if (lw > SUGGEST_MAX)
        return NULL;
    /* One edit for words of up to 5 bytes, two from 6 on: "mean" should not suggest "min". */
    int max_d = lw >= 6 ? 2 : 1;
    const char *best = NULL;
    int best_d = max_d + 1;
    for (const char *const *c = candidates; *c; c++) {
        size_t lc = strlen(*c);
        if (lc > SUGGEST_MAX || (lc > lw ? lc - lw : lw - lc) > (size_t)max_d)
            continue;
        int d = osa(word, lw, *c, lc);
        if (d < best_d && (size_t)d < lc) {
            best = *c;
            best_d = d;
        }
    }
    return best;
}

void jr_keys(jr *r, const cJSON *obj, const char *const *allowed)
{
    jr_object(r, obj);
    for (const cJSON *c = obj->child; c; c = c->next) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, c->string) == 0;
        if (!ok) {
            const char *near = jr_suggest(c->string, allowed);
            if (near)
                jr_fail(r, c, "unknown key (did you mean \"%s\"?)", near);
            char list[400] = "";
            size_t len = 0;
            for (const char *const *a = allowed; *a && len < sizeof list - 1; a++) {
                int n = snprintf(list + len, sizeof list - len, "%s%s", a == allowed ? "" : ", ", *a);
                if (n < 0)
                    break;
                len += (size_t)n;
            }
            jr_fail(r, c, "unknown key (allowed: %s)", list[0] ? list : "none");
        }
        for (const cJSON *d = obj->child; d != c; d = d->next)
            if (strcmp(d->string, c->string) == 0)
                jr_fail(r, c, "duplicate key");
    }
}

const cJSON *jr_opt(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

const cJSON *jr_req(jr *r, const cJSON *obj, const char *key)
{
    const cJSON *v = jr_opt(obj, key);
    if (!v)
        jr_missing(r, obj, key);
    return v;
}

const char *jr_string(jr *r, const cJSON *node, size_t *len)
{
    if (!cJSON_IsString(node) || !node->valuestring)
        jr_fail(r, node, "expected a string, found %s", jr_kind(node));
    if (len)
        *len = strlen(node->valuestring);
    return node->valuestring;
}

bool jr_bool(jr *r, const cJSON *node)
{
    if (!cJSON_IsBool(node))
        jr_fail(r, node, "expected true or false, found %s", jr_kind(node));
    return cJSON_IsTrue(node);
}

/* Parse an optional '-' and digits, exactly; false on anything else or overflow. */
static bool parse_digits(const char *s, bool allow_neg, bool *neg, uint64_t *mag)
{
    *neg = false;
    if (allow_neg && *s == '-') {
        *neg = true;
        s++;
    }
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *mag = v;
    return true;
}

/* Read an integer node into sign and magnitude, or fail. */
static void read_integer(jr *r, const cJSON *node, bool *neg, uint64_t *mag, const char *range)
{
    if (cJSON_IsNumber(node)) {
        double d = node->valuedouble;
        if (!isfinite(d) || d != floor(d))
            jr_fail(r, node, "expected an integer, found %g", d);
        if (fabs(d) > 9007199254740992.0)
            jr_fail(r, node, "integer too large to be exact as a JSON number; write it as a "
                             "string of digits");
        *neg = d < 0;
        *mag = (uint64_t)fabs(d);
        return;
    }
    if (cJSON_IsString(node) && node->valuestring) {
        if (!parse_digits(node->valuestring, true, neg, mag))
            jr_fail(r, node, "expected an integer%s, found \"%.40s\"", range, node->valuestring);
        return;
    }
    jr_fail(r, node, "expected an integer%s, found %s", range, jr_kind(node));
}

int64_t jr_int(jr *r, const cJSON *node, int64_t min, int64_t max)
{
    char range[96];
    snprintf(range, sizeof range, " in [%lld, %lld]", (long long)min, (long long)max);
    bool neg;
    uint64_t mag;
    read_integer(r, node, &neg, &mag, range);
    if (neg ? mag > (uint64_t)INT64_MAX + 1 : mag > (uint64_t)INT64_MAX)
        jr_fail(r, node, "integer out of range: expected one in [%lld, %lld]", (long long)min,
                (long long)max);
    int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    if (v < min || v > max)
        jr_fail(r, node, "integer out of range: expected one in [%lld, %lld]", (long long)min,
                (long long)max);
    return v;
}

uint64_t jr_uint(jr *r, const cJSON *node, uint64_t max)
{
    char range[96];
    snprintf(range, sizeof range, " in [0, %llu]", (unsigned long long)max);
    bool neg;
    uint64_t mag;
    read_integer(r, node, &neg, &mag, range);
    if ((neg && mag) || mag > max)
        jr_fail(r, node, "integer out of range: expected one in [0, %llu]", (unsigned long long)max);
    return mag;
}

int jr_len(const cJSON *arr)
{
    return cJSON_GetArraySize(arr);
}

double jr_number(jr *r, const cJSON *node)
{
    if (!cJSON_IsNumber(node))
        jr_fail(r, node, "expected a number, found %s", jr_kind(node));
    if (!isfinite(node->valuedouble))
        jr_fail(r, node, "expected a finite number, found %g", node->valuedouble);
    return node->valuedouble;
}

double jr_ranged(jr *r, const cJSON *node, const char *key, double lo, bool lo_open, double hi)
{
    double v = jr_number(r, node);
    if (!((lo_open ? v > lo : v >= lo) && v <= hi))
        jr_fail(r, node, "%s must be %s %.17g and at most %.17g", key,
                lo_open ? "more than" : "at least", lo, hi);
    return v;
}

double jr_req_ranged(jr *r, const cJSON *obj, const char *key, double lo, bool lo_open,
                     double hi)
{
    return jr_ranged(r, jr_req(r, obj, key), key, lo, lo_open, hi);
}

size_t jr_one_of(jr *r, const cJSON *node, const char *what, const char *const *names)
{
    const char *name = jr_string(r, node, NULL);
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    const char *hint = jr_suggest(name, names);
    if (hint)
        jr_fail(r, node, "unknown %s \"%.60s\" (did you mean \"%s\"?)", what, name, hint);
    char list[256];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; names[i] && len < sizeof list; i++) {
        int k = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", names[i]);
        len += k > 0 ? (size_t)k : 0;
    }
    jr_fail(r, node, "unknown %s \"%.60s\" (known: %s)", what, name, list);
}
