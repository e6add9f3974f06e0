/*
 * fuzz_pgwire — the v3 message decoder. Input byte 0 picks the phase (startup / before auth /
 * after auth); the rest is a client byte stream. Invariants beyond "no crash":
 *  - decoding the stream whole and fed in two arbitrary pieces gives the same messages
 *    (resumability: "need more" never turns into a different answer);
 *  - every parsed pointer and length lies inside its message body;
 *  - frame lengths respect the per-type limits.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/pgwire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXMSG 4096u

static int inside(const pgwire_msg *m, const void *p, size_t n)
{
    const uint8_t *q = p;
    return q >= m->body && q + n <= m->body + m->len;
}

static void check_body(const pgwire_msg *m)
{
    const char *s, *n;
    size_t len;
    uint32_t rows;
    char kind;
    switch (m->type) {
    case 'Q':
        if (pgwire_parse_query(m, &s, &len) == 0) assert(inside(m, s, len + 1));
        break;
    case 'P': {
        pgwire_parse p;
        if (pgwire_parse_parse(m, &p) == 0) {
            assert(inside(m, p.query, p.querylen + 1));
            assert(p.nparams == 0 || inside(m, p.oids, (size_t)p.nparams * 4));
        }
        break;
    }
    case 'B': {
        pgwire_bind b;
        if (pgwire_parse_bind(m, &b) == 0) {
            for (int i = 0; i < b.nparams; i++)
                if (b.params[i].data) assert(inside(m, b.params[i].data, (size_t)b.params[i].len));
                else assert(b.params[i].len == -1);
            for (int i = 0; i < b.nresults; i++) assert(pgwire_format_at(b.results, b.nresults, i) <= 1);
            pgwire_bind_free(&b);
        }
        break;
    }
    case 'D':
    case 'C':
        if (pgwire_parse_describe(m, &kind, &n) == 0) assert(kind == 'S' || kind == 'P');
        break;
    case 'E': pgwire_parse_execute(m, &n, &rows); break;
    case 'p': {
        const uint8_t *d;
        if (pgwire_parse_sasl_initial(m, &s, &d, &len) == 0 && d) assert(inside(m, d, len));
        pgwire_parse_password(m, &s, &len);
        break;
    }
    default: break;
    }
}

/* Decodes a stream; returns a hash of the sequence of (consumed length, type, result). */
static uint64_t run(const uint8_t *p, size_t n, int phase, size_t split)
{
    uint64_t h = 1469598103934665603ull;
    uint8_t *buf = malloc(n + 1);
    size_t have = 0, pos = 0;
    size_t feeds[2] = {split, n};
    for (int f = 0; f < 2; f++) {
        memcpy(buf + have, p + have, feeds[f] - have);
        have = feeds[f];
        for (;;) {
            int r;
            if (phase == 0) {
                pgwire_startup st;
                r = pgwire_decode_startup(buf + pos, have - pos, &st);
                if (r > 0 && st.kind == PGWIRE_STARTUP) assert(pgwire_startup_get(&st, "user"));
            } else {
                pgwire_msg m;
                r = pgwire_frame(buf + pos, have - pos, phase == 2, MAXMSG, &m);
                if (r > 0) {
                    assert((size_t)r == m.len + 5 && m.len + 4 <= MAXMSG);
                    check_body(&m);
                }
            }
            if (r == 0) break;
            h = (h ^ (uint64_t)(uint32_t)r) * 1099511628211ull;
            if (r < 0) goto out;
            pos += (size_t)r;
        }
    }
out:
    free(buf);
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    int phase = data[0] % 3;
    size_t split = data[1];
    data += 2;
    size -= 2;
    if (split > size) split = size;
    assert(run(data, size, phase, size) == run(data, size, phase, split));
    return 0;
}
