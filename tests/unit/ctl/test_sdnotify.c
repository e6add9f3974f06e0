/*
 * tests/unit/ctl/test_sdnotify.c — sdnotify sends the exact state datagram to $NOTIFY_SOCKET
 * (filesystem and abstract addresses) and is a no-op without it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/sdnotify.h"

/* Binds a datagram socket at path ("@x": abstract) and returns its fd. */
static int bind_at(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    size_t plen = strlen(path);
    memcpy(sa.sun_path, path, plen);
    if (path[0] == '@') sa.sun_path[0] = 0;
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
                                (path[0] == '@' ? 0 : 1));
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
    return fd;
}

static void expect_datagram(int fd, const char *want)
{
    char buf[128];
    ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
    assert_true(n >= 0);
    buf[n] = 0;
    assert_string_equal(buf, want);
}

static void test_no_socket_is_noop(void **state)
{
    (void)state;
    unsetenv("NOTIFY_SOCKET");
    assert_int_equal(sdnotify_ready(), 0);
    assert_int_equal(sdnotify_stopping(), 0);
}

static void test_path_socket(void **state)
{
    (void)state;
    char dir[] = "/tmp/sdnotify.XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/notify", dir);
    int fd = bind_at(path);
    setenv("NOTIFY_SOCKET", path, 1);
    assert_int_equal(sdnotify_ready(), 0);
    expect_datagram(fd, "READY=1");
    assert_int_equal(sdnotify_stopping(), 0);
    expect_datagram(fd, "STOPPING=1");
    close(fd);
    unlink(path);
    rmdir(dir);
    unsetenv("NOTIFY_SOCKET");
}

static void test_abstract_socket(void **state)
{
    (void)state;
    char name[64];
    snprintf(name, sizeof name, "@helios-sdnotify-test-%d", (int)getpid());
    int fd = bind_at(name);
    setenv("NOTIFY_SOCKET", name, 1);
    assert_int_equal(sdnotify_send("READY=1\nSTATUS=serving"), 0);
    expect_datagram(fd, "READY=1\nSTATUS=serving");
    close(fd);
    unsetenv("NOTIFY_SOCKET");
}

static void test_bad_socket(void **state)
{
    (void)state;
    setenv("NOTIFY_SOCKET", "relative/path", 1);
    assert_true(sdnotify_ready() < 0);
    setenv("NOTIFY_SOCKET", "/nonexistent-dir-helios/notify", 1);
    assert_true(sdnotify_ready() < 0);
    unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_socket_is_noop),
        cmocka_unit_test(test_path_socket),
        cmocka_unit_test(test_abstract_socket),
        cmocka_unit_test(test_bad_socket),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
