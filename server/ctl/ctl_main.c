/*
 * server/ctl/ctl_main.c — heliosctl, the HeliosDB admin CLI: entry point and dispatch.
 *
 * Online commands talk to a daemon over the SQL port with libpq; offline ones work on files.
 * Only the version and usage exist so far; each command lands with its issue.
 */
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: heliosctl COMMAND [options]\n"
                 "\n"
                 "commands (planned; see docs/operations.md):\n"
                 "  status | peers | lag | digest | wait-converged | tables   (online, over libpq)\n"
                 "  init-cluster | user add|passwd|del | backup | restore | check-config  (offline)\n"
                 "  --version    print the version\n"
                 "  --help       this text\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("heliosctl %s\n", HELIOS_VERSION);
        return 0;
    }
    fprintf(stderr, "heliosctl: command '%s' is not implemented yet\n", argv[1]);
    usage(stderr);
    return 2;
}
