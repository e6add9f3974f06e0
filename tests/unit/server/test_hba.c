/* Unit tests for server/hba: CIDR matching (IPv4, IPv6, v4-mapped), first-match rules with a
 * default method. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "server/hba.h"

static struct sockaddr_storage addr(const char *s)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (strchr(s, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        inet_pton(AF_INET6, s, &a->sin6_addr);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        inet_pton(AF_INET, s, &a->sin_addr);
    }
    return ss;
}

static void test_cidr(void **state)
{
    (void)state;
    struct sockaddr_storage a = addr("10.1.2.3"), l6 = addr("::1"), m = addr("::ffff:10.1.2.3");
    assert_int_equal(hba_cidr_match("10.0.0.0/8", &a), 1);
    assert_int_equal(hba_cidr_match("10.1.2.3", &a), 1);
    assert_int_equal(hba_cidr_match("10.1.2.4/32", &a), 0);
    assert_int_equal(hba_cidr_match("10.1.2.0/23", &a), 1);
    assert_int_equal(hba_cidr_match("0.0.0.0/0", &a), 1);
    assert_int_equal(hba_cidr_match("::/0", &a), 0); /* family differs */
    assert_int_equal(hba_cidr_match("::1/128", &l6), 1);
    assert_int_equal(hba_cidr_match("127.0.0.1/32", &l6), 0);
    assert_int_equal(hba_cidr_match("10.0.0.0/8", &m), 1); /* v4-mapped client */
    assert_int_equal(hba_cidr_match("all", &l6), 1);
    assert_int_equal(hba_cidr_match("10.0.0.0/33", &a), -1);
    assert_int_equal(hba_cidr_match("nonsense", &a), -1);
}

static void test_rules(void **state)
{
    (void)state;
    config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.sql.auth.method = CONFIG_AUTH_SCRAM;
    cfg.sql.auth.rules[0] = (config_hba_rule){"127.0.0.1/32", "bob", CONFIG_AUTH_MD5};
    cfg.sql.auth.rules[1] = (config_hba_rule){"127.0.0.0/8", "all", CONFIG_AUTH_TRUST};
    cfg.sql.auth.rules[2] = (config_hba_rule){"all", "mallory", CONFIG_AUTH_REJECT};
    cfg.sql.auth.nrules = 3;
    struct sockaddr_storage lo = addr("127.0.0.1"), other = addr("192.0.2.1");
    assert_int_equal(hba_method(&cfg, &lo, "bob"), CONFIG_AUTH_MD5);
    assert_int_equal(hba_method(&cfg, &lo, "alice"), CONFIG_AUTH_TRUST);
    assert_int_equal(hba_method(&cfg, &lo, "mallory"), CONFIG_AUTH_TRUST); /* first match wins */
    assert_int_equal(hba_method(&cfg, &other, "mallory"), CONFIG_AUTH_REJECT);
    assert_int_equal(hba_method(&cfg, &other, "alice"), CONFIG_AUTH_SCRAM); /* default */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cidr), cmocka_unit_test(test_rules)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
