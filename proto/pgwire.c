/*
 * proto/pgwire.c — PostgreSQL v3 message codec. See pgwire.h for the formats and contracts.
 *
 * Entry points:
 *   pgwire_decode_startup     untyped first packet (StartupMessage, SSL/GSSENC/Cancel requests)
 *   pgwire_frame              typed message framing with per-type length limits
 *   pgwire_parse_*            bodies of Query, Parse, Bind, Describe/Close, Execute, password, SASL
 *   pgwire_buf_*              growable output buffer
 *   pgwire_put_*              backend messages
 */
#include "proto/pgwire.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

const char *pgwire_strerror(int err)
{
    switch (err) {
    case PGWIRE_EPROTO: return "invalid message format";
    case PGWIRE_ETOOBIG: return "invalid message length";
    case PGWIRE_ETYPE: return "invalid frontend message type";
    case PGWIRE_ENOMEM: return "out of memory";
    default: return "unknown error";
    }
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/* A bounded cursor over one message body. */
typedef struct rd {
    const uint8_t *p;
    size_t len, pos;
    bool bad;
} rd;

static const char *rd_str(rd *r, size_t *slen)
{
    if (r->bad) return NULL;
    const uint8_t *start = r->p + r->pos;
    const uint8_t *nul = memchr(start, 0, r->len - r->pos);
    if (!nul) {
        r->bad = true;
        return NULL;
    }
    if (slen) *slen = (size_t)(nul - start);
    r->pos += (size_t)(nul - start) + 1;
    return (const char *)start;
}

static uint32_t rd_u32(rd *r)
{
    if (r->bad || r->len - r->pos < 4) {
        r->bad = true;
        return 0;
    }
    uint32_t v = get_u32(r->p + r->pos);
    r->pos += 4;
    return v;
}

static uint16_t rd_u16(rd *r)
{
    if (r->bad || r->len - r->pos < 2) {
        r->bad = true;
        return 0;
    }
    uint16_t v = get_u16(r->p + r->pos);
    r->pos += 2;
    return v;
}

/* Returns a pointer to n bytes and skips them, or NULL (and marks bad) if fewer remain. */
static const uint8_t *rd_bytes(rd *r, size_t n)
{
    if (r->bad || r->len - r->pos < n) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

static void rd_init(rd *r, const pgwire_msg *m)
{
    r->p = m->body;
    r->len = m->len;
    r->pos = 0;
    r->bad = false;
}

/* A message must be consumed exactly: trailing garbage is a protocol violation, as in postgres'
   pq_getmsgend. */
static int rd_end(const rd *r)
{
    return (r->bad || r->pos != r->len) ? PGWIRE_EPROTO : 0;
}

/* ---- untyped first packet ---------------------------------------------------------------- */

int pgwire_decode_startup(const uint8_t *buf, size_t len, pgwire_startup *out)
{
    if (len < 4) return 0;
    uint32_t plen = get_u32(buf);
    if (plen > PGWIRE_STARTUP_MAX) return PGWIRE_ETOOBIG;
    if (plen < 8) return PGWIRE_EPROTO;
    if (len < plen) return 0;

    memset(out, 0, sizeof(*out));
    out->code = get_u32(buf + 4);
    const uint8_t *body = buf + 8;
    size_t blen = plen - 8;

    switch (out->code) {
    case PGWIRE_SSL_REQUEST:
    case PGWIRE_GSSENC_REQUEST:
        if (blen != 0) return PGWIRE_EPROTO;
        out->kind = out->code == PGWIRE_SSL_REQUEST ? PGWIRE_SSLREQ : PGWIRE_GSSENCREQ;
        return (int)plen;
    case PGWIRE_CANCEL_REQUEST:
        if (blen != 8) return PGWIRE_EPROTO;
        out->kind = PGWIRE_CANCEL;
        out->cancel_pid = get_u32(body);
        out->cancel_key = get_u32(body + 4);
        return (int)plen;
    default: break;
    }
    if (out->code >> 16 != 3) return PGWIRE_EPROTO;
    out->kind = PGWIRE_STARTUP;

    /* (name NUL value NUL)* NUL — the final NUL must be the packet's last byte. */
    pgwire_msg m = {0, body, blen};
    rd r;
    rd_init(&r, &m);
    for (;;) {
        if (r.pos >= r.len) return PGWIRE_EPROTO; /* missing terminator */
        if (r.p[r.pos] == 0) {
            r.pos++;
            break;
        }
        if (out->nparams == PGWIRE_STARTUP_PARAMS_MAX) return PGWIRE_EPROTO;
        const char *name = rd_str(&r, NULL);
        const char *value = rd_str(&r, NULL);
        if (r.bad) return PGWIRE_EPROTO;
        out->names[out->nparams] = name;
        out->values[out->nparams] = value;
        out->nparams++;
    }
    if (r.pos != r.len) return PGWIRE_EPROTO;
    const char *user = pgwire_startup_get(out, "user");
    if (!user || !*user) return PGWIRE_EPROTO;
    return (int)plen;
}

const char *pgwire_startup_get(const pgwire_startup *s, const char *name)
{
    for (int i = 0; i < s->nparams; i++)
        if (strcmp(s->names[i], name) == 0) return s->values[i];
    return NULL;
}

/* ---- framing ------------------------------------------------------------------------------- */

/* Per-type cap on the announced length (incl. the length word), or 0 if the type is refused. */
static uint32_t type_limit(uint8_t type, bool authenticated, uint32_t max_message)
{
    if (!authenticated) {
        switch (type) {
        case 'p': return PGWIRE_AUTH_MAX;
        case 'X': return 4;
        default: return 0;
        }
    }
    switch (type) {
    case 'Q':
    case 'P':
    case 'B': return max_message < 5 ? 5 : max_message;
    case 'D':
    case 'C':
    case 'E': return PGWIRE_SMALL_MAX;
    case 'S':
    case 'H':
    case 'X': return 4;
    default: return 0; /* F (function call), COPY and anything unknown */
    }
}

static int frame_with(const uint8_t *buf, size_t len, uint32_t limit, pgwire_msg *out);

static uint32_t copy_limit(uint8_t type, uint32_t max_message)
{
    switch (type) {
    case 'd': return max_message < 5 ? 5 : max_message;
    case 'f': return PGWIRE_SMALL_MAX;
    case 'c':
    case 'S':
    case 'H':
    case 'X': return 4;
    default: return 0;
    }
}

int pgwire_frame_copy(const uint8_t *buf, size_t len, uint32_t max_message, pgwire_msg *out)
{
    if (len < 1) return 0;
    return frame_with(buf, len, copy_limit(buf[0], max_message), out);
}

int pgwire_frame(const uint8_t *buf, size_t len, bool authenticated, uint32_t max_message,
                 pgwire_msg *out)
{
    if (len < 1) return 0;
    return frame_with(buf, len, type_limit(buf[0], authenticated, max_message), out);
}

static int frame_with(const uint8_t *buf, size_t len, uint32_t limit, pgwire_msg *out)
{
    if (limit == 0) return PGWIRE_ETYPE;
    if (len < 5) return 0;
    uint32_t mlen = get_u32(buf + 1);
    if (mlen < 4) return PGWIRE_EPROTO;
    if (mlen > limit) return PGWIRE_ETOOBIG;
    if (mlen > (uint32_t)INT_MAX - 1) return PGWIRE_ETOOBIG;
    if (len - 1 < mlen) return 0;
    out->type = buf[0];
    out->body = buf + 5;
    out->len = mlen - 4;
    return (int)mlen + 1;
}

/* ---- bodies -------------------------------------------------------------------------------- */

int pgwire_parse_query(const pgwire_msg *m, const char **sql, size_t *sqllen)
{
    rd r;
    rd_init(&r, m);
    *sql = rd_str(&r, sqllen);
    return rd_end(&r);
}

int pgwire_parse_parse(const pgwire_msg *m, pgwire_parse *out)
{
    rd r;
    rd_init(&r, m);
    memset(out, 0, sizeof(*out));
    out->name = rd_str(&r, NULL);
    out->query = rd_str(&r, &out->querylen);
    out->nparams = rd_u16(&r);
    out->oids = rd_bytes(&r, (size_t)out->nparams * 4);
    return rd_end(&r);
}

static int check_formats(const uint8_t *codes, int n)
{
    for (int i = 0; i < n; i++) {
        uint16_t f = get_u16(codes + (size_t)i * 2);
        if (f > 1) return PGWIRE_EPROTO;
    }
    return 0;
}

int pgwire_parse_bind(const pgwire_msg *m, pgwire_bind *out)
{
    rd r;
    rd_init(&r, m);
    memset(out, 0, sizeof(*out));
    out->portal = rd_str(&r, NULL);
    out->stmt = rd_str(&r, NULL);
    out->nformats = rd_u16(&r);
    out->formats = rd_bytes(&r, (size_t)out->nformats * 2);
    out->nparams = rd_u16(&r);
    if (r.bad) return PGWIRE_EPROTO;
    if (check_formats(out->formats, out->nformats) < 0) return PGWIRE_EPROTO;
    if (out->nformats > 1 && out->nformats != out->nparams) return PGWIRE_EPROTO;
    /* Every parameter needs at least its 4-byte length word: check before allocating so a
       hostile count cannot make us allocate for values that are not there. */
    if ((size_t)out->nparams * 4 > r.len - r.pos) return PGWIRE_EPROTO;
    if (out->nparams > 0) {
        out->params = calloc((size_t)out->nparams, sizeof(*out->params));
        if (!out->params) return PGWIRE_ENOMEM;
    }
    for (int i = 0; i < out->nparams; i++) {
        int32_t vlen = (int32_t)rd_u32(&r);
        if (vlen < -1) r.bad = true;
        if (r.bad) break;
        out->params[i].len = vlen;
        out->params[i].data = vlen < 0 ? NULL : rd_bytes(&r, (size_t)vlen);
        /* An empty non-NULL value must not look like NULL. */
        if (vlen == 0 && !r.bad) out->params[i].data = r.p + r.pos;
    }
    out->nresults = rd_u16(&r);
    out->results = rd_bytes(&r, (size_t)out->nresults * 2);
    if (!r.bad && check_formats(out->results, out->nresults) < 0) r.bad = true;
    if (rd_end(&r) < 0) {
        pgwire_bind_free(out);
        return PGWIRE_EPROTO;
    }
    return 0;
}

void pgwire_bind_free(pgwire_bind *b)
{
    free(b->params);
    b->params = NULL;
    b->nparams = 0;
}

int pgwire_format_at(const uint8_t *codes, int ncodes, int i)
{
    if (!codes || ncodes == 0) return 0;
    if (ncodes == 1) return get_u16(codes);
    if (i < 0 || i >= ncodes) return 0;
    return get_u16(codes + (size_t)i * 2);
}

int pgwire_bind_param_format(const pgwire_bind *b, int i)
{
    return pgwire_format_at(b->formats, b->nformats, i);
}

int pgwire_parse_describe(const pgwire_msg *m, char *kind, const char **name)
{
    rd r;
    rd_init(&r, m);
    const uint8_t *k = rd_bytes(&r, 1);
    *name = rd_str(&r, NULL);
    if (rd_end(&r) < 0) return PGWIRE_EPROTO;
    if (*k != 'S' && *k != 'P') return PGWIRE_EPROTO;
    *kind = (char)*k;
    return 0;
}

int pgwire_parse_execute(const pgwire_msg *m, const char **portal, uint32_t *max_rows)
{
    rd r;
    rd_init(&r, m);
    *portal = rd_str(&r, NULL);
    *max_rows = rd_u32(&r);
    /* postgres treats a negative count as "all rows"; so do we. */
    if (*max_rows > INT32_MAX) *max_rows = 0;
    return rd_end(&r);
}

int pgwire_parse_password(const pgwire_msg *m, const char **password, size_t *len)
{
    rd r;
    rd_init(&r, m);
    *password = rd_str(&r, len);
    return rd_end(&r);
}

int pgwire_parse_sasl_initial(const pgwire_msg *m, const char **mechanism, const uint8_t **data,
                              size_t *len)
{
    rd r;
    rd_init(&r, m);
    *mechanism = rd_str(&r, NULL);
    int32_t dlen = (int32_t)rd_u32(&r);
    *data = NULL;
    *len = 0;
    if (!r.bad && dlen >= 0) {
        *data = rd_bytes(&r, (size_t)dlen);
        *len = (size_t)dlen;
    } else if (dlen < -1) {
        r.bad = true;
    }
    return rd_end(&r);
}

/* ---- output buffer ------------------------------------------------------------------------- */

void pgwire_buf_init(pgwire_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void pgwire_buf_free(pgwire_buf *b)
{
    free(b->data);
    pgwire_buf_init(b);
}

void pgwire_buf_reset(pgwire_buf *b)
{
    b->len = 0;
    b->err = 0;
}

void pgwire_buf_consume(pgwire_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

static int buf_reserve(pgwire_buf *b, size_t n)
{
    if (b->err) return b->err;
    if (b->cap - b->len >= n) return 0;
    if (n > SIZE_MAX / 2 - b->len) return b->err = PGWIRE_ENOMEM;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < n) cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) return b->err = PGWIRE_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int pgwire_buf_put(pgwire_buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) < 0) return b->err;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int pgwire_buf_put_u8(pgwire_buf *b, uint8_t v)
{
    return pgwire_buf_put(b, &v, 1);
}

int pgwire_buf_put_u16(pgwire_buf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    return pgwire_buf_put(b, x, 2);
}

int pgwire_buf_put_u32(pgwire_buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return pgwire_buf_put(b, x, 4);
}

int pgwire_buf_put_str(pgwire_buf *b, const char *s)
{
    return pgwire_buf_put(b, s, strlen(s) + 1);
}

static void patch_u32(pgwire_buf *b, size_t at, uint32_t v)
{
    b->data[at] = (uint8_t)(v >> 24);
    b->data[at + 1] = (uint8_t)(v >> 16);
    b->data[at + 2] = (uint8_t)(v >> 8);
    b->data[at + 3] = (uint8_t)v;
}

size_t pgwire_msg_begin(pgwire_buf *b, uint8_t type)
{
    size_t start = b->len;
    pgwire_buf_put_u8(b, type);
    pgwire_buf_put_u32(b, 0);
    return start;
}

int pgwire_msg_end(pgwire_buf *b, size_t start)
{
    if (b->err) return b->err;
    patch_u32(b, start + 1, (uint32_t)(b->len - start - 1));
    return 0;
}

/* ---- backend messages ---------------------------------------------------------------------- */

int pgwire_put_auth(pgwire_buf *b, uint32_t code, const void *data, size_t len)
{
    size_t m = pgwire_msg_begin(b, 'R');
    pgwire_buf_put_u32(b, code);
    pgwire_buf_put(b, data, len);
    return pgwire_msg_end(b, m);
}

int pgwire_put_auth_sasl(pgwire_buf *b, const char *const *mechanisms, int n)
{
    size_t m = pgwire_msg_begin(b, 'R');
    pgwire_buf_put_u32(b, PGWIRE_AUTH_SASL);
    for (int i = 0; i < n; i++) pgwire_buf_put_str(b, mechanisms[i]);
    pgwire_buf_put_u8(b, 0);
    return pgwire_msg_end(b, m);
}

int pgwire_put_param_status(pgwire_buf *b, const char *name, const char *value)
{
    size_t m = pgwire_msg_begin(b, 'S');
    pgwire_buf_put_str(b, name);
    pgwire_buf_put_str(b, value);
    return pgwire_msg_end(b, m);
}

int pgwire_put_backend_key(pgwire_buf *b, uint32_t pid, uint32_t key)
{
    size_t m = pgwire_msg_begin(b, 'K');
    pgwire_buf_put_u32(b, pid);
    pgwire_buf_put_u32(b, key);
    return pgwire_msg_end(b, m);
}

int pgwire_put_notification(pgwire_buf *b, uint32_t pid, const char *channel, const char *payload)
{
    size_t m = pgwire_msg_begin(b, 'A');
    pgwire_buf_put_u32(b, pid);
    pgwire_buf_put_str(b, channel);
    pgwire_buf_put_str(b, payload);
    return pgwire_msg_end(b, m);
}

int pgwire_put_ready(pgwire_buf *b, char txn_status)
{
    size_t m = pgwire_msg_begin(b, 'Z');
    pgwire_buf_put_u8(b, (uint8_t)txn_status);
    return pgwire_msg_end(b, m);
}

int pgwire_put_empty(pgwire_buf *b, uint8_t type)
{
    size_t m = pgwire_msg_begin(b, type);
    return pgwire_msg_end(b, m);
}

int pgwire_put_command_complete(pgwire_buf *b, const char *tag)
{
    size_t m = pgwire_msg_begin(b, 'C');
    pgwire_buf_put_str(b, tag);
    return pgwire_msg_end(b, m);
}

int pgwire_put_copy_response(pgwire_buf *b, uint8_t type, int ncols, bool binary)
{
    size_t m = pgwire_msg_begin(b, type);
    pgwire_buf_put_u8(b, binary ? 1 : 0); /* the overall format, and every column's */
    pgwire_buf_put_u16(b, (uint16_t)ncols);
    for (int i = 0; i < ncols; i++) pgwire_buf_put_u16(b, binary ? 1 : 0);
    return pgwire_msg_end(b, m);
}

int pgwire_put_copy_data(pgwire_buf *b, const void *data, size_t len)
{
    size_t m = pgwire_msg_begin(b, 'd');
    pgwire_buf_put(b, data, len);
    return pgwire_msg_end(b, m);
}

int pgwire_put_param_description(pgwire_buf *b, const uint32_t *oids, int n)
{
    size_t m = pgwire_msg_begin(b, 't');
    pgwire_buf_put_u16(b, (uint16_t)n);
    for (int i = 0; i < n; i++) pgwire_buf_put_u32(b, oids[i]);
    return pgwire_msg_end(b, m);
}

int pgwire_put_row_description(pgwire_buf *b, const pgwire_column *cols, int n,
                               const uint8_t *formats, int nformats)
{
    size_t m = pgwire_msg_begin(b, 'T');
    pgwire_buf_put_u16(b, (uint16_t)n);
    for (int i = 0; i < n; i++) {
        pgwire_buf_put_str(b, cols[i].name ? cols[i].name : "?column?");
        pgwire_buf_put_u32(b, cols[i].table_oid);
        pgwire_buf_put_u16(b, (uint16_t)cols[i].attnum);
        pgwire_buf_put_u32(b, cols[i].type_oid);
        pgwire_buf_put_u16(b, (uint16_t)cols[i].typlen);
        pgwire_buf_put_u32(b, (uint32_t)cols[i].typmod);
        pgwire_buf_put_u16(b, (uint16_t)pgwire_format_at(formats, nformats, i));
    }
    return pgwire_msg_end(b, m);
}

size_t pgwire_data_row_begin(pgwire_buf *b, int ncols)
{
    size_t m = pgwire_msg_begin(b, 'D');
    pgwire_buf_put_u16(b, (uint16_t)ncols);
    return m;
}

int pgwire_data_row_value(pgwire_buf *b, const void *data, int32_t len)
{
    if (!data) return pgwire_buf_put_u32(b, UINT32_MAX);
    pgwire_buf_put_u32(b, (uint32_t)len);
    return pgwire_buf_put(b, data, (size_t)len);
}

size_t pgwire_data_row_value_open(pgwire_buf *b)
{
    size_t at = b->len;
    pgwire_buf_put_u32(b, 0);
    return at;
}

void pgwire_data_row_value_close(pgwire_buf *b, size_t at)
{
    if (!b->err) patch_u32(b, at, (uint32_t)(b->len - at - 4));
}

static void put_field(pgwire_buf *b, char code, const char *v)
{
    if (!v || !*v) return;
    pgwire_buf_put_u8(b, (uint8_t)code);
    pgwire_buf_put_str(b, v);
}

int pgwire_put_error(pgwire_buf *b, bool notice, const pgwire_error *e)
{
    size_t m = pgwire_msg_begin(b, notice ? 'N' : 'E');
    const char *sev = e->severity ? e->severity : (notice ? "NOTICE" : "ERROR");
    put_field(b, 'S', sev);
    put_field(b, 'V', sev);
    put_field(b, 'C', e->code ? e->code : "XX000");
    put_field(b, 'M', e->message ? e->message : "");
    if (!e->message || !*e->message) {
        /* 'M' is mandatory; put_field skips empty values. */
        pgwire_buf_put_u8(b, 'M');
        pgwire_buf_put_u8(b, 0);
    }
    put_field(b, 'D', e->detail);
    put_field(b, 'H', e->hint);
    if (e->position > 0) {
        char pos[16];
        int n = 0;
        char tmp[16];
        for (unsigned v = (unsigned)e->position; v; v /= 10) tmp[n++] = (char)('0' + v % 10);
        for (int i = 0; i < n; i++) pos[i] = tmp[n - 1 - i];
        pos[n] = 0;
        put_field(b, 'P', pos);
    }
    put_field(b, 'W', e->context);
    put_field(b, 's', e->schema);
    put_field(b, 't', e->table);
    put_field(b, 'c', e->column);
    put_field(b, 'n', e->constraint);
    pgwire_buf_put_u8(b, 0);
    return pgwire_msg_end(b, m);
}

const char *pgwire_error_field(const pgwire_msg *m, char code)
{
    rd r;
    rd_init(&r, m);
    while (!r.bad && r.pos < r.len) {
        uint8_t c = r.p[r.pos++];
        if (c == 0) break;
        const char *v = rd_str(&r, NULL);
        if (r.bad) return NULL;
        if (c == (uint8_t)code) return v;
    }
    return NULL;
}
