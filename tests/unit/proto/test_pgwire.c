/* Unit tests for proto/pgwire: startup packets, framing limits, message bodies, byte-at-a-time
 * resumability, and the exact bytes of backend messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proto/pgwire.h"

static size_t startup_packet(uint8_t *out, const char *const *kv, int n)
{
    size_t len = 8;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(kv[i]) + 1;
        memcpy(out + len, kv[i], l);
        len += l;
    }
    out[len++] = 0;
    uint32_t v = (uint32_t)len;
    out[0] = (uint8_t)(v >> 24), out[1] = (uint8_t)(v >> 16), out[2] = (uint8_t)(v >> 8),
    out[3] = (uint8_t)v;
    out[4] = 0, out[5] = 3, out[6] = 0, out[7] = 0;
    return len;
}

static void test_startup_params(void **state)
{
    (void)state;
    uint8_t pkt[512];
    const char *kv[] = {"user", "alice", "database", "db", "options",
                        "-c search_path=public -c statement_timeout=0", "application_name", "psql"};
    size_t n = startup_packet(pkt, kv, 8);
    pgwire_startup s;
    /* Every prefix is "need more"; the whole packet decodes. */
    for (size_t i = 0; i < n; i++) assert_int_equal(pgwire_decode_startup(pkt, i, &s), 0);
    assert_int_equal(pgwire_decode_startup(pkt, n, &s), (int)n);
    assert_int_equal(s.kind, PGWIRE_STARTUP);
    assert_int_equal(s.nparams, 4);
    assert_string_equal(pgwire_startup_get(&s, "user"), "alice");
    assert_string_equal(pgwire_startup_get(&s, "options"),
                        "-c search_path=public -c statement_timeout=0");
    assert_null(pgwire_startup_get(&s, "TimeZone"));
}

static void test_startup_requests(void **state)
{
    (void)state;
    uint8_t ssl[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    uint8_t gss[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30};
    uint8_t cancel[16] = {0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 42, 0xde, 0xad, 0xbe, 0xef};
    pgwire_startup s;
    assert_int_equal(pgwire_decode_startup(ssl, 8, &s), 8);
    assert_int_equal(s.kind, PGWIRE_SSLREQ);
    assert_int_equal(pgwire_decode_startup(gss, 8, &s), 8);
    assert_int_equal(s.kind, PGWIRE_GSSENCREQ);
    assert_int_equal(pgwire_decode_startup(cancel, 16, &s), 16);
    assert_int_equal(s.kind, PGWIRE_CANCEL);
    assert_int_equal(s.cancel_pid, 42);
    assert_int_equal(s.cancel_key, 0xdeadbeef);
}

static void test_startup_bad(void **state)
{
    (void)state;
    pgwire_startup s;
    uint8_t huge[4] = {0, 1, 0, 0}; /* 65536 > 10000: refused from the length word alone */
    assert_int_equal(pgwire_decode_startup(huge, 4, &s), PGWIRE_ETOOBIG);
    uint8_t tiny[8] = {0, 0, 0, 3, 0, 3, 0, 0};
    assert_int_equal(pgwire_decode_startup(tiny, 8, &s), PGWIRE_EPROTO);
    uint8_t v2[9] = {0, 0, 0, 9, 0, 2, 0, 0, 0};
    assert_int_equal(pgwire_decode_startup(v2, 9, &s), PGWIRE_EPROTO);
    /* No user. */
    uint8_t pkt[64];
    const char *kv[] = {"database", "x"};
    size_t n = startup_packet(pkt, kv, 2);
    assert_int_equal(pgwire_decode_startup(pkt, n, &s), PGWIRE_EPROTO);
    /* Missing final NUL: the value runs to the end of the packet. */
    const char *kv2[] = {"user", "bob"};
    n = startup_packet(pkt, kv2, 2);
    pkt[3] = (uint8_t)(n - 1);
    assert_int_equal(pgwire_decode_startup(pkt, n - 1, &s), PGWIRE_EPROTO);
    /* Garbage (an HTTP request) is not a startup packet. */
    const char *http = "GET / HTTP/1.1\r\n\r\n";
    assert_true(pgwire_decode_startup((const uint8_t *)http, strlen(http), &s) < 0);
}

static void test_frame_limits(void **state)
{
    (void)state;
    pgwire_msg m;
    uint8_t q[] = {'Q', 0, 0, 0, 8, 'S', 'E', 'L', 0};
    assert_int_equal(pgwire_frame(q, 3, true, 1 << 20, &m), 0);
    assert_int_equal(pgwire_frame(q, sizeof q - 1, true, 1 << 20, &m), 0);
    assert_int_equal(pgwire_frame(q, sizeof q, true, 1 << 20, &m), (int)sizeof q);
    assert_int_equal(m.type, 'Q');
    assert_int_equal(m.len, 4);
    /* Query before authentication is refused from its type byte alone. */
    assert_int_equal(pgwire_frame(q, 1, false, 1 << 20, &m), PGWIRE_ETYPE);
    /* An oversize Query is refused as soon as the header is there. */
    uint8_t big[5] = {'Q', 0x10, 0, 0, 0};
    assert_int_equal(pgwire_frame(big, 5, true, 1 << 20, &m), PGWIRE_ETOOBIG);
    /* Password before auth: tight limit. */
    uint8_t pw[5] = {'p', 0, 0, 0x40, 0};
    assert_int_equal(pgwire_frame(pw, 5, false, 1 << 20, &m), PGWIRE_ETOOBIG);
    /* Sync must be exactly 4. */
    uint8_t sync[5] = {'S', 0, 0, 0, 5};
    assert_int_equal(pgwire_frame(sync, 5, true, 1 << 20, &m), PGWIRE_ETOOBIG);
    uint8_t bad[5] = {'S', 0, 0, 0, 3};
    assert_int_equal(pgwire_frame(bad, 5, true, 1 << 20, &m), PGWIRE_EPROTO);
    uint8_t copy[1] = {'d'};
    assert_int_equal(pgwire_frame(copy, 1, true, 1 << 20, &m), PGWIRE_ETYPE);
}

/* Builds a frontend message into b. */
static void put_msg_str(pgwire_buf *b, const char *s)
{
    pgwire_buf_put_str(b, s);
}

static void test_parse_and_bind(void **state)
{
    (void)state;
    pgwire_buf b;
    pgwire_buf_init(&b);
    size_t at = pgwire_msg_begin(&b, 'P');
    put_msg_str(&b, "S_1");
    put_msg_str(&b, "SELECT $1, $2");
    pgwire_buf_put_u16(&b, 2);
    pgwire_buf_put_u32(&b, 23);
    pgwire_buf_put_u32(&b, 0);
    pgwire_msg_end(&b, at);
    pgwire_msg m;
    assert_int_equal(pgwire_frame(b.data, b.len, true, 1 << 20, &m), (int)b.len);
    pgwire_parse p;
    assert_int_equal(pgwire_parse_parse(&m, &p), 0);
    assert_string_equal(p.name, "S_1");
    assert_string_equal(p.query, "SELECT $1, $2");
    assert_int_equal(p.querylen, 13);
    assert_int_equal(p.nparams, 2);
    assert_int_equal(pgwire_u32_at(p.oids, 0), 23);
    assert_int_equal(pgwire_u32_at(p.oids, 1), 0);

    pgwire_buf_reset(&b);
    at = pgwire_msg_begin(&b, 'B');
    put_msg_str(&b, "portal");
    put_msg_str(&b, "S_1");
    pgwire_buf_put_u16(&b, 3);
    pgwire_buf_put_u16(&b, 1);
    pgwire_buf_put_u16(&b, 0);
    pgwire_buf_put_u16(&b, 0);
    pgwire_buf_put_u16(&b, 3);
    pgwire_buf_put_u32(&b, 4);
    pgwire_buf_put_u32(&b, 7);
    pgwire_buf_put_u32(&b, UINT32_MAX); /* NULL */
    pgwire_buf_put_u32(&b, 0);          /* empty, not NULL */
    pgwire_buf_put_u16(&b, 1);
    pgwire_buf_put_u16(&b, 1);
    pgwire_msg_end(&b, at);
    assert_int_equal(pgwire_frame(b.data, b.len, true, 1 << 20, &m), (int)b.len);
    pgwire_bind bd;
    assert_int_equal(pgwire_parse_bind(&m, &bd), 0);
    assert_string_equal(bd.portal, "portal");
    assert_string_equal(bd.stmt, "S_1");
    assert_int_equal(bd.nparams, 3);
    assert_int_equal(bd.params[0].len, 4);
    assert_int_equal(pgwire_u32_at(bd.params[0].data, 0), 7);
    assert_null(bd.params[1].data);
    assert_int_equal(bd.params[1].len, -1);
    assert_non_null(bd.params[2].data);
    assert_int_equal(bd.params[2].len, 0);
    assert_int_equal(pgwire_bind_param_format(&bd, 0), 1);
    assert_int_equal(pgwire_bind_param_format(&bd, 1), 0);
    assert_int_equal(pgwire_format_at(bd.results, bd.nresults, 5), 1); /* one code = all */
    pgwire_bind_free(&bd);

    /* Every truncation of the body is refused, never read past. */
    for (size_t cut = 0; cut < m.len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, m.body, cut);
        pgwire_msg t = {'B', copy, cut};
        assert_int_equal(pgwire_parse_bind(&t, &bd), PGWIRE_EPROTO);
        free(copy);
    }
    pgwire_buf_free(&b);
}

static void test_bind_hostile_count(void **state)
{
    (void)state;
    /* 65535 parameters announced in a 12-byte body: refused without allocating for them. */
    uint8_t body[] = {0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0};
    pgwire_msg m = {'B', body, sizeof body};
    pgwire_bind bd;
    assert_int_equal(pgwire_parse_bind(&m, &bd), PGWIRE_EPROTO);
    /* Bad format code. */
    uint8_t body2[] = {0, 0, 0, 1, 0, 2, 0, 0, 0};
    pgwire_msg m2 = {'B', body2, sizeof body2};
    assert_int_equal(pgwire_parse_bind(&m2, &bd), PGWIRE_EPROTO);
}

static void test_small_bodies(void **state)
{
    (void)state;
    uint8_t d[] = {'S', 'n', 'a', 'm', 'e', 0};
    pgwire_msg m = {'D', d, sizeof d};
    char kind;
    const char *name;
    assert_int_equal(pgwire_parse_describe(&m, &kind, &name), 0);
    assert_int_equal(kind, 'S');
    assert_string_equal(name, "name");
    d[0] = 'X';
    assert_int_equal(pgwire_parse_describe(&m, &kind, &name), PGWIRE_EPROTO);

    uint8_t e[] = {0, 0, 0, 0, 5};
    pgwire_msg me = {'E', e, sizeof e};
    const char *portal;
    uint32_t rows;
    assert_int_equal(pgwire_parse_execute(&me, &portal, &rows), 0);
    assert_string_equal(portal, "");
    assert_int_equal(rows, 5);
    uint8_t e2[] = {0, 0, 0, 0, 5, 1};
    pgwire_msg me2 = {'E', e2, sizeof e2}; /* trailing byte */
    assert_int_equal(pgwire_parse_execute(&me2, &portal, &rows), PGWIRE_EPROTO);

    uint8_t sasl[] = {'S', 'C', 'R', 'A', 'M', 0, 0, 0, 0, 3, 'n', ',', ','};
    pgwire_msg ms = {'p', sasl, sizeof sasl};
    const char *mech;
    const uint8_t *data;
    size_t dlen;
    assert_int_equal(pgwire_parse_sasl_initial(&ms, &mech, &data, &dlen), 0);
    assert_string_equal(mech, "SCRAM");
    assert_int_equal(dlen, 3);
    assert_memory_equal(data, "n,,", 3);
    sasl[9] = 4; /* claims more than there is */
    assert_int_equal(pgwire_parse_sasl_initial(&ms, &mech, &data, &dlen), PGWIRE_EPROTO);

    uint8_t q[] = {'S', 'E', 'L'}; /* no NUL */
    pgwire_msg mq = {'Q', q, sizeof q};
    const char *sql;
    size_t sqllen;
    assert_int_equal(pgwire_parse_query(&mq, &sql, &sqllen), PGWIRE_EPROTO);
}

static void test_backend_bytes(void **state)
{
    (void)state;
    pgwire_buf b;
    pgwire_buf_init(&b);
    pgwire_put_ready(&b, 'I');
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "Z\0\0\0\5I", 6);
    pgwire_buf_reset(&b);
    pgwire_put_command_complete(&b, "SELECT 1");
    assert_memory_equal(b.data, "C\0\0\0\015SELECT 1\0", 14);
    pgwire_buf_reset(&b);
    pgwire_put_auth(&b, PGWIRE_AUTH_OK, NULL, 0);
    assert_memory_equal(b.data, "R\0\0\0\10\0\0\0\0", 9);
    pgwire_buf_reset(&b);
    pgwire_column c = {"x", 0, 0, 23, 4, -1};
    uint8_t bin[2] = {0, 1};
    pgwire_put_row_description(&b, &c, 1, bin, 1);
    /* 'T' len(4) n(2) "x\0" tbl(4) att(2) oid(4) len(2) mod(4) fmt(2) */
    assert_int_equal(b.len, 1 + 4 + 2 + 2 + 4 + 2 + 4 + 2 + 4 + 2);
    assert_int_equal(b.data[b.len - 1], 1);
    pgwire_buf_reset(&b);
    size_t row = pgwire_data_row_begin(&b, 2);
    pgwire_data_row_value(&b, "42", 2);
    pgwire_data_row_value(&b, NULL, -1);
    pgwire_msg_end(&b, row);
    assert_memory_equal(b.data, "D\0\0\0\20\0\2\0\0\0\00242\377\377\377\377", 17);
    pgwire_buf_free(&b);
}

static void test_error_roundtrip(void **state)
{
    (void)state;
    pgwire_buf b;
    pgwire_buf_init(&b);
    pgwire_error e = {.severity = "ERROR", .code = "42601", .message = "syntax error at or near \"x\"",
                      .hint = "fix it", .position = 8, .table = "t", .constraint = "t_pkey"};
    assert_int_equal(pgwire_put_error(&b, false, &e), 0);
    assert_int_equal(b.data[0], 'E');
    pgwire_msg m = {b.data[0], b.data + 5, b.len - 5};
    assert_string_equal(pgwire_error_field(&m, 'S'), "ERROR");
    assert_string_equal(pgwire_error_field(&m, 'C'), "42601");
    assert_string_equal(pgwire_error_field(&m, 'M'), "syntax error at or near \"x\"");
    assert_string_equal(pgwire_error_field(&m, 'H'), "fix it");
    assert_string_equal(pgwire_error_field(&m, 'P'), "8");
    assert_null(pgwire_error_field(&m, 'D'));
    assert_string_equal(pgwire_error_field(&m, 't'), "t"); /* the object fields */
    assert_string_equal(pgwire_error_field(&m, 'n'), "t_pkey");
    assert_null(pgwire_error_field(&m, 's'));
    assert_null(pgwire_error_field(&m, 'c'));
    pgwire_buf_reset(&b);
    pgwire_error n = {.severity = "WARNING", .code = "01000", .message = "careful"};
    pgwire_put_error(&b, true, &n);
    assert_int_equal(b.data[0], 'N');
    pgwire_buf_free(&b);
}

static void test_resumable_stream(void **state)
{
    (void)state;
    /* Three messages fed one byte at a time decode to the same sequence as fed whole. */
    pgwire_buf b;
    pgwire_buf_init(&b);
    size_t at = pgwire_msg_begin(&b, 'Q');
    pgwire_buf_put_str(&b, "SELECT 1");
    pgwire_msg_end(&b, at);
    pgwire_put_empty(&b, 'S');
    pgwire_put_empty(&b, 'X');
    uint8_t acc[64];
    size_t have = 0, pos = 0;
    char types[4] = {0};
    int nt = 0;
    for (size_t i = 0; i < b.len; i++) {
        acc[have++] = b.data[i];
        pgwire_msg m;
        int r;
        while ((r = pgwire_frame(acc + pos, have - pos, true, 1 << 20, &m)) > 0) {
            types[nt++] = (char)m.type;
            pos += (size_t)r;
        }
        assert_true(r == 0);
    }
    assert_int_equal(nt, 3);
    assert_memory_equal(types, "QSX", 3);
    assert_int_equal(pos, b.len);
    pgwire_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_startup_params),  cmocka_unit_test(test_startup_requests),
        cmocka_unit_test(test_startup_bad),     cmocka_unit_test(test_frame_limits),
        cmocka_unit_test(test_parse_and_bind),  cmocka_unit_test(test_bind_hostile_count),
        cmocka_unit_test(test_small_bodies),    cmocka_unit_test(test_backend_bytes),
        cmocka_unit_test(test_error_roundtrip), cmocka_unit_test(test_resumable_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
