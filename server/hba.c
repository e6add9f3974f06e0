/*
 * server/hba.c — auth rule matching and users file loading. See hba.h.
 */
#include "server/hba.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The address as 16 bytes plus its family, unmapping ::ffff:a.b.c.d to IPv4. */
static int addr_bytes(const struct sockaddr_storage *ss, uint8_t out[16], int *family)
{
    if (ss->ss_family == AF_INET) {
        memcpy(out, &((const struct sockaddr_in *)ss)->sin_addr, 4);
        *family = AF_INET;
        return 0;
    }
    if (ss->ss_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
            memcpy(out, a->s6_addr + 12, 4);
            *family = AF_INET;
        } else {
            memcpy(out, a->s6_addr, 16);
            *family = AF_INET6;
        }
        return 0;
    }
    return -1;
}

int hba_cidr_match(const char *cidr, const struct sockaddr_storage *addr)
{
    if (strcmp(cidr, "all") == 0) return 1;
    char host[64];
    const char *slash = strchr(cidr, '/');
    size_t hl = slash ? (size_t)(slash - cidr) : strlen(cidr);
    if (hl >= sizeof host) return -1;
    memcpy(host, cidr, hl);
    host[hl] = 0;
    uint8_t net[16];
    int fam;
    if (inet_pton(AF_INET, host, net) == 1) {
        fam = AF_INET;
    } else if (inet_pton(AF_INET6, host, net) == 1) {
        fam = AF_INET6;
    } else {
        return -1;
    }
    int maxbits = fam == AF_INET ? 32 : 128;
    int bits = maxbits;
    if (slash) {
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || b < 0 || b > maxbits) return -1;
        bits = (int)b;
    }
    uint8_t a[16];
    int afam;
    if (addr_bytes(addr, a, &afam) < 0 || afam != fam) return 0;
    for (int i = 0; i < bits; i++) {
        int byte = i / 8, bit = 7 - i % 8;
        if (((a[byte] >> bit) & 1) != ((net[byte] >> bit) & 1)) return 0;
    }
    return 1;
}

config_auth_method hba_method(const config *cfg, const struct sockaddr_storage *addr,
                              const char *user)
{
    for (int i = 0; i < cfg->sql.auth.nrules; i++) {
        const config_hba_rule *r = &cfg->sql.auth.rules[i];
        if (strcmp(r->user, "all") != 0 && strcmp(r->user, user) != 0) continue;
        if (hba_cidr_match(r->cidr, addr) == 1) return r->method;
    }
    return cfg->sql.auth.method;
}

int hba_load_users(const char *path, users_db **out, char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0;
    if (!f) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (cap - len < 4096) {
            if (cap > (64u << 20)) {
                snprintf(err, errsz, "%s: file too large", path);
                goto fail;
            }
            char *n = realloc(text, cap ? cap * 2 : 8192);
            if (!n) {
                snprintf(err, errsz, "%s: out of memory", path);
                goto fail;
            }
            text = n;
            cap = cap ? cap * 2 : 8192;
        }
        size_t r = fread(text + len, 1, cap - len, f);
        len += r;
        if (r == 0) break;
    }
    if (ferror(f)) {
        snprintf(err, errsz, "%s: read error", path);
        goto fail;
    }
    char perr[200] = "";
    if (users_parse(text ? text : "", len, out, perr, sizeof perr) < 0) {
        snprintf(err, errsz, "%s: %s", path, perr);
        goto fail;
    }
    free(text);
    fclose(f);
    return 0;
fail:
    free(text);
    fclose(f);
    return -1;
}
