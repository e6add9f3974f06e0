/*
 * proto/pgwire.h — PostgreSQL v3 wire protocol message codec (pure: no sockets, no clock).
 *
 * Decoding is resumable in the nginx style: every decoder takes the bytes buffered so far and
 * returns the number of bytes it consumed (> 0), 0 when it needs more input, or a negative
 * PGWIRE_E* code for bad input. The connection code keeps the bytes and calls again when more
 * arrive, so a message split across any number of reads decodes exactly like a whole one.
 *
 * Framing (frontend -> backend):
 *
 *   untyped first packet              typed message (everything after startup)
 *   offset size meaning               offset size meaning
 *   0      4    length incl. itself   0      1    type byte ('Q', 'P', 'B', ...)
 *   4      4    code: 196608 = v3.0,  1      4    length incl. itself, excl. type byte
 *               80877103 SSLRequest,  5      n-4  body
 *               80877104 GSSENCRequest,
 *               80877102 CancelRequest
 *   8      ...  startup: (name NUL value NUL)* NUL   cancel: int32 pid, int32 key
 *
 * Length limits are checked from the header alone, before the body is buffered (postgres'
 * SocketBackend): startup packets are capped at PGWIRE_STARTUP_MAX, and each typed message has
 * a per-type cap — tight for the fixed-size ones (Sync, Execute...), PGWIRE_AUTH_MAX for password
 * and SASL messages before authentication, and the configured max_message_bytes for Query,
 * Parse and Bind after it. Before authentication only 'p' (and Terminate) are accepted.
 *
 * Body parsers (pgwire_parse_*) take one complete message body and never read past it. String
 * fields must be NUL-terminated inside the body. Pointers in the parsed structs point INTO the
 * caller's buffer (zero copy): they stay valid only while that buffer is unchanged. The only
 * allocation is pgwire_bind.params (bounded by the body length, checked before allocating).
 *
 * Encoding (backend -> frontend) appends whole messages to a pgwire_buf; pgwire_msg_begin /
 * pgwire_msg_end build a message incrementally and patch its length at the end (postgres'
 * pqformat.c). An allocation failure is latched in pgwire_buf.err so callers may append a whole
 * response and check once.
 *
 * Errors: PGWIRE_EPROTO (malformed), PGWIRE_ETOOBIG (length over the limit), PGWIRE_ETYPE
 * (message type not allowed in this phase), PGWIRE_ENOMEM. pgwire_strerror names them. All map to
 * SQLSTATE 08P01 (protocol_violation) except ETOOBIG which PostgreSQL also reports as 08P01
 * "invalid message length", and ENOMEM (53200).
 */
#ifndef HELIOS_PROTO_PGWIRE_H
#define HELIOS_PROTO_PGWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    PGWIRE_EPROTO = -1,
    PGWIRE_ETOOBIG = -2,
    PGWIRE_ETYPE = -3,
    PGWIRE_ENOMEM = -4,
};

#define PGWIRE_PROTOCOL_3_0 196608u /* 3 << 16 */
#define PGWIRE_SSL_REQUEST 80877103u
#define PGWIRE_GSSENC_REQUEST 80877104u
#define PGWIRE_CANCEL_REQUEST 80877102u

#define PGWIRE_STARTUP_MAX 10000u   /* postgres' MAX_STARTUP_PACKET_LENGTH */
#define PGWIRE_AUTH_MAX 8192u       /* a password / SASL message before authentication */
#define PGWIRE_SMALL_MAX 10000u     /* Describe, Close, Execute, Sync, Flush, Terminate */
#define PGWIRE_STARTUP_PARAMS_MAX 64
#define PGWIRE_MAX_PARAMS 65535     /* int16 count in Parse/Bind */

const char *pgwire_strerror(int err);

/* ---- untyped first packet ---------------------------------------------------------------- */

typedef enum {
    PGWIRE_STARTUP = 1, /* StartupMessage v3.0 */
    PGWIRE_SSLREQ,
    PGWIRE_GSSENCREQ,
    PGWIRE_CANCEL,
} pgwire_startup_kind;

typedef struct pgwire_startup {
    pgwire_startup_kind kind;
    uint32_t code;      /* protocol version or request code */
    uint32_t cancel_pid, cancel_key; /* PGWIRE_CANCEL */
    int nparams;        /* PGWIRE_STARTUP: name/value pairs in wire order */
    const char *names[PGWIRE_STARTUP_PARAMS_MAX];
    const char *values[PGWIRE_STARTUP_PARAMS_MAX];
} pgwire_startup;

/* Decodes the first packet. Returns bytes consumed, 0 need more, PGWIRE_ETOOBIG (announced length
   over PGWIRE_STARTUP_MAX, detected from the first 4 bytes), PGWIRE_EPROTO (bad length, unknown
   code or protocol major version other than 3, missing terminators, more than
   PGWIRE_STARTUP_PARAMS_MAX parameters, no "user"). Protocol 3.x minor versions are accepted (the
   caller may answer NegotiateProtocolVersion or just ignore them, as PostgreSQL 15 does for 3.0). */
int pgwire_decode_startup(const uint8_t *buf, size_t len, pgwire_startup *out);

/* Value of a startup parameter (exact name), or NULL. */
const char *pgwire_startup_get(const pgwire_startup *s, const char *name);

/* ---- typed frontend messages ----------------------------------------------------------------- */

typedef struct pgwire_msg {
    uint8_t type;
    const uint8_t *body; /* points into the caller's buffer */
    size_t len;          /* body length (header excluded) */
} pgwire_msg;

/* Frames one typed message. authenticated selects the allowed types and limits; max_message is
   the cap for Query/Parse/Bind after authentication. Returns 5 + body length, 0 need more
   (including a partial header), PGWIRE_ETYPE (type not valid in this phase), PGWIRE_ETOOBIG,
   or PGWIRE_EPROTO (length < 4). The type and length are checked as soon as the 5-byte header is
   buffered, so an oversize message is refused before its body is read. */
int pgwire_frame(const uint8_t *buf, size_t len, bool authenticated, uint32_t max_message,
                 pgwire_msg *out);

/* Framing while a COPY FROM STDIN is in progress: CopyData ('d', up to max_message),
   CopyDone ('c'), CopyFail ('f'), plus Flush/Sync (which PostgreSQL ignores in copy-in mode)
   and Terminate; anything else is PGWIRE_ETYPE. Same returns as pgwire_frame. */
int pgwire_frame_copy(const uint8_t *buf, size_t len, uint32_t max_message, pgwire_msg *out);

/* Query: the SQL text (NUL-terminated within the body; sqllen excludes the NUL). */
int pgwire_parse_query(const pgwire_msg *m, const char **sql, size_t *sqllen);

typedef struct pgwire_parse {
    const char *name;    /* "" = unnamed statement */
    const char *query;
    size_t querylen;
    int nparams;         /* number of given parameter type OIDs */
    const uint8_t *oids; /* nparams big-endian uint32; read with pgwire_u32_at */
} pgwire_parse;
int pgwire_parse_parse(const pgwire_msg *m, pgwire_parse *out);

typedef struct pgwire_value {
    const uint8_t *data; /* NULL for SQL NULL */
    int32_t len;         /* -1 for SQL NULL */
} pgwire_value;

typedef struct pgwire_bind {
    const char *portal;
    const char *stmt;
    int nformats;           /* 0 (all text), 1 (applies to all) or nparams */
    const uint8_t *formats; /* nformats big-endian int16 */
    int nparams;
    pgwire_value *params;   /* malloc'd, nparams entries (NULL when 0); pgwire_bind_free */
    int nresults;           /* result format codes: 0, 1 or one per column */
    const uint8_t *results; /* nresults big-endian int16 */
} pgwire_bind;
/* Returns 0, PGWIRE_EPROTO, or PGWIRE_ENOMEM. On error out holds nothing to free. Format codes
   other than 0/1 are PGWIRE_EPROTO; nformats must be 0, 1 or nparams. */
int pgwire_parse_bind(const pgwire_msg *m, pgwire_bind *out);
void pgwire_bind_free(pgwire_bind *b);
/* Format code of parameter i / result column i given the Bind's lists (0 text, 1 binary). */
int pgwire_bind_param_format(const pgwire_bind *b, int i);
int pgwire_format_at(const uint8_t *codes, int ncodes, int i);

/* Describe and Close: kind is 'S' (statement) or 'P' (portal). */
int pgwire_parse_describe(const pgwire_msg *m, char *kind, const char **name);
int pgwire_parse_execute(const pgwire_msg *m, const char **portal, uint32_t *max_rows);

/* PasswordMessage (cleartext or md5): the NUL-terminated password. */
int pgwire_parse_password(const pgwire_msg *m, const char **password, size_t *len);
/* SASLInitialResponse: mechanism name, then initial response (data NULL, len 0 when absent). */
int pgwire_parse_sasl_initial(const pgwire_msg *m, const char **mechanism, const uint8_t **data,
                              size_t *len);

static inline uint32_t pgwire_u32_at(const uint8_t *p, int i)
{
    p += (size_t)i * 4;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- backend messages ------------------------------------------------------------------------ */

typedef struct pgwire_buf {
    uint8_t *data; /* read-only */
    size_t len;    /* read-only */
    size_t cap;    /* private */
    int err;       /* read-only: PGWIRE_ENOMEM once an append failed (sticky) */
} pgwire_buf;

void pgwire_buf_init(pgwire_buf *b);
void pgwire_buf_free(pgwire_buf *b);
void pgwire_buf_reset(pgwire_buf *b); /* len = 0, keeps memory, clears err */
/* Removes the first n bytes (n <= len). */
void pgwire_buf_consume(pgwire_buf *b, size_t n);
int pgwire_buf_put(pgwire_buf *b, const void *p, size_t n);
int pgwire_buf_put_u8(pgwire_buf *b, uint8_t v);
int pgwire_buf_put_u16(pgwire_buf *b, uint16_t v);
int pgwire_buf_put_u32(pgwire_buf *b, uint32_t v);
int pgwire_buf_put_str(pgwire_buf *b, const char *s); /* with its NUL */

/* Starts a typed message; returns its offset for pgwire_msg_end (which patches the length). */
size_t pgwire_msg_begin(pgwire_buf *b, uint8_t type);
int pgwire_msg_end(pgwire_buf *b, size_t start);

/* Authentication request codes. */
enum {
    PGWIRE_AUTH_OK = 0,
    PGWIRE_AUTH_CLEARTEXT = 3,
    PGWIRE_AUTH_MD5 = 5,
    PGWIRE_AUTH_SASL = 10,
    PGWIRE_AUTH_SASL_CONTINUE = 11,
    PGWIRE_AUTH_SASL_FINAL = 12,
};

int pgwire_put_auth(pgwire_buf *b, uint32_t code, const void *data, size_t len);
int pgwire_put_auth_sasl(pgwire_buf *b, const char *const *mechanisms, int n);
int pgwire_put_param_status(pgwire_buf *b, const char *name, const char *value);
int pgwire_put_backend_key(pgwire_buf *b, uint32_t pid, uint32_t key);
int pgwire_put_ready(pgwire_buf *b, char txn_status); /* 'I', 'T' or 'E' */
/* NotificationResponse 'A' (LISTEN / NOTIFY). */
int pgwire_put_notification(pgwire_buf *b, uint32_t pid, const char *channel, const char *payload);
/* A message with an empty body: EmptyQueryResponse 'I', NoData 'n', ParseComplete '1',
   BindComplete '2', CloseComplete '3', PortalSuspended 's'. */
int pgwire_put_empty(pgwire_buf *b, uint8_t type);
int pgwire_put_command_complete(pgwire_buf *b, const char *tag);
/* CopyInResponse (type 'G') / CopyOutResponse ('H'): text format for all ncols columns. */
int pgwire_put_copy_response(pgwire_buf *b, uint8_t type, int ncols, bool binary);
int pgwire_put_copy_data(pgwire_buf *b, const void *data, size_t len); /* CopyData 'd' */
int pgwire_put_param_description(pgwire_buf *b, const uint32_t *oids, int n);

typedef struct pgwire_column {
    const char *name;
    uint32_t table_oid; /* 0 when not a table column */
    int16_t attnum;     /* 0 when not a table column */
    uint32_t type_oid;
    int16_t typlen;     /* pg_type.typlen, -1 varlena */
    int32_t typmod;     /* -1 none */
} pgwire_column;
/* formats: the result format codes from Bind (NULL/0 = all text; 1 code = all columns). */
int pgwire_put_row_description(pgwire_buf *b, const pgwire_column *cols, int n,
                               const uint8_t *formats, int nformats);

/* DataRow: begin with the column count, append each value (NULL data = SQL NULL), then end. */
size_t pgwire_data_row_begin(pgwire_buf *b, int ncols);
int pgwire_data_row_value(pgwire_buf *b, const void *data, int32_t len);
/* Reserves a value's length word, returns its offset; write the bytes, then fix it. Lets a
   caller convert a value straight into the buffer. */
size_t pgwire_data_row_value_open(pgwire_buf *b);
void pgwire_data_row_value_close(pgwire_buf *b, size_t at);

typedef struct pgwire_error {
    const char *severity; /* "ERROR", "FATAL", "PANIC" / "WARNING", "NOTICE", "INFO", ... */
    const char *code;     /* SQLSTATE */
    const char *message;
    const char *detail;   /* NULL or "" = absent */
    const char *hint;     /* NULL or "" = absent */
    int position;         /* 1-based character position, 0 = absent */
    /* schema, table, column, constraint of an integrity error (s, t, c, n): NULL or "" =
     * absent */
    const char *schema, *table, *column, *constraint;
    const char *context; /* W: where the error happened, NULL or "" = absent */
} pgwire_error;
/* ErrorResponse ('E') or NoticeResponse ('N' when notice is true). */
int pgwire_put_error(pgwire_buf *b, bool notice, const pgwire_error *e);

/* ---- backend message decoding (for clients, tests and the fuzz invariant) -------------------- */

/* Walks the fields of an ErrorResponse/NoticeResponse body: returns the value of field code
   (e.g. 'C', 'M'), or NULL. */
const char *pgwire_error_field(const pgwire_msg *m, char code);

#endif
