/* Fuzz target for config/config: arbitrary bytes as a config text.
 *
 * Besides "no crash, no leak", checks the loader's contract on every input:
 *  - it either succeeds with no problems or fails with at least one, every problem a single
 *    printable line ("path: reason"), at most 101 of them;
 *  - a failed load leaves the struct zeroed (nothing to free);
 *  - a successful load gives values inside their documented ranges, and loading the same text
 *    again gives the same answer (the loader depends on nothing but its input and the files).
 * The base folder does not exist, so every relative file name is reported as unreadable
 * without touching the real file system. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

#define BASE "/nonexistent-helios-fuzz"

static void check_errors(const config_errors *e)
{
    if (e->n < 1 || e->n > 101) abort();
    for (int i = 0; i < e->n; i++) {
        const char *m = e->msg[i];
        if (!strstr(m, ": ")) abort();
        for (const char *p = m; *p; p++)
            if ((unsigned char)*p < 0x20) abort(); /* one line each */
    }
}

static void check_config(const config *c)
{
    if (!c->node.name || !c->node.data_dir || c->node.data_dir[0] != '/') abort();
    if (c->node.id == 0) abort();
    if (c->sql.nlisten < 1 || c->sql.nlisten > CONFIG_MAX_LISTEN) abort();
    for (int i = 0; i < c->sql.nlisten; i++)
        if (!c->sql.listen[i].host || c->sql.listen[i].port == 0) abort();
    if (c->sql.auth.nrules < 1 || c->sql.auth.nrules > CONFIG_MAX_HBA) abort();
    for (int i = 0; i < c->sql.auth.nrules; i++)
        if (!c->sql.auth.rules[i].cidr || !c->sql.auth.rules[i].user ||
            c->sql.auth.rules[i].method > CONFIG_AUTH_REJECT)
            abort();
    if (c->sql.tls.mode != CONFIG_TLS_OFF && (!c->sql.tls.cert || !c->sql.tls.key)) abort();
    if (c->replication.enabled && (!c->replication.listen.host || !c->replication.tls.ca ||
                                   !c->replication.tls.cert || !c->replication.tls.key))
        abort();
    for (int i = 0; i < c->replication.npeers; i++) {
        const config_peer *p = &c->replication.peers[i];
        if (!p->name || p->id == 0 || p->id == c->node.id || !p->address.host) abort();
        for (int j = 0; j < i; j++)
            if (c->replication.peers[j].id == p->id ||
                strcmp(c->replication.peers[j].name, p->name) == 0)
                abort();
    }
    if (!c->metrics.listen.host || c->max_clock_skew_ms == 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    config cfg, again;
    config_errors errs, errs2;
    int rc = config_load_string(text, BASE, &cfg, &errs);
    int rc2 = config_load_string(text, BASE, &again, &errs2);
    if (rc != rc2 || errs.n != errs2.n) abort();
    for (int i = 0; i < errs.n; i++)
        if (strcmp(errs.msg[i], errs2.msg[i]) != 0) abort();
    if (rc == 0) {
        if (errs.n != 0) abort();
        check_config(&cfg);
        if (strcmp(cfg.node.data_dir, again.node.data_dir) != 0) abort();
    } else {
        if (rc != -1 || cfg.node.name || cfg.sql.listen[0].host) abort();
        check_errors(&errs);
    }
    config_free(&cfg);
    config_free(&again);
    config_errors_free(&errs);
    config_errors_free(&errs2);
    free(text);
    return 0;
}
