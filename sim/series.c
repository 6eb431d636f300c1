/*
 * sim/series.c: CSV time series (see series.h): the line-by-line reader with its messages,
 * step and linear interpolation by binary search, window maxima for thinning bounds, and the
 * resolution of scenario-relative file names.
 */
#include "series.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

/* ---- reading ---- */

/* The shortest of %.15g .. %.17g that reads back as v, so messages never show two different
 * days as the same number. */
static void fmt_num(double v, char *b, size_t cap)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(b, cap, "%.*g", prec, v);
        if (strtod(b, NULL) == v)
            return;
    }
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* A field: [s, e) trimmed of blanks. */
typedef struct field {
    const char *s;
    size_t len;
} field;

static field trim(const char *s, const char *e)
{
    while (s < e && blank(*s))
        s++;
    while (e > s && blank(e[-1]))
        e--;
    return (field){s, (size_t)(e - s)};
}

/* The field as a finite number: decimal syntax only (no "nan", "inf", hex; no NUL). */
static bool parse_num(field f, double *out)
{
    if (f.len == 0 || f.len > AK_SERIES_MAX_FIELD)
        return false;
    char buf[AK_SERIES_MAX_FIELD + 1];
    for (size_t i = 0; i < f.len; i++) {
        char c = f.s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-' || c == 'e' ||
              c == 'E'))
            return false;
        buf[i] = c;
    }
    buf[f.len] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + f.len || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* A reader of one text: where it is, what it has kept, and where a message goes. */
typedef struct rd {
    const char *name;
    size_t line;
    char *why;
    size_t cap;
    double *day, *value;
    size_t n, alloc;
} rd;

static int bad(rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A one-line message about the current line; AK_EINVAL. */
static int bad(rd *r, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(r->why, r->cap, "%s: line %zu: %s", r->name, r->line, msg);
    return AK_EINVAL;
}

/* Show at most 40 bytes of a field the reader refused, quoted. */
#define SHOW(f) (int)((f).len < 40 ? (f).len : 40), (f).s, ((f).len > 40 ? "..." : "")

static int add_row(rd *r, double day, double value)
{
    if (r->n == r->alloc) {
        size_t na = r->alloc ? r->alloc * 2 : 1024;
        if (na > AK_SERIES_MAX_ROWS)
            na = AK_SERIES_MAX_ROWS;
        double *d = realloc(r->day, na * sizeof *d);
        if (!d)
            goto nomem;
        r->day = d;
        double *v = realloc(r->value, na * sizeof *v);
        if (!v)
            goto nomem;
        r->value = v;
        r->alloc = na;
    }
    r->day[r->n] = day;
    r->value[r->n] = value;
    r->n++;
    return 0;
nomem:
    snprintf(r->why, r->cap, "%s: out of memory", r->name);
    return AK_ENOMEM;
}

/* One line's content [s, e), without its line end. */
static int read_line(rd *r, const char *s, const char *e, bool *header_ok, double lo, double hi)
{
    field all = trim(s, e);
    if (all.len == 0 || all.s[0] == '#')
        return 0;
    const char *comma = memchr(s, ',', (size_t)(e - s));
    field f0 = trim(s, comma ? comma : e);
    double day, value;
    bool day_ok = parse_num(f0, &day);
    if (*header_ok) {
        *header_ok = false;
        if (!day_ok)
            return 0; /* the header */
    }
    size_t nfields = 1;
    for (const char *p = s; p < e; p++)
        nfields += *p == ',';
    if (nfields != 2)
        return bad(r, "expected 2 fields \"day,value\", found %zu", nfields);
    if (!day_ok)
        return bad(r, "the day \"%.*s%s\" is not a finite number", SHOW(f0));
    field f1 = trim(comma + 1, e);
    if (!parse_num(f1, &value))
        return bad(r, "the value \"%.*s%s\" is not a finite number", SHOW(f1));
    char a[40], b[40];
    fmt_num(day, a, sizeof a);
    if (day < 0)
        return bad(r, "the day %s is negative", a);
    if (r->n == 0 && day != 0)
        return bad(r, "the first row's day must be 0 (genesis), found %s", a);
    if (r->n > 0 && !(day > r->day[r->n - 1])) {
        fmt_num(r->day[r->n - 1], b, sizeof b);
        return bad(r, "the day %s is not after the previous row's %s", a, b);
    }
    fmt_num(value, a, sizeof a);
    if (value < lo) {
        fmt_num(lo, b, sizeof b);
        return bad(r, "the value %s is below the minimum %s", a, b);
    }
    if (value > hi) {
        fmt_num(hi, b, sizeof b);
        return bad(r, "the value %s is above the maximum %s", a, b);
    }
    if (r->n == AK_SERIES_MAX_ROWS)
        return bad(r, "more than %u rows", AK_SERIES_MAX_ROWS);
    return add_row(r, day, value);
}

int ak_series_parse(const char *name, const char *text, size_t len, ak_series_interp interp,
                    double lo, double hi, ak_series *out, char *why, size_t cap)
{
    rd r = {.name = name, .why = why, .cap = cap};
    if (len > AK_SERIES_MAX_FILE) {
        snprintf(why, cap, "%s: the file is larger than %u MiB", name, AK_SERIES_MAX_FILE >> 20);
        return AK_EINVAL;
    }
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
        p += 3;
    bool header_ok = true;
    int rc = 0;
    while (p < end) {
        r.line++;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *ce = e > p && e[-1] == '\r' ? e - 1 : e;
        rc = read_line(&r, p, ce, &header_ok, lo, hi);
        if (rc)
            goto fail;
        p = nl ? nl + 1 : end;
    }
    if (r.n == 0) {
        snprintf(why, cap, "%s: no rows (expected lines \"day,value\", the first at day 0)",
                 name);
        rc = AK_EINVAL;
        goto fail;
    }
    out->day = r.day;
    out->value = r.value;
    out->n = r.n;
    out->interp = interp;
    return 0;
fail:
    free(r.day);
    free(r.value);
    return rc;
}

int ak_series_load(const char *path, ak_series_interp interp, double lo, double hi,
                   ak_series *out, char *why, size_t cap)
{
    char *buf;
    size_t len;
    int rc = jr_read_file(path, AK_SERIES_MAX_FILE, &buf, &len, why, cap);
    if (rc)
        return rc;
    rc = ak_series_parse(path, buf, len, interp, lo, hi, out, why, cap);
    free(buf);
    return rc;
}

void ak_series_free(ak_series *s)
{
    if (!s)
        return;
    free(s->day);
    free(s->value);
    memset(s, 0, sizeof *s);
}

const char *ak_series_interp_name(ak_series_interp m)
{
    return m == AK_SERIES_STEP ? "step" : "linear";
}

/* ---- using ---- */

/* The last row at or before t; 0 when t is before every row. */
static size_t row_at(const ak_series *s, double t)
{
    size_t lo = 0, hi = s->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->day[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* x(t) on row i's segment. */
static double seg_at(const ak_series *s, size_t i, double t)
{
    if (t <= s->day[i] || i + 1 == s->n || s->interp == AK_SERIES_STEP)
        return s->value[i];
    double v0 = s->value[i], v1 = s->value[i + 1];
    double x = v0 + (v1 - v0) * ((t - s->day[i]) / (s->day[i + 1] - s->day[i]));
    /* never outside the segment's ends, whatever the rounding: bounds stay bounds */
    double mn = v0 < v1 ? v0 : v1, mx = v0 < v1 ? v1 : v0;
    return x < mn ? mn : x > mx ? mx : x;
}

double ak_series_at(const ak_series *s, double day)
{
    return seg_at(s, row_at(s, day), day);
}

double ak_series_max(const ak_series *s, double day0, double day1)
{
    size_t i = row_at(s, day0);
    double m = seg_at(s, i, day0);
    if (!(day1 > day0))
        return m;
    size_t j = i + 1;
    if (day0 < s->day[0])
        j = 0; /* not reached for day0 >= 0, since day[0] == 0 */
    for (; j < s->n && s->day[j] < day1; j++)
        if (s->value[j] > m)
            m = s->value[j];
    if (s->interp == AK_SERIES_LINEAR) {
        double e = ak_series_at(s, day1); /* the limit from the left: x is continuous */
        if (e > m)
            m = e;
    }
    return m;
}

double ak_series_next_row(const ak_series *s, double day)
{
    if (day < s->day[0])
        return s->day[0];
    size_t i = row_at(s, day);
    return i + 1 < s->n ? s->day[i + 1] : INFINITY;
}

/* ---- files named in scenarios ---- */

int ak_path_resolve(const char *base_file, const char *rel, char *out, size_t cap)
{
    if (!rel || !*rel)
        return AK_EINVAL;
    const char *slash = base_file ? strrchr(base_file, '/') : NULL;
    size_t dirlen = rel[0] == '/' || !slash ? 0 : (size_t)(slash - base_file) + 1;
    size_t rlen = strlen(rel);
    if (dirlen + rlen + 1 > cap)
        return AK_EINVAL;
    if (dirlen)
        memcpy(out, base_file, dirlen);
    memcpy(out + dirlen, rel, rlen + 1);
    return 0;
}

void ak_series_read(jr *r, const cJSON *file_node, const cJSON *interp_node,
                    const char *scenario_file, double lo, double hi, ak_series *out)
{
    static const char *const modes[] = {"step", "linear", NULL};
    ak_series_interp interp = AK_SERIES_LINEAR;
    if (interp_node && jr_one_of(r, interp_node, "interpolation", modes) == 0)
        interp = AK_SERIES_STEP;
    size_t len;
    const char *rel = jr_string(r, file_node, &len);
    if (len == 0)
        jr_fail(r, file_node, "expected a file name, found an empty string");
    char path[AK_SERIES_MAX_PATH];
    if (ak_path_resolve(scenario_file, rel, path, sizeof path))
        jr_fail(r, file_node, "the file's path is longer than %d bytes", AK_SERIES_MAX_PATH - 1);
    char why[512];
    ak_series s;
    if (ak_series_load(path, interp, lo, hi, &s, why, sizeof why))
        jr_fail(r, file_node, "%s", why);
    *out = s;
}
