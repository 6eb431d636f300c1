/*
 * sim/jwrite.h: a small streaming JSON writer for akashsim's outputs.
 *
 * Output is indented two spaces per level; a container opened "flat" is written on one line,
 * which keeps lists of records (one lease per line) readable and diffable. Strings are escaped
 * per RFC 8259. The writer grows one buffer; after an allocation failure it stops writing and
 * jw_failed() is true, so callers check once at the end.
 */
#ifndef AK_JWRITE_H
#define AK_JWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 64

typedef struct jw {
    char *buf;
    size_t len, cap;
    int depth;
    bool failed;
    bool first[JW_MAX_DEPTH]; /* nothing written yet at this depth */
    bool flat[JW_MAX_DEPTH];  /* this container is on one line */
    bool after_key;
} jw;

void jw_init(jw *w);
void jw_fini(jw *w);

void jw_object(jw *w);      /* { */
void jw_object_flat(jw *w); /* { on one line */
void jw_object_end(jw *w);
void jw_array(jw *w);
void jw_array_flat(jw *w);
void jw_array_end(jw *w);
void jw_key(jw *w, const char *key);

void jw_str(jw *w, const char *s);
void jw_strn(jw *w, const char *s, size_t n);
void jw_int(jw *w, int64_t v);
void jw_uint(jw *w, uint64_t v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);
/* A pre-formatted JSON value (a number, say), written as is. */
void jw_raw(jw *w, const char *s);
/* A string value built with printf formatting. */
void jw_strf(jw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Key and value in one call. */
static inline void jw_kstr(jw *w, const char *k, const char *v)
{
    jw_key(w, k);
    jw_str(w, v);
}
static inline void jw_kint(jw *w, const char *k, int64_t v)
{
    jw_key(w, k);
    jw_int(w, v);
}
static inline void jw_kbool(jw *w, const char *k, bool v)
{
    jw_key(w, k);
    jw_bool(w, v);
}

bool jw_failed(const jw *w);
/* Write the buffer (plus a final newline) to f; false on a write error. */
bool jw_flush(jw *w, FILE *f);

#endif
