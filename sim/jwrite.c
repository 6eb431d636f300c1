/*
 * sim/jwrite.c: streaming JSON writer (see jwrite.h).
 */
#include "jwrite.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void jw_init(jw *w)
{
    memset(w, 0, sizeof *w);
    w->first[0] = true;
}

void jw_fini(jw *w)
{
    free(w->buf);
    memset(w, 0, sizeof *w);
}

static void put(jw *w, const char *s, size_t n)
{
    if (w->failed)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n + 1)
            cap *= 2;
        char *nb = realloc(w->buf, cap);
        if (!nb) {
            w->failed = true;
            return;
        }
        w->buf = nb;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void puts_(jw *w, const char *s)
{
    put(w, s, strlen(s));
}

static void newline(jw *w)
{
    static const char spaces[] = "                                                                ";
    put(w, "\n", 1);
    size_t n = (size_t)w->depth * 2;
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        put(w, spaces, k);
        n -= k;
    }
}

/* Separator and layout before a value or key at the current depth. */
static void before_item(jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (!w->first[w->depth])
        put(w, ",", 1);
    if (w->flat[w->depth])
        put(w, w->first[w->depth] ? "" : " ", w->first[w->depth] ? 0 : 1);
    else
        newline(w);
    w->first[w->depth] = false;
}

static void open(jw *w, char c, bool flat)
{
    before_item(w);
    put(w, &c, 1);
    if (w->depth + 1 >= JW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    w->depth++;
    w->first[w->depth] = true;
    /* a container inside a flat one is flat too */
    w->flat[w->depth] = flat || w->flat[w->depth - 1];
}

static void close_(jw *w, char c)
{
    if (w->depth == 0) {
        w->failed = true;
        return;
    }
    bool empty = w->first[w->depth];
    bool flat = w->flat[w->depth];
    w->depth--;
    if (!empty && !flat)
        newline(w);
    put(w, &c, 1);
}

void jw_object(jw *w) { open(w, '{', false); }
void jw_object_flat(jw *w) { open(w, '{', true); }
void jw_object_end(jw *w) { close_(w, '}'); }
void jw_array(jw *w) { open(w, '[', false); }
void jw_array_flat(jw *w) { open(w, '[', true); }
void jw_array_end(jw *w) { close_(w, ']'); }

static void quoted(jw *w, const char *s, size_t n)
{
    put(w, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(w, s + run, i - run);
        run = i + 1;
        char esc[8];
        switch (c) {
        case '"': puts_(w, "\\\""); break;
        case '\\': puts_(w, "\\\\"); break;
        case '\n': puts_(w, "\\n"); break;
        case '\r': puts_(w, "\\r"); break;
        case '\t': puts_(w, "\\t"); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", c);
            puts_(w, esc);
        }
    }
    put(w, s + run, n - run);
    put(w, "\"", 1);
}

void jw_key(jw *w, const char *key)
{
    before_item(w);
    quoted(w, key, strlen(key));
    put(w, ": ", 2);
    w->after_key = true;
}

void jw_strn(jw *w, const char *s, size_t n)
{
    before_item(w);
    quoted(w, s, n);
}

void jw_str(jw *w, const char *s)
{
    jw_strn(w, s, strlen(s));
}

void jw_strf(jw *w, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf) {
        w->failed = true;
        return;
    }
    jw_strn(w, buf, (size_t)n);
}

void jw_raw(jw *w, const char *s)
{
    before_item(w);
    puts_(w, s);
}

void jw_int(jw *w, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRId64, v);
    jw_raw(w, b);
}

void jw_uint(jw *w, uint64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRIu64, v);
    jw_raw(w, b);
}

void jw_bool(jw *w, bool v) { jw_raw(w, v ? "true" : "false"); }
void jw_null(jw *w) { jw_raw(w, "null"); }

bool jw_failed(const jw *w)
{
    return w->failed || w->depth != 0;
}

bool jw_flush(jw *w, FILE *f)
{
    if (w->len && fwrite(w->buf, 1, w->len, f) != w->len)
        return false;
    if (fputc('\n', f) == EOF)
        return false;
    w->len = 0;
    return fflush(f) == 0;
}
