/*
 * tests/fuzz/fuzz_repl_datagram.c — feeds arbitrary UDP datagrams to a replication transport.
 *
 * The input is split into datagrams (2-byte big-endian length, then that many bytes; the rest
 * is one last datagram), each injected as if it came from 127.0.0.1:9 into a fresh endpoint
 * that accepts connections (no peers, so it never dials). Then the loop runs the timers once,
 * and the endpoint is shut down and its loop must close cleanly. Checks: no crash, no sanitizer
 * report, no leak, and every datagram is either routed or counted as dropped.
 *
 * The certificates below are throwaway fuzz fixtures (validity 100 years), not secrets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "replication/transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char CA_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBizCCATGgAwIBAgIUcB24R9mZPHXY+TXy/bQ0hUploCswCgYIKoZIzj0EAwIw\n"
    "EjEQMA4GA1UEAwwHZnV6eiBDQTAgFw0yNjExMjQwNzM4NDlaGA8yMTI2MTAzMTA3\n"
    "Mzg0OVowEjEQMA4GA1UEAwwHZnV6eiBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
    "A0IABHis/ePYNnZszwAWJtNr28IRAO7NBV1NpukgMp4Rduxmor++fZfuqulAWGMO\n"
    "bny6PIJDnLcVUh+eiKlBSxypkpKjYzBhMB0GA1UdDgQWBBQpLRzTzJ6S/dP/eMlo\n"
    "VuJF6aCEYTAfBgNVHSMEGDAWgBQpLRzTzJ6S/dP/eMloVuJF6aCEYTAPBgNVHRMB\n"
    "Af8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNIADBFAiEAwd+W\n"
    "gHU5SnAIQtwJfaAohQClP9hNuug8Eh03YCAoMDkCIHQggZFJ0Bm/YwDPEtEYmwgX\n"
    "ZeojB76ATnDp116WFaZ2\n"
    "-----END CERTIFICATE-----\n";
static const char NODE_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBxzCCAW6gAwIBAgIUfgCPCstlLFdNGBWhmsCpETg4NbYwCgYIKoZIzj0EAwIw\n"
    "EjEQMA4GA1UEAwwHZnV6eiBDQTAgFw0yNjExMjQwNzM4NDlaGA8yMTI2MTAzMTA3\n"
    "Mzg0OVowDzENMAsGA1UEAwwEZnV6ejBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IA\n"
    "BADBupAb4YX1joaFOIWHI510pp9poZHLex0r/ltXOcbLpxCp+NBPOCWVaaqwU1jD\n"
    "5pQuILx+qdJi5SpOh+SYwE6jgaIwgZ8wDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8E\n"
    "BAMCB4AwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCMCAGA1UdEQQZMBeC\n"
    "BGZ1enqGD2hlbGlvczovL25vZGUvMTAdBgNVHQ4EFgQUsV2QPfykhcFnNDJI43GG\n"
    "8lyfZXUwHwYDVR0jBBgwFoAUKS0c08yekv3T/3jJaFbiRemghGEwCgYIKoZIzj0E\n"
    "AwIDRwAwRAIgPbxQLH82Bwjte+cInTBvgnDITQ7uZYSZJLhjP7d/zMUCICcm+G39\n"
    "5ZNZ4PFSaeaIeQrfCjPoWHsWqQtxajb7SUf6\n"
    "-----END CERTIFICATE-----\n";
static const char NODE_KEY[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg6JM7cX4B0cgUCgZb\n"
    "kjL+tlIEvM3398QholwDo7b4vtGhRANCAAQAwbqQG+GF9Y6GhTiFhyOddKafaaGR\n"
    "y3sdK/5bVznGy6cQqfjQTzgllWmqsFNYw+aULiC8fqnSYuUqTofkmMBO\n"
    "-----END PRIVATE KEY-----\n";

static char ca_path[64], cert_path[64], key_path[64];

static void write_file(char *path, size_t n, const char *name, const char *text)
{
    snprintf(path, n, "/tmp/fuzz_repl_%d_%s", (int)getpid(), name);
    FILE *f = fopen(path, "w");
    if (!f) abort();
    fputs(text, f);
    fclose(f);
}

static void remove_files(void)
{
    unlink(ca_path);
    unlink(cert_path);
    unlink(key_path);
}

static void setup_once(void)
{
    if (ca_path[0]) return;
    write_file(ca_path, sizeof(ca_path), "ca.pem", CA_PEM);
    write_file(cert_path, sizeof(cert_path), "node.pem", NODE_PEM);
    write_file(key_path, sizeof(key_path), "node.key", NODE_KEY);
    atexit(remove_files);
}

static void quiet_log(void *ud, transport_log_level lvl, const char *line)
{
    (void)ud;
    (void)lvl;
    (void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup_once();
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) abort();
    transport_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.listen_host = "127.0.0.1";
    cfg.listen_port = 0;
    cfg.self_name = "fuzz";
    cfg.self_id = 1;
    cfg.ca_file = ca_path;
    cfg.cert_file = cert_path;
    cfg.key_file = key_path;
    cfg.cb.on_log = quiet_log;
    transport *t = NULL;
    if (transport_new(&loop, &cfg, &t) != 0) abort();

    struct sockaddr_in from;
    uv_ip4_addr("127.0.0.1", 9, &from);
    size_t pos = 0, count = 0;
    while (pos < size) {
        size_t len = size - pos;
        if (size - pos >= 2) {
            size_t want = (size_t)data[pos] << 8 | data[pos + 1];
            if (want <= size - pos - 2) {
                pos += 2;
                len = want;
            }
        }
        transport_inject_datagram(t, (const struct sockaddr *)&from, data + pos, len);
        pos += len;
        count++;
        if (len == 0 && pos < size) pos++; /* guarantee progress */
    }
    uv_run(&loop, UV_RUN_NOWAIT); /* timers due now: writes, handshake state */
    transport_stats st;
    transport_get_stats(t, &st);
    if (st.datagrams_in != count) abort();
    transport_del(t);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop) != 0) abort();
    return 0;
}
