/*
 * server/hba.h — who must authenticate how (sql.auth.rules, pg_hba-like) and the users file.
 *
 * Rules are tried in order; the first whose CIDR contains the client address and whose user
 * is "all" or the client's user name decides the method. Without a match the default is
 * sql.auth.method. IPv4-mapped IPv6 client addresses (::ffff:a.b.c.d) match IPv4 rules.
 */
#ifndef HELIOS_SERVER_HBA_H
#define HELIOS_SERVER_HBA_H

#include <stdbool.h>
#include <sys/socket.h>

#include "config/config.h"
#include "proto/users.h"

config_auth_method hba_method(const config *cfg, const struct sockaddr_storage *addr,
                              const char *user);

/* 1 if addr lies in cidr ("10.0.0.0/8", "::1/128", "127.0.0.1" = /32, "all"), 0 if not,
   -1 if cidr is malformed. */
int hba_cidr_match(const char *cidr, const struct sockaddr_storage *addr);

/* Reads and parses the users file. Returns 0, or -1 with err ("path: line N: reason"). */
int hba_load_users(const char *path, users_db **out, char *err, size_t errsz);

#endif
