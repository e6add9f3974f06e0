/*
 * proto/pginet.h — PostgreSQL's inet and cidr values: text in and out, binary in and out, and
 * their order, as PostgreSQL 15's network.c / inet_net_pton.c / inet_cidr_ntop.c give them.
 *
 * A value is an address family (4 or 6), a mask length and the address bytes. inet keeps host
 * bits; cidr refuses them on input ("Value has bits set to right of mask."). Text out: inet
 * omits the mask when it covers the whole address (192.168.0.1, 10.0.0.1/8); cidr always shows
 * it (10.0.0.0/8). cidr input also takes PostgreSQL's abbreviations (10/8, 192.168/16, and a
 * classful default mask without one: 192.168.1 is 192.168.1.0/24). IPv6 is read and written
 * with inet_pton / inet_ntop (RFC 5952 compression, as PostgreSQL prints it).
 *
 * Order (network_cmp): family (IPv4 first), then the network part common to both masks, then
 * the mask length, then the whole address.
 *
 * Binary (inet_send): family (2 = IPv4, 3 = IPv6), mask bits, is_cidr, address length, address.
 * Every decoder is bounded (fuzzed through fuzz_pgtypes).
 */
#ifndef HELIOS_PROTO_PGINET_H
#define HELIOS_PROTO_PGINET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pginet {
    uint8_t family; /* 4 or 6 */
    uint8_t bits;   /* mask length: 0..32 or 0..128 */
    uint8_t addr[16];
} pginet;

enum {
    PGINET_OK = 0,
    PGINET_ESYNTAX = -1,   /* invalid input syntax */
    PGINET_EHOSTBITS = -2, /* cidr: bits set right of the mask */
};

#define PGINET_TEXT_MAX 64 /* enough for "ffff:...:255.255.255.255/128" and a NUL */

int pginet_parse(const char *s, size_t len, bool cidr, pginet *out);
/* Canonical text (NUL-terminated, at most PGINET_TEXT_MAX bytes with the NUL); its length. */
size_t pginet_format(const pginet *v, bool cidr, char *buf);
/* The address alone (host()), and the address with its mask always (text()). */
size_t pginet_host(const pginet *v, char *buf);
int pginet_cmp(const pginet *a, const pginet *b);
/* 1 when a's network contains b's (a's mask no longer than b's and the network bits equal);
 * strict: a's mask shorter. */
bool pginet_contains(const pginet *a, const pginet *b, bool strict);
/* The host bits cleared (network()), or set (broadcast()). */
void pginet_mask(pginet *v, bool set);
/* Binary: 4 + 4 or 4 + 16 bytes into out (at least 20); its length. */
size_t pginet_to_binary(const pginet *v, bool cidr, uint8_t *out);
int pginet_from_binary(const uint8_t *p, size_t len, bool cidr, pginet *out);

#endif
