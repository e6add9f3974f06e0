/*
 * server/sdnotify.c — sd_notify(3) over a unix datagram socket; see sdnotify.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "server/sdnotify.h"

int sdnotify_send(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !path[0]) return 0;
    size_t plen = strlen(path);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if ((path[0] != '/' && path[0] != '@') || plen >= sizeof sa.sun_path) return -EINVAL;
    memcpy(sa.sun_path, path, plen);
    /* "@name" is the abstract namespace: a leading NUL and no terminator in the length. */
    if (path[0] == '@') sa.sun_path[0] = 0;
    socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
                                  (path[0] == '@' ? 0 : 1));
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int rc = 0;
    if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

int sdnotify_ready(void)
{
    return sdnotify_send("READY=1");
}

int sdnotify_stopping(void)
{
    return sdnotify_send("STOPPING=1");
}
