/* Unit tests for server/log: log_escape (client strings in log lines) and the flood limit
 * (LOG_FLOOD_PER_SEC lines per second per kind, the rest counted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "server/log.h"

static void test_escape(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(log_escape(out, sizeof out, "alice"), 5);
    assert_string_equal(out, "alice");
    log_escape(out, sizeof out, "ev\x1b[31mil\nx\r\x07\x7f");
    assert_string_equal(out, "ev\\x1b[31mil\\x0ax\\x0d\\x07\\x7f");
    log_escape(out, sizeof out, "caf\xc3\xa9 \xff\xe2\x28\xa1");
    assert_string_equal(out, "caf\xc3\xa9 \\xff\\xe2(\\xa1"); /* valid UTF-8 kept */
    char small[6];
    assert_int_equal(log_escape(small, sizeof small, "abcdefgh"), 5);
    assert_string_equal(small, "abcde");
    assert_int_equal(log_escape(small, sizeof small, "ab\x01zz"), 2); /* an escape never cut */
    assert_string_equal(small, "ab");
    assert_int_equal(log_escape(small, sizeof small, "abcd\xc3\xa9"), 4); /* nor a character */
    assert_string_equal(small, "abcd");
}

/* Lines written to fd 2 while fn runs. */
static int lines_of(void (*fn)(void))
{
    char path[] = "/tmp/helios-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(2);
    dup2(fd, 2);
    fn();
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    unlink(path);
    int lines = 0;
    for (ssize_t i = 0; i < n; i++) lines += buf[i] == '\n';
    return lines;
}

static void flood_100(void)
{
    for (int i = 0; i < 100; i++)
        log_flood(LOG_FLOOD_STARTUP, CONFIG_LOG_INFO, "wire", "bad packet %d", i);
    log_flood_flush(); /* inside the window: nothing to summarise yet */
}

static void other_kind(void)
{
    log_flood(LOG_FLOOD_CANCEL, CONFIG_LOG_INFO, "wire", "cancel");
}

static void test_flood(void **state)
{
    (void)state;
    log_init(CONFIG_LOG_TEXT, CONFIG_LOG_INFO);
    /* 100 events within a second: LOG_FLOOD_PER_SEC lines (unless the second ended meanwhile,
       when the next window may add its own lines and a summary) */
    int n = lines_of(flood_100);
    assert_true(n >= LOG_FLOOD_PER_SEC && n <= 2 * LOG_FLOOD_PER_SEC + 1);
    assert_int_equal(lines_of(other_kind), 1); /* each kind has its own budget */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_escape), cmocka_unit_test(test_flood)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
