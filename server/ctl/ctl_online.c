/*
 * server/ctl/ctl_online.c — the online commands: status, peers, tables, digest, lag,
 * wait-converged. Each runs one query on every listed node over libpq, so it inherits TLS,
 * SCRAM and the PG* environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE,
 * ~/.pgpass ...) exactly as psql does.
 *
 *   status          SELECT * FROM helios.node
 *   peers           SELECT * FROM helios.peers
 *   lag             the lag columns of helios.peers
 *   tables          SELECT * FROM helios.tables
 *   digest          SELECT helios_digest()   (equal digests = converged regions)
 *   index-check     SELECT helios_index_check() (every secondary index against a scan of its
 *                   table: 0 entries differ on every node, or exit 1)
 *   wait-converged  digest on every node, every 500 ms, until all are equal or --timeout
 *
 * Nodes: -h/-p (one node), --nodes host:port,... or --cluster DIR (the `nodes` file written by
 * init-cluster; user admin, password from DIR/admin.password, CA DIR/ca.crt, sslmode
 * verify-ca, each overridable). Output: an aligned table (a "node" column first), or with
 * --json an array of objects whose values keep their SQL type (numbers, booleans, JSON).
 * Exit codes: 0 ok, 1 query failed / digests differ / not converged / an index differs from
 * its table, 2 usage, 3 a node could not be reached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "server/ctl/ctl.h"

#define MAX_NODES 64
#define POLL_MS 500

typedef struct node {
    char label[300]; /* "host:port" as given, or "default" */
    char host[256], port[16];
    PGconn *conn;
} node;

typedef struct conn_opts {
    const char *user, *dbname, *password, *sslmode, *sslrootcert;
    char pwbuf[256];
} conn_opts;

typedef struct table {
    int ncols;
    char **names;
    Oid *types;
    int nrows, cap;
    char ***rows; /* rows[r][c], NULL = SQL NULL */
} table;

static void table_free(table *t)
{
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
    for (int c = 0; c < t->ncols; c++) free(t->names[c]);
    free(t->names);
    free(t->types);
    memset(t, 0, sizeof *t);
}

/* Appends res's rows, each prefixed with the node label; the first result fixes the columns. */
static int table_add(table *t, const char *label, const PGresult *res)
{
    int nf = PQnfields(res);
    if (!t->names) {
        t->ncols = nf + 1;
        t->names = calloc((size_t)t->ncols, sizeof *t->names);
        t->types = calloc((size_t)t->ncols, sizeof *t->types);
        if (!t->names || !t->types) return -1;
        if (!(t->names[0] = strdup("node"))) return -1;
        t->types[0] = 25;
        for (int c = 0; c < nf; c++) {
            if (!(t->names[c + 1] = strdup(PQfname(res, c)))) return -1;
            t->types[c + 1] = PQftype(res, c);
        }
    }
    for (int r = 0; r < PQntuples(res); r++) {
        if (t->nrows == t->cap) {
            int ncap = t->cap ? t->cap * 2 : 16;
            char ***nr = realloc(t->rows, (size_t)ncap * sizeof *nr);
            if (!nr) return -1;
            t->rows = nr;
            t->cap = ncap;
        }
        char **row = calloc((size_t)t->ncols, sizeof *row);
        if (!row) return -1;
        t->rows[t->nrows++] = row;
        if (!(row[0] = strdup(label))) return -1;
        for (int c = 0; c < nf && c + 1 < t->ncols; c++)
            if (!PQgetisnull(res, r, c) && !(row[c + 1] = strdup(PQgetvalue(res, r, c))))
                return -1;
    }
    return 0;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static bool looks_numeric(const char *s)
{
    char *end;
    errno = 0;
    (void)strtod(s, &end);
    return *s && !*end && !errno && strcmp(s, "NaN") && !strstr(s, "nfinity");
}

/* A value in JSON according to its PostgreSQL type: numbers, booleans and json/jsonb stay
 * typed, everything else is a string. */
static void json_value(FILE *f, Oid type, const char *v)
{
    if (!v) {
        fputs("null", f);
        return;
    }
    switch (type) {
    case 20: case 21: case 23: case 26: case 700: case 701: case 1700:
        if (looks_numeric(v)) {
            fputs(v, f);
            return;
        }
        break;
    case 16:
        fputs(v[0] == 't' ? "true" : "false", f);
        return;
    case 114: case 3802:
        fputs(v, f);
        return;
    default:
        break;
    }
    json_string(f, v);
}

static void table_print_json(const table *t, FILE *f)
{
    fputc('[', f);
    for (int r = 0; r < t->nrows; r++) {
        fputs(r ? ",\n {" : "{", f);
        for (int c = 0; c < t->ncols; c++) {
            if (c) fputs(", ", f);
            json_string(f, t->names[c]);
            fputs(": ", f);
            json_value(f, t->types[c], t->rows[r][c]);
        }
        fputc('}', f);
    }
    fputs("]\n", f);
}

static void table_print_text(const table *t, FILE *f)
{
    if (!t->ncols) return;
    size_t *w = calloc((size_t)t->ncols, sizeof *w);
    if (!w) return;
    for (int c = 0; c < t->ncols; c++) {
        w[c] = strlen(t->names[c]);
        for (int r = 0; r < t->nrows; r++) {
            size_t l = t->rows[r][c] ? strlen(t->rows[r][c]) : 0;
            if (l > w[c]) w[c] = l;
        }
    }
    for (int c = 0; c < t->ncols; c++)
        fprintf(f, "%s%-*s", c ? " | " : "", (int)w[c], t->names[c]);
    fputc('\n', f);
    for (int c = 0; c < t->ncols; c++) {
        fputs(c ? "-+-" : "", f);
        for (size_t i = 0; i < w[c]; i++) fputc('-', f);
    }
    fputc('\n', f);
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            fprintf(f, "%s%-*s", c ? " | " : "", (int)w[c],
                    t->rows[r][c] ? t->rows[r][c] : "");
        fputc('\n', f);
    }
    fprintf(f, "(%d row%s)\n", t->nrows, t->nrows == 1 ? "" : "s");
    free(w);
}

/* "host:port" or "[v6]:port" into n. Returns 0 or -1. */
static int parse_node(const char *s, node *n)
{
    const char *colon;
    size_t hl;
    const char *h = s;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (!rb || rb[1] != ':') return -1;
        h = s + 1;
        hl = (size_t)(rb - h);
        colon = rb + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon) return -1;
        hl = (size_t)(colon - s);
    }
    long port;
    char *end;
    port = strtol(colon + 1, &end, 10);
    if (hl == 0 || hl >= sizeof n->host || *end || port < 1 || port > 65535) return -1;
    memcpy(n->host, h, hl);
    n->host[hl] = 0;
    snprintf(n->port, sizeof n->port, "%ld", port);
    snprintf(n->label, sizeof n->label, "%.299s", s);
    return 0;
}

static int parse_nodes_list(const char *list, node *nodes, int *n)
{
    char buf[4096];
    if (strlen(list) >= sizeof buf) return -1;
    strcpy(buf, list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n == MAX_NODES || parse_node(tok, &nodes[*n]) < 0) {
            ctl_err("--nodes: bad node \"%s\" (host:port or [v6]:port)", tok);
            return -1;
        }
        (*n)++;
    }
    return *n ? 0 : -1;
}

/* DIR/nodes: "name id host:port" per line, '#' comments. */
static int read_cluster_nodes(const char *dir, node *nodes, int *n)
{
    char path[4096], *text = NULL;
    size_t len;
    snprintf(path, sizeof path, "%s/nodes", dir);
    if (ctl_read_file(path, 1u << 20, &text, &len) < 0) {
        ctl_err("--cluster: cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char name[64], addr[300];
        int id;
        if (line[0] == '#' || !line[0]) continue;
        if (sscanf(line, "%63s %d %299s", name, &id, addr) != 3 || *n == MAX_NODES ||
            parse_node(addr, &nodes[*n]) < 0) {
            ctl_err("%s: bad line \"%s\"", path, line);
            rc = -1;
            break;
        }
        (*n)++;
    }
    free(text);
    if (!rc && !*n) {
        ctl_err("%s lists no nodes", path);
        rc = -1;
    }
    return rc;
}

static int read_password_file(const char *path, conn_opts *o)
{
    char *text;
    size_t len;
    if (ctl_read_file(path, sizeof o->pwbuf - 1, &text, &len) < 0) {
        ctl_err("cannot read password file %s: %s", path, strerror(errno));
        return -1;
    }
    text[strcspn(text, "\r\n")] = 0;
    snprintf(o->pwbuf, sizeof o->pwbuf, "%s", text);
    explicit_bzero(text, len);
    free(text);
    o->password = o->pwbuf;
    return 0;
}

/* Connects n (if not connected). Returns 0, or -1 with the libpq message in err. */
static int node_connect(node *n, const conn_opts *o, char *err, size_t errsz)
{
    if (n->conn && PQstatus(n->conn) == CONNECTION_OK) return 0;
    PQfinish(n->conn);
    const char *k[] = {"host", "port", "user", "dbname", "password", "sslmode", "sslrootcert",
                       "connect_timeout", "application_name", NULL};
    const char *v[] = {n->host[0] ? n->host : NULL, n->port[0] ? n->port : NULL, o->user,
                       o->dbname, o->password, o->sslmode, o->sslrootcert, "5", "heliosctl",
                       NULL};
    n->conn = PQconnectdbParams(k, v, 0);
    if (!n->conn || PQstatus(n->conn) != CONNECTION_OK) {
        snprintf(err, errsz, "%s", n->conn ? PQerrorMessage(n->conn) : "out of memory");
        err[strcspn(err, "\n")] = 0;
        PQfinish(n->conn);
        n->conn = NULL;
        return -1;
    }
    if (!n->host[0]) snprintf(n->label, sizeof n->label, "%s:%s", PQhost(n->conn), PQport(n->conn));
    return 0;
}

/* One text value from a one-row query; malloc'd into *out. -1 on error (message in err). */
static int query_scalar(node *n, const char *sql, char **out, char *err, size_t errsz)
{
    PGresult *res = PQexec(n->conn, sql);
    int rc = -1;
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        snprintf(err, errsz, "%s", PQresultErrorMessage(res));
    else if (PQntuples(res) != 1 || PQnfields(res) < 1 || PQgetisnull(res, 0, 0))
        snprintf(err, errsz, "unexpected result shape");
    else if (!(*out = strdup(PQgetvalue(res, 0, 0))))
        snprintf(err, errsz, "out of memory");
    else
        rc = 0;
    err[strcspn(err, "\n")] = 0;
    PQclear(res);
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* digest and wait-converged. */
static int run_digest(node *nodes, int n, const conn_opts *o, bool json, bool wait,
                      double timeout)
{
    char *dig[MAX_NODES] = {0};
    char errs[MAX_NODES][256];
    bool noconn[MAX_NODES];
    double start = now_s();
    bool converged = false;
    int rc;
    for (;;) {
        int got = 0, unreachable = 0;
        for (int i = 0; i < n; i++) {
            free(dig[i]);
            dig[i] = NULL;
            errs[i][0] = 0;
            noconn[i] = false;
            if (node_connect(&nodes[i], o, errs[i], sizeof errs[i]) < 0) {
                noconn[i] = true;
                unreachable++;
                continue;
            }
            if (query_scalar(&nodes[i], "SELECT helios_digest()", &dig[i], errs[i],
                             sizeof errs[i]) == 0)
                got++;
            else if (PQstatus(nodes[i].conn) != CONNECTION_OK) {
                PQfinish(nodes[i].conn);
                nodes[i].conn = NULL;
            }
        }
        converged = got == n;
        for (int i = 1; converged && i < n; i++)
            if (strcmp(dig[i], dig[0]) != 0) converged = false;
        if (!wait || converged || now_s() - start >= timeout) {
            rc = converged ? CTL_OK : (!wait && unreachable) ? CTL_NOCONN : CTL_FAIL;
            break;
        }
        struct timespec ts = {0, POLL_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
    double took = now_s() - start;
    if (json) {
        printf("{\"converged\": %s, \"seconds\": %.3f, \"nodes\": [", converged ? "true" : "false",
               took);
        for (int i = 0; i < n; i++) {
            printf("%s{\"node\": ", i ? ", " : "");
            json_string(stdout, nodes[i].label);
            printf(", \"digest\": ");
            if (dig[i])
                json_string(stdout, dig[i]);
            else
                fputs("null", stdout);
            if (errs[i][0]) {
                printf(", \"error\": ");
                json_string(stdout, errs[i]);
            }
            putchar('}');
        }
        printf("]}\n");
    } else {
        for (int i = 0; i < n; i++)
            printf("%-28s %s\n", nodes[i].label, dig[i] ? dig[i] : errs[i]);
        if (wait)
            printf(converged ? "converged after %.1f s\n" : "NOT converged after %.1f s\n", took);
        else if (n > 1)
            printf(converged ? "converged\n" : "NOT converged\n");
    }
    for (int i = 0; i < n; i++) {
        if (noconn[i] && !json) ctl_err("%s: cannot connect: %s", nodes[i].label, errs[i]);
        free(dig[i]);
    }
    return rc;
}

/* index-check: each node's secondary indexes against its tables. */
static int run_index_check(node *nodes, int n, const conn_opts *o, bool json)
{
    int rc = CTL_OK;
    if (json) printf("[");
    for (int i = 0; i < n; i++) {
        char err[256] = "", *v = NULL;
        bool reached = node_connect(&nodes[i], o, err, sizeof err) == 0;
        bool got = reached && query_scalar(&nodes[i], "SELECT helios_index_check()", &v, err,
                                           sizeof err) == 0;
        long long differ = got ? strtoll(v, NULL, 10) : -1;
        if (!reached) rc = CTL_NOCONN;
        else if ((!got || differ != 0) && rc == CTL_OK) rc = CTL_FAIL;
        if (json) {
            printf("%s{\"node\": ", i ? ", " : "");
            json_string(stdout, nodes[i].label);
            if (got)
                printf(", \"entries_differ\": %lld}", differ);
            else {
                printf(", \"error\": ");
                json_string(stdout, err);
                putchar('}');
            }
        } else if (got) {
            if (differ)
                printf("%-28s %lld index entries differ from their tables (REINDEX rebuilds "
                       "an index)\n", nodes[i].label, differ);
            else
                printf("%-28s ok: every index equals its table\n", nodes[i].label);
        } else {
            ctl_err("%s: %s%s", nodes[i].label, reached ? "" : "cannot connect: ", err);
        }
        free(v);
    }
    if (json) printf("]\n");
    return rc;
}

int ctl_online(int argc, char **argv)
{
    const char *cmd = argv[0];
    const char *host = NULL, *port = NULL, *nodes_s = NULL, *cluster = NULL, *pwfile = NULL;
    const char *timeout_s = NULL;
    bool json = false, bad = false;
    static conn_opts o;
    memset(&o, 0, sizeof o);
    for (int i = 1; i < argc && !bad; i++) {
        if (ctl_opt_value2(argc, argv, &i, "--host", "-h", &host, &bad) ||
            ctl_opt_value2(argc, argv, &i, "--port", "-p", &port, &bad) ||
            ctl_opt_value2(argc, argv, &i, "--username", "-U", &o.user, &bad) ||
            ctl_opt_value2(argc, argv, &i, "--dbname", "-d", &o.dbname, &bad) ||
            ctl_opt_value(argc, argv, &i, "--user", &o.user, &bad) ||
            ctl_opt_value(argc, argv, &i, "--password-file", &pwfile, &bad) ||
            ctl_opt_value(argc, argv, &i, "--sslmode", &o.sslmode, &bad) ||
            ctl_opt_value(argc, argv, &i, "--sslrootcert", &o.sslrootcert, &bad) ||
            ctl_opt_value(argc, argv, &i, "--nodes", &nodes_s, &bad) ||
            ctl_opt_value(argc, argv, &i, "--cluster", &cluster, &bad) ||
            ctl_opt_value(argc, argv, &i, "--timeout", &timeout_s, &bad))
            continue;
        if (ctl_opt_flag(argv[i], "--json")) {
            json = true;
            continue;
        }
        ctl_err("%s: unexpected argument '%s'", cmd, argv[i]);
        bad = true;
    }
    if (bad) return CTL_USAGE;
    bool wait = !strcmp(cmd, "wait-converged");
    long timeout = 60;
    if (timeout_s && (!wait || ctl_parse_int("--timeout", timeout_s, 0, 86400, &timeout) < 0)) {
        if (!wait) ctl_err("--timeout only goes with wait-converged");
        return CTL_USAGE;
    }
    if ((nodes_s != NULL) + (cluster != NULL) + (host != NULL || port != NULL) > 1) {
        ctl_err("%s: give one of -h/-p, --nodes or --cluster", cmd);
        return CTL_USAGE;
    }
    static node nodes[MAX_NODES];
    memset(nodes, 0, sizeof nodes);
    int n = 0;
    char capath[4096], pwpath[4096];
    if (nodes_s) {
        if (parse_nodes_list(nodes_s, nodes, &n) < 0) return CTL_USAGE;
    } else if (cluster) {
        if (read_cluster_nodes(cluster, nodes, &n) < 0) return CTL_USAGE;
        if (!o.user) o.user = "admin";
        snprintf(capath, sizeof capath, "%s/ca.crt", cluster);
        if (!o.sslrootcert) o.sslrootcert = capath;
        if (!o.sslmode) o.sslmode = "verify-ca";
        snprintf(pwpath, sizeof pwpath, "%s/admin.password", cluster);
        if (!pwfile && !getenv("PGPASSWORD") && !strcmp(o.user, "admin") &&
            access(pwpath, R_OK) == 0)
            pwfile = pwpath;
    } else {
        /* One node; NULL host/port let libpq apply PGHOST/PGPORT and its defaults. */
        if (host) snprintf(nodes[0].host, sizeof nodes[0].host, "%s", host);
        if (port) snprintf(nodes[0].port, sizeof nodes[0].port, "%s", port);
        snprintf(nodes[0].label, sizeof nodes[0].label, "%s:%s", host ? host : "",
                 port ? port : "");
        n = 1;
    }
    if (pwfile && read_password_file(pwfile, &o) < 0) return CTL_USAGE;

    int rc = CTL_OK;
    if (wait || !strcmp(cmd, "digest")) {
        rc = run_digest(nodes, n, &o, json, wait, (double)timeout);
        goto out;
    }
    if (!strcmp(cmd, "index-check")) {
        rc = run_index_check(nodes, n, &o, json);
        goto out;
    }
    const char *sql = !strcmp(cmd, "status")   ? "SELECT * FROM helios.node"
                      : !strcmp(cmd, "peers")  ? "SELECT * FROM helios.peers"
                      : !strcmp(cmd, "tables") ? "SELECT * FROM helios.tables"
                                               : "SELECT name AS peer, id, state, lag_entries, "
                                                 "lag_ms FROM helios.peers";
    table t;
    memset(&t, 0, sizeof t);
    for (int i = 0; i < n; i++) {
        char err[512];
        if (node_connect(&nodes[i], &o, err, sizeof err) < 0) {
            ctl_err("%s: cannot connect: %s", nodes[i].label, err);
            rc = CTL_NOCONN;
            continue;
        }
        PGresult *res = PQexec(nodes[i].conn, sql);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            snprintf(err, sizeof err, "%s", PQresultErrorMessage(res));
            err[strcspn(err, "\n")] = 0;
            ctl_err("%s: %s: %s", nodes[i].label, sql, err);
            if (rc == CTL_OK) rc = CTL_FAIL;
        } else if (table_add(&t, nodes[i].label, res) < 0) {
            ctl_err("out of memory");
            rc = CTL_FAIL;
        }
        PQclear(res);
    }
    if (t.names || rc == CTL_OK) {
        if (json)
            table_print_json(&t, stdout);
        else
            table_print_text(&t, stdout);
    }
    table_free(&t);
out:
    for (int i = 0; i < n; i++) PQfinish(nodes[i].conn);
    explicit_bzero(o.pwbuf, sizeof o.pwbuf);
    return rc;
}
