/* config/config.c — see config.h.
 *
 * Entry points: config_load (reads the file) and config_load_string both end in load_text,
 * which parses with jansson and walks the document one section at a time (load_node,
 * load_sql, load_replication, load_storage, load_metrics, load_log, load_clock), then runs
 * the rules that span sections (check_cross). Every reader records a problem and carries on,
 * so a single pass reports everything that is wrong. config_dev builds the --dev
 * configuration without any JSON.
 *
 * Defaults live in one place, set_defaults(): the typed getters leave a field untouched when
 * its key is absent, so the value set_defaults() put there is the default.
 *
 * Problem text may echo user input (unknown keys, bad values, file names); show() and
 * show_path() bound and escape it so every problem stays one printable line.
 */
#include "config/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PROBLEMS 100
#define MAX_FILE_BYTES (1 << 20)
#define NAME_MAX_LEN 63
#define SHOW_BYTES 60
#define SHOW_BUF (SHOW_BYTES * 4 + 8)
#define PATH_BUF 160
#define FILE_SHOW_BYTES 1024
#define FILE_SHOW_BUF (FILE_SHOW_BYTES * 4 + 8)

typedef struct loader {
    config *cfg;
    config_errors *errs; /* may be NULL: problems are only counted */
    char *base_dir;      /* absolute; relative paths in the file resolve against it */
    int nproblems;
    bool oom;
    bool auth_unknown; /* an auth method was invalid: skip the rules that depend on it */
} loader;

/* ---- problem list ---------------------------------------------------------------------- */

void config_errors_free(config_errors *e)
{
    if (!e) return;
    for (int i = 0; i < e->n; i++)
        free(e->msg[i]);
    free(e->msg);
    memset(e, 0, sizeof(*e));
}

void config_errors_print(const config_errors *e, FILE *out)
{
    if (!e) return;
    for (int i = 0; i < e->n; i++)
        fprintf(out, "%s\n", e->msg[i]);
}

/* Takes ownership of MSG. */
static int errors_push(config_errors *e, char *msg)
{
    if (e->n == e->cap) {
        int cap = e->cap ? e->cap * 2 : 8;
        char **m = realloc(e->msg, (size_t)cap * sizeof(*m));
        if (!m) {
            free(msg);
            return -1;
        }
        e->msg = m;
        e->cap = cap;
    }
    e->msg[e->n++] = msg;
    return 0;
}

static void note_oom(loader *ld)
{
    ld->oom = true;
}

__attribute__((format(printf, 3, 4))) static void problem(loader *ld, const char *path,
                                                          const char *fmt, ...)
{
    ld->nproblems++;
    if (!ld->errs || ld->oom) return;
    if (ld->errs->n > MAX_PROBLEMS) return;
    char *msg = NULL;
    if (ld->errs->n == MAX_PROBLEMS) {
        /* A hostile or badly broken file could produce thousands of lines; the first hundred
         * are enough to act on. */
        if (asprintf(&msg, "config: more than %d problems; the rest are not shown", MAX_PROBLEMS) <
            0) {
            note_oom(ld);
            return;
        }
    } else {
        char *reason = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&reason, fmt, ap);
        va_end(ap);
        if (r < 0) {
            note_oom(ld);
            return;
        }
        r = asprintf(&msg, "%s: %s", path, reason);
        free(reason);
        if (r < 0) {
            note_oom(ld);
            return;
        }
    }
    if (errors_push(ld->errs, msg) < 0) note_oom(ld);
}

/* Renders untrusted text for a one-line message: at most LIMIT bytes of input (then "..."),
 * control bytes escaped as \xNN; when QUOTE, wrapped in quotes with '"' and '\' escaped.
 * OUT must hold LIMIT * 4 + 8 bytes. Returns OUT. */
static const char *escape(const char *s, size_t limit, bool quote, char *out)
{
    size_t lim = strlen(s);
    bool cut = false;
    if (lim > limit) {
        lim = limit;
        while (lim > 0 && ((unsigned char)s[lim] & 0xC0) == 0x80)
            lim--; /* keep UTF-8 whole */
        cut = true;
    }
    size_t o = 0;
    if (quote) out[o++] = '"';
    for (size_t i = 0; i < lim; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else if (quote && (c == '"' || c == '\\')) {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else {
            out[o++] = (char)c;
        }
    }
    if (quote) out[o++] = '"';
    if (cut) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

/* A key or value echoed in a message: short, quoted. */
static const char *show(const char *s, char out[SHOW_BUF])
{
    return escape(s, SHOW_BYTES, true, out);
}

/* A file path echoed in a message: long, unquoted (as a shell user would type it). */
static const char *show_path(const char *s, char out[FILE_SHOW_BUF])
{
    return escape(s, FILE_SHOW_BYTES, false, out);
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a fractional number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "an unknown value";
}

/* Paths are built only from schema keys and array indexes, so PATH_BUF always suffices; a
 * truncated path would still be a readable prefix. */
static void join(char out[PATH_BUF], const char *parent, const char *key)
{
    size_t o = 0;
    for (const char *p = parent; *p && o < PATH_BUF - 1; p++)
        out[o++] = *p;
    if (parent[0] && o < PATH_BUF - 1) out[o++] = '.';
    for (const char *k = key; *k && o < PATH_BUF - 1; k++)
        out[o++] = *k;
    out[o] = '\0';
}

static char *dup_or_oom(loader *ld, const char *s)
{
    char *d = strdup(s);
    if (!d) note_oom(ld);
    return d;
}

/* ---- names ----------------------------------------------------------------------------- */

static const char *const AUTH_NAMES[] = {"trust",         "password", "md5",
                                         "scram-sha-256", "reject",   NULL};
static const char *const SYNC_NAMES[] = {"always", "batch", "off", NULL};
static const char *const TLS_NAMES[] = {"off", "prefer", "require", NULL};
static const char *const LOG_FORMAT_NAMES[] = {"text", "json", NULL};
static const char *const LOG_LEVEL_NAMES[] = {"debug", "info", "warn", "error", NULL};

static const char *name_of(const char *const *names, int n, int v)
{
    return v >= 0 && v < n ? names[v] : "unknown";
}

const char *config_auth_method_name(config_auth_method m)
{
    return name_of(AUTH_NAMES, 5, (int)m);
}

const char *config_sync_mode_name(config_sync_mode m)
{
    return name_of(SYNC_NAMES, 3, (int)m);
}

const char *config_tls_mode_name(config_tls_mode m)
{
    return name_of(TLS_NAMES, 3, (int)m);
}

const char *config_log_format_name(config_log_format f)
{
    return name_of(LOG_FORMAT_NAMES, 2, (int)f);
}

const char *config_log_level_name(config_log_level l)
{
    return name_of(LOG_LEVEL_NAMES, 4, (int)l);
}

/* ---- unknown keys ---------------------------------------------------------------------- */

/* Optimal-string-alignment distance (Levenshtein plus adjacent swaps), case-insensitive;
 * only called with strings of at most 64 bytes. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20;
            int cost = ca != cb;
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && ca == (b[j - 2] | 0x20) && (a[i - 2] | 0x20) == cb &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

static const char *nearest_key(const char *key, const char *const *known)
{
    if (strlen(key) > 64) return NULL;
    const char *best = NULL;
    int best_d = INT_MAX;
    for (int i = 0; known[i]; i++) {
        int d = edit_distance(key, known[i]);
        int allowed = strlen(known[i]) <= 4 ? 1 : 2;
        if (d <= allowed && d < best_d) {
            best = known[i];
            best_d = d;
        }
    }
    return best;
}

static void check_keys(loader *ld, json_t *obj, const char *path, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        bool ok = false;
        for (int i = 0; known[i] && !ok; i++)
            ok = strcmp(key, known[i]) == 0;
        if (ok) continue;
        char kbuf[SHOW_BUF], where[PATH_BUF];
        show(key, kbuf);
        snprintf(where, sizeof(where), "%s", path[0] ? path : "(top level)");
        const char *near = nearest_key(key, known);
        if (near)
            problem(ld, where, "unknown key %s (did you mean \"%s\"?)", kbuf, near);
        else
            problem(ld, where, "unknown key %s", kbuf);
    }
}

/* ---- typed getters: each leaves *out untouched when the key is absent ------------------ */

static json_t *get_section(loader *ld, json_t *obj, const char *parent, const char *key,
                           const char *const *known)
{
    json_t *v = json_object_get(obj, key);
    if (!v) return NULL;
    char path[PATH_BUF];
    join(path, parent, key);
    if (!json_is_object(v)) {
        problem(ld, path, "expected an object, got %s", type_name(v));
        return NULL;
    }
    check_keys(ld, v, path, known);
    return v;
}

static void missing(loader *ld, const char *parent, const char *key)
{
    char path[PATH_BUF];
    join(path, parent, key);
    problem(ld, path, "required key is missing");
}

/* Returns true when KEY is present and valid. */
static bool get_int(loader *ld, json_t *obj, const char *parent, const char *key, long long lo,
                    long long hi, bool required, long long *out)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    char path[PATH_BUF];
    join(path, parent, key);
    if (!v) {
        if (required) problem(ld, path, "required key is missing");
        return false;
    }
    if (!json_is_integer(v)) {
        problem(ld, path, "expected an integer, got %s", type_name(v));
        return false;
    }
    long long x = json_integer_value(v);
    if (x < lo || x > hi) {
        problem(ld, path, "%lld is out of range %lld..%lld", x, lo, hi);
        return false;
    }
    *out = x;
    return true;
}

#define GET_NUM(field, obj, parent, key, lo, hi)                                                   \
    do {                                                                                           \
        long long v_ = (long long)(field);                                                         \
        if (get_int(ld, (obj), (parent), (key), (lo), (hi), false, &v_)) (field) = v_;             \
    } while (0)

static bool get_bool(loader *ld, json_t *obj, const char *parent, const char *key, bool *out)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    if (!v) return false;
    if (!json_is_boolean(v)) {
        char path[PATH_BUF];
        join(path, parent, key);
        problem(ld, path, "expected true or false, got %s", type_name(v));
        return false;
    }
    *out = json_is_true(v);
    return true;
}

/* Returns the (borrowed) non-empty string value, or NULL when absent or invalid. */
static const char *get_str(loader *ld, json_t *obj, const char *parent, const char *key,
                           bool required)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    char path[PATH_BUF];
    join(path, parent, key);
    if (!v) {
        if (required) problem(ld, path, "required key is missing");
        return NULL;
    }
    if (!json_is_string(v)) {
        problem(ld, path, "expected a string, got %s", type_name(v));
        return NULL;
    }
    const char *s = json_string_value(v);
    if (!s[0]) {
        problem(ld, path, "must not be empty");
        return NULL;
    }
    return s;
}

static bool get_enum(loader *ld, json_t *obj, const char *parent, const char *key,
                     const char *const *names, int *out)
{
    const char *s = get_str(ld, obj, parent, key, false);
    if (!s) return false;
    for (int i = 0; names[i]; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return true;
        }
    }
    char path[PATH_BUF], vbuf[SHOW_BUF], allowed[128] = "";
    join(path, parent, key);
    for (int i = 0; names[i]; i++) {
        strcat(allowed, i ? ", " : "");
        strcat(allowed, names[i]);
    }
    problem(ld, path, "bad value %s; allowed: %s", show(s, vbuf), allowed);
    return false;
}

#define GET_ENUM(field, obj, parent, key, names)                                                   \
    do {                                                                                           \
        int e_;                                                                                    \
        if (get_enum(ld, (obj), (parent), (key), (names), &e_)) (field) = e_;                      \
    } while (0)

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > NAME_MAX_LEN) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A node or peer name: 1..63 characters from [A-Za-z0-9._-]. */
static char *get_name(loader *ld, json_t *obj, const char *parent, const char *key, bool required)
{
    const char *s = get_str(ld, obj, parent, key, required);
    if (!s) return NULL;
    if (!valid_name(s)) {
        char path[PATH_BUF], vbuf[SHOW_BUF];
        join(path, parent, key);
        problem(ld, path, "bad name %s: use 1..%d characters from A-Z a-z 0-9 . _ -", show(s, vbuf),
                NAME_MAX_LEN);
        return NULL;
    }
    return dup_or_oom(ld, s);
}

/* ---- paths ----------------------------------------------------------------------------- */

int config_path_normalize(const char *p, char *out, size_t outsz)
{
    if (p[0] != '/' || outsz < 2) return -1;
    size_t o = 0;
    out[o++] = '/';
    out[o] = 0;
    while (*p) {
        while (*p == '/') p++;
        const char *e = p;
        while (*e && *e != '/') e++;
        size_t n = (size_t)(e - p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (o > 1 && out[o - 1] != '/') o--; /* drop the last component */
            if (o > 1) o--;
            out[o] = 0;
        } else {
            if (o + (o > 1) + n + 1 > outsz) return -1;
            if (o > 1) out[o++] = '/';
            memcpy(out + o, p, n);
            o += n;
            out[o] = 0;
        }
        p = e;
    }
    return 0;
}

static char *resolve(loader *ld, const char *p)
{
    char *out = NULL;
    if (p[0] == '/') return dup_or_oom(ld, p);
    if (asprintf(&out, "%s/%s", ld->base_dir, p) < 0) {
        note_oom(ld);
        return NULL;
    }
    return out;
}

/* 0 when PATH can be opened for reading and is not a directory, else an errno value.
 * open() rather than access(R_OK): access() answers for the real uid and says yes to root
 * for any existing file, while open() is exactly what the daemon will do later. */
static int readable(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return errno;
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) < 0)
        err = errno;
    else if (S_ISDIR(st.st_mode))
        err = EISDIR;
    close(fd);
    return err;
}

/* A file the daemon reads (certificate, key, users file): resolved, then checked. */
static char *get_file(loader *ld, json_t *obj, const char *parent, const char *key)
{
    const char *s = get_str(ld, obj, parent, key, false);
    if (!s) return NULL;
    char *p = resolve(ld, s);
    if (!p) return NULL;
    int err = readable(p);
    if (err) {
        char path[PATH_BUF], pbuf[FILE_SHOW_BUF];
        join(path, parent, key);
        problem(ld, path, "cannot read %s: %s", show_path(p, pbuf), strerror(err));
    }
    return p; /* kept even when unreadable, so later rules know the key was given */
}

/* ---- addresses ------------------------------------------------------------------------- */

static bool valid_hostname(const char *h)
{
    size_t n = strlen(h), label = 0;
    if (n == 0 || n > 253) return false;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (c == '.') {
            if (label == 0 || h[i - 1] == '-') return false;
            label = 0;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  (c == '-' && label > 0);
        if (!ok || ++label > 63) return false;
    }
    return h[n - 1] != '-';
}

/* Parses "host:port" into OUT (host allocated). LISTEN allows the wildcards "*", 0.0.0.0 and
 * [::]; a peer address must be reachable. Returns 0, -1 with *why set, or -2 (no memory). */
static int addr_parse(const char *s, bool listen, config_addr *out, const char **why)
{
    const char *host, *hend, *port;
    if (s[0] == '[') {
        host = s + 1;
        hend = strchr(host, ']');
        if (!hend) {
            *why = "missing ']' after the IPv6 address";
            return -1;
        }
        if (hend[1] != ':') {
            *why = "expected [ipv6]:port";
            return -1;
        }
        port = hend + 2;
    } else {
        hend = strrchr(s, ':');
        if (!hend) {
            *why = "expected host:port";
            return -1;
        }
        if (memchr(s, ':', (size_t)(hend - s))) {
            *why = "an IPv6 address needs brackets: [addr]:port";
            return -1;
        }
        host = s;
        port = hend + 1;
    }
    size_t hlen = (size_t)(hend - host);
    if (hlen == 0) {
        *why = "empty host";
        return -1;
    }
    if (hlen > 253) {
        *why = "host name too long";
        return -1;
    }
    char h[256];
    memcpy(h, host, hlen);
    h[hlen] = '\0';

    unsigned char bin[16];
    bool wildcard = false;
    if (s[0] == '[') {
        if (inet_pton(AF_INET6, h, bin) != 1) {
            *why = "bad IPv6 address";
            return -1;
        }
        static const unsigned char any6[16];
        wildcard = memcmp(bin, any6, 16) == 0;
    } else if (strcmp(h, "*") == 0) {
        wildcard = true;
    } else if (strspn(h, "0123456789.") == hlen) {
        if (inet_pton(AF_INET, h, bin) != 1) {
            *why = "bad IPv4 address";
            return -1;
        }
        wildcard = memcmp(bin, "\0\0\0\0", 4) == 0;
    } else if (!valid_hostname(h)) {
        *why = "bad host name";
        return -1;
    }
    if (wildcard && !listen) {
        *why = "a wildcard address cannot be connected to; give the peer's address";
        return -1;
    }

    size_t plen = strlen(port);
    if (plen == 0 || plen > 5 || strspn(port, "0123456789") != plen) {
        *why = "port must be a number 1..65535";
        return -1;
    }
    long pn = strtol(port, NULL, 10);
    if (pn < 1 || pn > 65535) {
        *why = "port must be a number 1..65535";
        return -1;
    }
    out->host = strdup(h);
    if (!out->host) return -2;
    out->port = (uint16_t)pn;
    return 0;
}

static bool parse_addr_value(loader *ld, json_t *v, const char *path, bool listen, config_addr *out)
{
    if (!json_is_string(v)) {
        problem(ld, path, "expected a \"host:port\" string, got %s", type_name(v));
        return false;
    }
    const char *why = NULL;
    const char *s = json_string_value(v);
    int r = addr_parse(s, listen, out, &why);
    if (r == -2) note_oom(ld);
    if (r == -1) {
        char vbuf[SHOW_BUF];
        problem(ld, path, "bad address %s: %s", show(s, vbuf), why);
    }
    return r == 0;
}

static bool get_addr(loader *ld, json_t *obj, const char *parent, const char *key, bool listen,
                     bool required, config_addr *out)
{
    json_t *v = obj ? json_object_get(obj, key) : NULL;
    char path[PATH_BUF];
    join(path, parent, key);
    if (!v) {
        if (required) problem(ld, path, "required key is missing");
        return false;
    }
    config_addr a = {0};
    if (!parse_addr_value(ld, v, path, listen, &a)) return false;
    free(out->host); /* replaces the default */
    *out = a;
    return true;
}

static bool host_is_loopback(const char *h)
{
    unsigned char bin[16];
    if (strcmp(h, "localhost") == 0) return true;
    if (inet_pton(AF_INET, h, bin) == 1) return bin[0] == 127;
    if (inet_pton(AF_INET6, h, bin) == 1) {
        static const unsigned char one6[16] = {[15] = 1};
        return memcmp(bin, one6, 16) == 0;
    }
    return false;
}

static bool host_is_wildcard(const char *h)
{
    return strcmp(h, "*") == 0 || strcmp(h, "0.0.0.0") == 0 || strcmp(h, "::") == 0;
}

/* Parses a rule's address: "all", or an address with an optional /prefix (a bare address
 * means that one host). *norm gets "all" or "addr/len"; *loopback says whether every address
 * it matches is a loopback one. Returns 0, -1 with *why, or -2 (no memory). */
static int cidr_parse(const char *s, char **norm, bool *loopback, const char **why)
{
    if (strcmp(s, "all") == 0) {
        *loopback = false;
        *norm = strdup(s);
        return *norm ? 0 : -2;
    }
    const char *slash = strchr(s, '/');
    size_t alen = slash ? (size_t)(slash - s) : strlen(s);
    char a[64];
    if (alen == 0 || alen >= sizeof(a)) {
        *why = "expected \"all\" or address/prefix";
        return -1;
    }
    memcpy(a, s, alen);
    a[alen] = '\0';
    unsigned char bin[16];
    int bits;
    if (inet_pton(AF_INET, a, bin) == 1)
        bits = 32;
    else if (inet_pton(AF_INET6, a, bin) == 1)
        bits = 128;
    else {
        *why = "not an IPv4 or IPv6 address";
        return -1;
    }
    int len = bits;
    if (slash) {
        const char *p = slash + 1;
        size_t plen = strlen(p);
        if (plen == 0 || plen > 3 || strspn(p, "0123456789") != plen) {
            *why = "bad prefix length";
            return -1;
        }
        len = atoi(p);
        if (len > bits) {
            *why = bits == 32 ? "prefix length must be 0..32 for IPv4"
                              : "prefix length must be 0..128 for IPv6";
            return -1;
        }
    }
    if (bits == 32) {
        *loopback = bin[0] == 127 && len >= 8;
    } else {
        static const unsigned char one6[16] = {[15] = 1};
        *loopback = memcmp(bin, one6, 16) == 0 && len == 128;
    }
    if (asprintf(norm, "%s/%d", a, len) < 0) {
        *norm = NULL;
        return -2;
    }
    return 0;
}

/* ---- sections -------------------------------------------------------------------------- */

static const char *const ROOT_KEYS[] = {"node",    "sql", "replication", "storage",
                                        "metrics", "log", "clock",       NULL};
static const char *const NODE_KEYS[] = {"name", "id", "data_dir", NULL};
static const char *const SQL_KEYS[] = {"listen",
                                       "max_connections",
                                       "superuser_reserved_connections",
                                       "idle_timeout_s",
                                       "auth_timeout_s",
                                       "max_message_bytes",
                                       "statement_timeout_ms",
                                       "slow_statement_ms",
                                       "threads",
                                       "tls",
                                       "auth",
                                       NULL};
static const char *const SQL_TLS_KEYS[] = {"mode", "cert", "key", NULL};
static const char *const AUTH_KEYS[] = {"method", "users_file", "rules", "allow_trust_remote",
                                        NULL};
static const char *const RULE_KEYS[] = {"cidr", "user", "method", NULL};
static const char *const REPL_KEYS[] = {"listen",
                                        "tls",
                                        "peers",
                                        "batch_max_delay_ms",
                                        "batch_max_bytes",
                                        "log_retention_mb",
                                        "anti_entropy_interval_s",
                                        "max_inflight_batches",
                                        "relay_grace_ms",
                                        NULL};
static const char *const REPL_TLS_KEYS[] = {"ca", "cert", "key", NULL};
static const char *const PEER_KEYS[] = {"name", "id", "address", NULL};
static const char *const STORAGE_KEYS[] = {"sync", "sync_interval_ms", "block_cache_mb", "row_cache_mb", "min_free_mb",
                                           "backup_dir", NULL};
static const char *const METRICS_KEYS[] = {"listen", "enabled", NULL};
static const char *const LOG_KEYS[] = {"format", "level", NULL};
static const char *const CLOCK_KEYS[] = {"max_skew_ms", NULL};

/* The values a key takes when absent (documented in config/README.md). Strings that have a
 * default (metrics.listen) are set by the callers, which own the allocation. */
static void set_defaults(config *cfg)
{
    cfg->sql.max_connections = 200;
    cfg->sql.superuser_reserved = 3;
    cfg->sql.idle_timeout_s = 0;
    cfg->sql.auth_timeout_s = 10;
    cfg->sql.max_message_bytes = 64u << 20;
    cfg->sql.statement_timeout_ms = 0;
    cfg->sql.threads = 0;
    cfg->sql.slow_statement_ms = 0;
    cfg->sql.tls.mode = CONFIG_TLS_OFF;
    cfg->sql.auth.method = CONFIG_AUTH_SCRAM;
    cfg->sql.auth.allow_trust_remote = false;
    cfg->replication.enabled = false;
    cfg->replication.batch_max_delay_ms = 2;
    cfg->replication.batch_max_bytes = 1u << 20;
    cfg->replication.log_retention_mb = 1024;
    cfg->replication.anti_entropy_interval_s = 60;
    cfg->replication.max_inflight_batches = 32;
    cfg->replication.relay_grace_ms = 1000;
    cfg->storage.sync = CONFIG_SYNC_ALWAYS;
    cfg->storage.sync_interval_ms = 10;
    cfg->storage.block_cache_mb = 128;
    cfg->storage.row_cache_mb = 64;
    cfg->storage.min_free_mb = 256;
    cfg->metrics.enabled = true;
    cfg->log.format = CONFIG_LOG_TEXT;
    cfg->log.level = CONFIG_LOG_INFO;
    cfg->max_clock_skew_ms = 500;
}

static void load_node(loader *ld, json_t *root)
{
    config *cfg = ld->cfg;
    json_t *node = get_section(ld, root, "", "node", NODE_KEYS);
    if (!node) {
        if (!json_object_get(root, "node")) {
            missing(ld, "node", "name");
            missing(ld, "node", "id");
            missing(ld, "node", "data_dir");
        }
        return;
    }
    cfg->node.name = get_name(ld, node, "node", "name", true);
    long long id;
    if (get_int(ld, node, "node", "id", 1, 65535, true, &id)) cfg->node.id = (uint16_t)id;
    const char *dd = get_str(ld, node, "node", "data_dir", true);
    if (dd) {
        cfg->node.data_dir = resolve(ld, dd);
        struct stat st;
        char pbuf[FILE_SHOW_BUF];
        if (cfg->node.data_dir && stat(cfg->node.data_dir, &st) == 0 && !S_ISDIR(st.st_mode))
            problem(ld, "node.data_dir", "%s exists and is not a directory",
                    show_path(cfg->node.data_dir, pbuf));
    }
}

static void load_sql_listen(loader *ld, json_t *sql)
{
    config *cfg = ld->cfg;
    json_t *v = sql ? json_object_get(sql, "listen") : NULL;
    if (!v) {
        problem(ld, "sql.listen", "required key is missing");
        return;
    }
    if (json_is_string(v)) {
        if (parse_addr_value(ld, v, "sql.listen", true, &cfg->sql.listen[0])) cfg->sql.nlisten = 1;
        return;
    }
    if (!json_is_array(v)) {
        problem(ld, "sql.listen", "expected a \"host:port\" string or an array of them, got %s",
                type_name(v));
        return;
    }
    size_t n = json_array_size(v);
    if (n == 0 || n > CONFIG_MAX_LISTEN) {
        problem(ld, "sql.listen", "needs 1..%d addresses, got %zu", CONFIG_MAX_LISTEN, n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char path[PATH_BUF];
        snprintf(path, sizeof(path), "sql.listen[%zu]", i);
        config_addr a = {0};
        if (!parse_addr_value(ld, json_array_get(v, i), path, true, &a)) continue;
        for (int j = 0; j < cfg->sql.nlisten; j++) {
            if (cfg->sql.listen[j].port == a.port && strcmp(cfg->sql.listen[j].host, a.host) == 0) {
                problem(ld, path, "duplicate address %s:%u", a.host, a.port);
                break;
            }
        }
        cfg->sql.listen[cfg->sql.nlisten++] = a;
    }
}

/* The optional array at obj[key] (path names it in problems), holding at most max items of
 * what ("rules", "peers"). Returns it with *n set, or NULL when absent or refused. */
static json_t *bounded_array(loader *ld, json_t *obj, const char *key, const char *path,
                             const char *what, size_t max, size_t *n)
{
    json_t *a = json_object_get(obj, key);
    *n = 0;
    if (!a) return NULL;
    if (!json_is_array(a)) {
        problem(ld, path, "expected an array of %s, got %s", what, type_name(a));
        return NULL;
    }
    if (json_array_size(a) > max) {
        problem(ld, path, "too many %s (%zu, at most %zu)", what, json_array_size(a), max);
        return NULL;
    }
    *n = json_array_size(a);
    return a;
}

/* Rules are read before their default method is known (sql.auth.method may come later in the
 * object), so a rule without "method" is marked here and filled in by load_sql. */
#define METHOD_UNSET (-1)

static void load_rules(loader *ld, json_t *auth)
{
    config *cfg = ld->cfg;
    size_t n;
    json_t *rules = bounded_array(ld, auth, "rules", "sql.auth.rules", "rules", CONFIG_MAX_HBA, &n);
    if (!rules) return;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_BUF];
        snprintf(path, sizeof(path), "sql.auth.rules[%zu]", i);
        json_t *r = json_array_get(rules, i);
        if (!json_is_object(r)) {
            problem(ld, path, "expected an object, got %s", type_name(r));
            continue;
        }
        check_keys(ld, r, path, RULE_KEYS);
        config_hba_rule *rule = &cfg->sql.auth.rules[cfg->sql.auth.nrules++];
        rule->method = (config_auth_method)METHOD_UNSET;
        const char *cidr = get_str(ld, r, path, "cidr", true);
        if (cidr) {
            bool lo;
            const char *why = NULL;
            int rc = cidr_parse(cidr, &rule->cidr, &lo, &why);
            if (rc == -2) note_oom(ld);
            if (rc == -1) {
                char p2[PATH_BUF], vbuf[SHOW_BUF];
                join(p2, path, "cidr");
                problem(ld, p2, "bad CIDR %s: %s", show(cidr, vbuf), why);
            }
        }
        const char *user = get_str(ld, r, path, "user", false);
        if (user && strlen(user) > NAME_MAX_LEN) {
            char p2[PATH_BUF];
            join(p2, path, "user");
            problem(ld, p2, "user name longer than %d bytes", NAME_MAX_LEN);
            user = NULL;
        }
        rule->user = dup_or_oom(ld, user ? user : "all");
        int m;
        if (get_enum(ld, r, path, "method", AUTH_NAMES, &m))
            rule->method = (config_auth_method)m;
        else if (json_object_get(r, "method"))
            ld->auth_unknown = true;
    }
}

static void load_sql(loader *ld, json_t *root)
{
    config *cfg = ld->cfg;
    json_t *sql = get_section(ld, root, "", "sql", SQL_KEYS);
    if (!sql && json_object_get(root, "sql")) { /* wrong type, reported */
        ld->auth_unknown = true;
        return;
    }
    load_sql_listen(ld, sql);
    if (!sql) return;
    GET_NUM(cfg->sql.max_connections, sql, "sql", "max_connections", 1, 100000);
    GET_NUM(cfg->sql.superuser_reserved, sql, "sql", "superuser_reserved_connections", 0, 100000);
    GET_NUM(cfg->sql.idle_timeout_s, sql, "sql", "idle_timeout_s", 0, 7 * 86400);
    GET_NUM(cfg->sql.auth_timeout_s, sql, "sql", "auth_timeout_s", 1, 3600);
    GET_NUM(cfg->sql.max_message_bytes, sql, "sql", "max_message_bytes", 4096, 1 << 30);
    GET_NUM(cfg->sql.statement_timeout_ms, sql, "sql", "statement_timeout_ms", 0, INT_MAX);
    GET_NUM(cfg->sql.slow_statement_ms, sql, "sql", "slow_statement_ms", 0, INT_MAX);
    GET_NUM(cfg->sql.threads, sql, "sql", "threads", 0, 64);

    json_t *tls = get_section(ld, sql, "sql", "tls", SQL_TLS_KEYS);
    cfg->sql.tls.cert = get_file(ld, tls, "sql.tls", "cert");
    cfg->sql.tls.key = get_file(ld, tls, "sql.tls", "key");
    bool have_pair = cfg->sql.tls.cert && cfg->sql.tls.key;
    int mode = have_pair ? CONFIG_TLS_PREFER : CONFIG_TLS_OFF;
    bool mode_given = get_enum(ld, tls, "sql.tls", "mode", TLS_NAMES, &mode);
    cfg->sql.tls.mode = (config_tls_mode)mode;
    if (mode != CONFIG_TLS_OFF) {
        if (!cfg->sql.tls.cert && !(tls && json_object_get(tls, "cert")))
            problem(ld, "sql.tls.cert", "required when sql.tls.mode is %s",
                    config_tls_mode_name(cfg->sql.tls.mode));
        if (!cfg->sql.tls.key && !(tls && json_object_get(tls, "key")))
            problem(ld, "sql.tls.key", "required when sql.tls.mode is %s",
                    config_tls_mode_name(cfg->sql.tls.mode));
    } else if (!mode_given && (cfg->sql.tls.cert || cfg->sql.tls.key) && !have_pair) {
        problem(ld, cfg->sql.tls.cert ? "sql.tls.key" : "sql.tls.cert",
                "required when sql.tls.%s is set", cfg->sql.tls.cert ? "cert" : "key");
    }

    json_t *auth = get_section(ld, sql, "sql", "auth", AUTH_KEYS);
    if (!auth && json_object_get(sql, "auth")) ld->auth_unknown = true;
    int m;
    if (get_enum(ld, auth, "sql.auth", "method", AUTH_NAMES, &m))
        cfg->sql.auth.method = (config_auth_method)m;
    else if (auth && json_object_get(auth, "method"))
        ld->auth_unknown = true;
    cfg->sql.auth.users_file = get_file(ld, auth, "sql.auth", "users_file");
    get_bool(ld, auth, "sql.auth", "allow_trust_remote", &cfg->sql.auth.allow_trust_remote);
    if (auth) load_rules(ld, auth);
    for (int i = 0; i < cfg->sql.auth.nrules; i++)
        if ((int)cfg->sql.auth.rules[i].method == METHOD_UNSET)
            cfg->sql.auth.rules[i].method = cfg->sql.auth.method;
}

static void load_peers(loader *ld, json_t *repl)
{
    config *cfg = ld->cfg;
    size_t n;
    json_t *peers =
        bounded_array(ld, repl, "peers", "replication.peers", "peers", CONFIG_MAX_PEERS, &n);
    if (!peers) return;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_BUF], p2[PATH_BUF];
        snprintf(path, sizeof(path), "replication.peers[%zu]", i);
        json_t *o = json_array_get(peers, i);
        if (!json_is_object(o)) {
            problem(ld, path, "expected an object, got %s", type_name(o));
            continue;
        }
        check_keys(ld, o, path, PEER_KEYS);
        int idx = cfg->replication.npeers++;
        config_peer *p = &cfg->replication.peers[idx];
        p->name = get_name(ld, o, path, "name", true);
        long long id;
        if (get_int(ld, o, path, "id", 1, 65535, true, &id)) p->id = (uint16_t)id;
        get_addr(ld, o, path, "address", false, true, &p->address);

        join(p2, path, "id");
        if (p->id && p->id == cfg->node.id)
            problem(ld, p2, "%u is this node's own id (node.id); a node is not its own peer",
                    p->id);
        for (int j = 0; p->id && j < idx; j++) {
            if (cfg->replication.peers[j].id == p->id) {
                problem(ld, p2, "duplicate id %u (also used by peers[%d])", p->id, j);
                break;
            }
        }
        join(p2, path, "name");
        if (p->name && cfg->node.name && strcmp(p->name, cfg->node.name) == 0)
            problem(ld, p2,
                    "\"%s\" is this node's own name (node.name); a node is not its own "
                    "peer",
                    p->name);
        for (int j = 0; p->name && j < idx; j++) {
            const char *other = cfg->replication.peers[j].name;
            if (other && strcmp(other, p->name) == 0) {
                problem(ld, p2, "duplicate name \"%s\" (also used by peers[%d])", p->name, j);
                break;
            }
        }
    }
}

static void load_replication(loader *ld, json_t *root)
{
    config *cfg = ld->cfg;
    json_t *repl = get_section(ld, root, "", "replication", REPL_KEYS);
    if (!repl) return;
    cfg->replication.enabled = true;
    get_addr(ld, repl, "replication", "listen", true, true, &cfg->replication.listen);

    json_t *tls = get_section(ld, repl, "replication", "tls", REPL_TLS_KEYS);
    char **slots[] = {&cfg->replication.tls.ca, &cfg->replication.tls.cert,
                      &cfg->replication.tls.key};
    for (int i = 0; i < 3; i++) {
        const char *key = REPL_TLS_KEYS[i];
        *slots[i] = get_file(ld, tls, "replication.tls", key);
        bool given = tls ? json_object_get(tls, key) != NULL
                         : json_object_get(repl, "tls") != NULL; /* wrong type, reported */
        if (!given && !cfg->dev) {
            char path[PATH_BUF];
            join(path, "replication.tls", key);
            problem(ld, path,
                    "required when replication is enabled (peers authenticate each other with "
                    "mutual TLS)");
        }
    }
    load_peers(ld, repl);
    GET_NUM(cfg->replication.batch_max_delay_ms, repl, "replication", "batch_max_delay_ms", 0,
            60000);
    GET_NUM(cfg->replication.batch_max_bytes, repl, "replication", "batch_max_bytes", 4096,
            64 << 20);
    GET_NUM(cfg->replication.log_retention_mb, repl, "replication", "log_retention_mb", 1, 1 << 20);
    GET_NUM(cfg->replication.anti_entropy_interval_s, repl, "replication",
            "anti_entropy_interval_s", 0, 86400);
    GET_NUM(cfg->replication.max_inflight_batches, repl, "replication", "max_inflight_batches",
            1, 64);
    GET_NUM(cfg->replication.relay_grace_ms, repl, "replication", "relay_grace_ms", 0, 60000);
}

static void load_storage(loader *ld, json_t *root)
{
    config *cfg = ld->cfg;
    json_t *st = get_section(ld, root, "", "storage", STORAGE_KEYS);
    if (!st) return;
    GET_ENUM(cfg->storage.sync, st, "storage", "sync", SYNC_NAMES);
    GET_NUM(cfg->storage.sync_interval_ms, st, "storage", "sync_interval_ms", 1, 60000);
    GET_NUM(cfg->storage.block_cache_mb, st, "storage", "block_cache_mb", 0, 1 << 20);
    GET_NUM(cfg->storage.row_cache_mb, st, "storage", "row_cache_mb", 0, 1 << 20);
    GET_NUM(cfg->storage.min_free_mb, st, "storage", "min_free_mb", 0, 1 << 20);
    const char *bd = get_str(ld, st, "storage", "backup_dir", false);
    if (bd) cfg->storage.backup_dir = resolve(ld, bd);
}

/* a is b or lies under it (both absolute, compared as written after removing "." and ".."
 * components and repeated slashes) */
static bool path_within(const char *a, const char *b)
{
    char na[4096], nb[4096];
    if (config_path_normalize(a, na, sizeof na) || config_path_normalize(b, nb, sizeof nb))
        return false;
    size_t n = strlen(nb);
    if (n == 1) return true; /* "/" */
    return !strncmp(na, nb, n) && (na[n] == 0 || na[n] == '/');
}

static void load_metrics(loader *ld, json_t *root)
{
    config *cfg = ld->cfg;
    json_t *m = get_section(ld, root, "", "metrics", METRICS_KEYS);
    get_bool(ld, m, "metrics", "enabled", &cfg->metrics.enabled);
    get_addr(ld, m, "metrics", "listen", true, false, &cfg->metrics.listen);
}

static void load_log(loader *ld, json_t *root)
{
    config *cfg = ld->cfg;
    json_t *l = get_section(ld, root, "", "log", LOG_KEYS);
    GET_ENUM(cfg->log.format, l, "log", "format", LOG_FORMAT_NAMES);
    GET_ENUM(cfg->log.level, l, "log", "level", LOG_LEVEL_NAMES);
}

static void load_clock(loader *ld, json_t *root)
{
    config *cfg = ld->cfg;
    json_t *c = get_section(ld, root, "", "clock", CLOCK_KEYS);
    GET_NUM(cfg->max_clock_skew_ms, c, "clock", "max_skew_ms", 1, 3600000);
}

static bool method_needs_users(config_auth_method m)
{
    return m == CONFIG_AUTH_PASSWORD || m == CONFIG_AUTH_MD5 || m == CONFIG_AUTH_SCRAM;
}

/* Rules that span sections, run on the values already read. */
static void check_cross(loader *ld)
{
    config *cfg = ld->cfg;

    /* Backups must not land in the live data directory (nor hold it). */
    if (cfg->storage.backup_dir && cfg->node.data_dir &&
        (path_within(cfg->storage.backup_dir, cfg->node.data_dir) ||
         path_within(cfg->node.data_dir, cfg->storage.backup_dir)))
        problem(ld, "storage.backup_dir", "must not be or contain node.data_dir, nor lie inside it");

    /* A password method without a users file would lock everyone out, unless a trust rule
     * lets someone in to create roles (CREATE ROLE ... PASSWORD: roles of the catalog). */
    bool trust_rule = false;
    for (int i = 0; i < cfg->sql.auth.nrules; i++)
        trust_rule = trust_rule || cfg->sql.auth.rules[i].method == CONFIG_AUTH_TRUST;
    if (!cfg->sql.auth.users_file && !ld->auth_unknown && !trust_rule) {
        const char *why = NULL;
        config_auth_method m = cfg->sql.auth.method;
        if (cfg->sql.auth.nrules == 0 && method_needs_users(m)) why = "sql.auth.method";
        for (int i = 0; !why && i < cfg->sql.auth.nrules; i++)
            if (method_needs_users(cfg->sql.auth.rules[i].method)) {
                m = cfg->sql.auth.rules[i].method;
                why = "a rule in sql.auth.rules";
            }
        if (why)
            problem(ld, "sql.auth.users_file", "required by method %s (%s)",
                    config_auth_method_name(m), why);
    }

    /* trust on an address reachable from the network means no password at all. */
    const config_addr *pub = NULL;
    for (int i = 0; i < cfg->sql.nlisten && !pub; i++)
        if (!host_is_loopback(cfg->sql.listen[i].host)) pub = &cfg->sql.listen[i];
    if (pub && !cfg->sql.auth.allow_trust_remote && !ld->auth_unknown) {
        const char *advice = "anyone who can reach it logs in as any user without a password; "
                             "listen on loopback, choose another method, or set "
                             "sql.auth.allow_trust_remote: true";
        /* A client no rule matches gets sql.auth.method (server/hba.c), so a trust default
         * is exposed unless a catch-all rule comes first. */
        bool catch_all = false;
        for (int i = 0; i < cfg->sql.auth.nrules && !catch_all; i++) {
            const config_hba_rule *r = &cfg->sql.auth.rules[i];
            catch_all =
                r->cidr && r->user && strcmp(r->cidr, "all") == 0 && strcmp(r->user, "all") == 0;
        }
        if (!catch_all && cfg->sql.auth.method == CONFIG_AUTH_TRUST)
            problem(ld, "sql.auth.method", "trust%s on non-loopback sql.listen %s:%u: %s",
                    cfg->sql.auth.nrules ? " (for clients no rule matches)" : "", pub->host,
                    pub->port, advice);
        for (int i = 0; i < cfg->sql.auth.nrules; i++) {
            const config_hba_rule *r = &cfg->sql.auth.rules[i];
            bool lo = false;
            char *norm = NULL;
            const char *why;
            if (r->method != CONFIG_AUTH_TRUST || !r->cidr) continue;
            if (cidr_parse(r->cidr, &norm, &lo, &why) == -2) note_oom(ld);
            free(norm);
            if (lo) continue;
            char path[PATH_BUF];
            snprintf(path, sizeof(path), "sql.auth.rules[%d].method", i);
            problem(ld, path, "trust for %s on non-loopback sql.listen %s:%u: %s", r->cidr,
                    pub->host, pub->port, advice);
        }
    }

    /* Both are TCP listeners in the same process: the second bind would fail at start. */
    if (cfg->metrics.enabled && cfg->metrics.listen.host) {
        const config_addr *m = &cfg->metrics.listen;
        for (int i = 0; i < cfg->sql.nlisten; i++) {
            const config_addr *s = &cfg->sql.listen[i];
            if (s->port != m->port) continue;
            if (strcmp(s->host, m->host) == 0 || host_is_wildcard(s->host) ||
                host_is_wildcard(m->host)) {
                problem(ld, "metrics.listen", "%s:%u conflicts with sql.listen %s:%u", m->host,
                        m->port, s->host, s->port);
                break;
            }
        }
    }
}

static void load_root(loader *ld, json_t *root)
{
    config *cfg = ld->cfg;
    check_keys(ld, root, "", ROOT_KEYS);
    set_defaults(cfg);
    cfg->metrics.listen.host = dup_or_oom(ld, "127.0.0.1");
    cfg->metrics.listen.port = 9187;
    load_node(ld, root);
    load_sql(ld, root);
    load_replication(ld, root);
    load_storage(ld, root);
    load_metrics(ld, root);
    load_log(ld, root);
    load_clock(ld, root);
    check_cross(ld);
    if (cfg->sql.auth.nrules == 0) {
        /* One path for the server: it always walks the rules. */
        config_hba_rule *r = &cfg->sql.auth.rules[0];
        r->cidr = dup_or_oom(ld, "all");
        r->user = dup_or_oom(ld, "all");
        r->method = cfg->sql.auth.method;
        cfg->sql.auth.nrules = 1;
    }
}

/* ---- entry points ---------------------------------------------------------------------- */

/* Makes DIR absolute against the current directory (NULL means the current directory). */
static char *absolute_dir(const char *dir)
{
    if (dir && dir[0] == '/') return strdup(dir);
    char *cwd = getcwd(NULL, 0);
    if (!cwd) return NULL;
    if (!dir || !dir[0] || strcmp(dir, ".") == 0) return cwd;
    char *out = NULL;
    if (asprintf(&out, "%s/%s", cwd, dir) < 0) out = NULL;
    free(cwd);
    return out;
}

static int load_text(loader *ld, const char *text, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        char where[64];
        snprintf(where, sizeof(where), "line %d, column %d", jerr.line, jerr.column);
        char tbuf[FILE_SHOW_BUF];
        problem(ld, where, "invalid JSON: %s", escape(jerr.text, sizeof(jerr.text), false, tbuf));
    } else if (!json_is_object(root)) {
        problem(ld, "(top level)", "expected an object, got %s", type_name(root));
    } else {
        load_root(ld, root);
    }
    json_decref(root);
    if (ld->nproblems || ld->oom) {
        config_free(ld->cfg);
        return -1;
    }
    return 0;
}

static void begin(loader *ld, config *cfg, config_errors *errs)
{
    memset(ld, 0, sizeof(*ld));
    memset(cfg, 0, sizeof(*cfg));
    if (errs) memset(errs, 0, sizeof(*errs));
    ld->cfg = cfg;
    ld->errs = errs;
}

int config_load_string(const char *json, const char *base_dir, config *cfg, config_errors *errs)
{
    loader ld;
    begin(&ld, cfg, errs);
    ld.base_dir = absolute_dir(base_dir);
    if (!ld.base_dir) return -1;
    int rc = load_text(&ld, json, strlen(json));
    free(ld.base_dir);
    return rc;
}

/* Reads at most MAX_FILE_BYTES of a regular file. Returns 0 or an errno value. */
static int slurp(const char *path, char **out, size_t *len)
{
    int err = 0;
    char *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return errno;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        err = errno;
        goto close_fd;
    }
    if (S_ISDIR(st.st_mode)) {
        err = EISDIR;
        goto close_fd;
    }
    if (st.st_size > MAX_FILE_BYTES) {
        err = EFBIG;
        goto close_fd;
    }
    size_t cap = MAX_FILE_BYTES + 1, n = 0;
    buf = malloc(cap);
    if (!buf) {
        err = ENOMEM;
        goto close_fd;
    }
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            err = errno;
            goto free_buf;
        }
        if (r == 0) break;
        n += (size_t)r;
        if (n == cap) { /* grew after fstat */
            err = EFBIG;
            goto free_buf;
        }
    }
    close(fd);
    *out = buf;
    *len = n;
    return 0;
free_buf:
    free(buf);
close_fd:
    close(fd);
    return err;
}

int config_load(const char *path, config *cfg, config_errors *errs)
{
    loader ld;
    begin(&ld, cfg, errs);
    char *text = NULL;
    size_t len = 0;
    int err = slurp(path, &text, &len);
    if (err) {
        if (err == ENOMEM) return -1;
        char pbuf[FILE_SHOW_BUF];
        problem(&ld, show_path(path, pbuf), "cannot read the config file: %s",
                err == EFBIG ? "larger than 1 MiB" : strerror(err));
        return -1;
    }
    int rc = -1;
    char *abs = realpath(path, NULL);
    if (!abs) {
        char pbuf[FILE_SHOW_BUF];
        if (errno != ENOMEM)
            problem(&ld, show_path(path, pbuf), "cannot resolve the path: %s", strerror(errno));
        goto free_text;
    }
    char *slash = strrchr(abs, '/');
    ld.base_dir = slash == abs ? strdup("/") : strndup(abs, (size_t)(slash - abs));
    if (!ld.base_dir) goto free_abs;
    rc = load_text(&ld, text, len);
    if (rc == 0) {
        cfg->path = abs;
        abs = NULL;
    }
    free(ld.base_dir);
free_abs:
    free(abs);
free_text:
    free(text);
    return rc;
}

int config_dev(config *cfg, const char *data_dir, int port)
{
    memset(cfg, 0, sizeof(*cfg));
    if (port > 65535) return -1;
    if (port <= 0) port = 5432;
    set_defaults(cfg);
    cfg->dev = true;
    cfg->node.id = 1;
    cfg->node.name = strdup("dev");
    char *cwd = absolute_dir(NULL);
    if (!cwd) goto fail;
    const char *dd = data_dir && data_dir[0] ? data_dir : "helios-data";
    if (dd[0] == '/')
        cfg->node.data_dir = strdup(dd);
    else if (asprintf(&cfg->node.data_dir, "%s/%s", cwd, dd) < 0)
        cfg->node.data_dir = NULL;
    free(cwd);

    static const char *const hosts[] = {"127.0.0.1", "::1"};
    for (int i = 0; i < 2; i++) {
        cfg->sql.listen[i].host = strdup(hosts[i]);
        cfg->sql.listen[i].port = (uint16_t)port;
        if (!cfg->sql.listen[i].host) goto fail;
    }
    cfg->sql.nlisten = 2;
    /* Explicit loopback rules and a final reject rather than one "all" rule: should a listen
     * address ever be added, trust must still not reach beyond this machine. */
    static const struct {
        const char *cidr;
        config_auth_method method;
    } rules[] = {{"127.0.0.0/8", CONFIG_AUTH_TRUST},
                 {"::1/128", CONFIG_AUTH_TRUST},
                 {"all", CONFIG_AUTH_REJECT}};
    for (int i = 0; i < 3; i++) {
        config_hba_rule *r = &cfg->sql.auth.rules[i];
        r->cidr = strdup(rules[i].cidr);
        r->user = strdup("all");
        r->method = rules[i].method;
        if (!r->cidr || !r->user) goto fail;
    }
    cfg->sql.auth.nrules = 3;
    cfg->sql.auth.method = CONFIG_AUTH_TRUST;
    cfg->metrics.listen.host = strdup("127.0.0.1");
    cfg->metrics.listen.port = 9187;
    if (!cfg->node.name || !cfg->node.data_dir || !cfg->metrics.listen.host) goto fail;
    return 0;
fail:
    config_free(cfg);
    return -1;
}

void config_free(config *cfg)
{
    if (!cfg) return;
    free(cfg->path);
    free(cfg->node.name);
    free(cfg->node.data_dir);
    /* Whole arrays, not just the counted prefix: a load that failed half-way may have filled
     * slots its counters do not cover yet. Unused slots are zero. */
    for (int i = 0; i < CONFIG_MAX_LISTEN; i++)
        free(cfg->sql.listen[i].host);
    free(cfg->sql.tls.cert);
    free(cfg->sql.tls.key);
    free(cfg->sql.auth.users_file);
    free(cfg->storage.backup_dir);
    for (int i = 0; i < CONFIG_MAX_HBA; i++) {
        free(cfg->sql.auth.rules[i].cidr);
        free(cfg->sql.auth.rules[i].user);
    }
    free(cfg->replication.listen.host);
    free(cfg->replication.tls.ca);
    free(cfg->replication.tls.cert);
    free(cfg->replication.tls.key);
    for (int i = 0; i < CONFIG_MAX_PEERS; i++) {
        free(cfg->replication.peers[i].name);
        free(cfg->replication.peers[i].address.host);
    }
    free(cfg->metrics.listen.host);
    memset(cfg, 0, sizeof(*cfg));
}
