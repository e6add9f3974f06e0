/* Unit tests for replication/transport through the WAN emulator (tests/tools/wanem.c, embedded
 * and run on the test's loop): RPCs complete despite delay, jitter, 1% loss, duplication and
 * reordering; a cut link takes the peer down and healing it brings the peer back. The RTT seen
 * through the emulator is measured and printed as a TAP comment, not asserted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/replication/harness.h"

#define WANEM_EMBED
#include "tests/tools/wanem.c"

static int group_setup(void **state)
{
    (void)state;
    return harness_certs_setup();
}

static int group_teardown(void **state)
{
    (void)state;
    harness_certs_teardown();
    return 0;
}

typedef struct wan_pair {
    uv_loop_t loop;
    wanem *w;
    node a, b;
} wan_pair;

/* a(1) and b(2), each addressing the other through the emulator's link ports. */
static void wan_start(wan_pair *p, const char *params, const transport_config *tuning)
{
    assert_int_equal(uv_loop_init(&p->loop), 0);
    node_init(&p->a, "a", 1);
    node_init(&p->b, "b", 2);
    p->w = wanem_new(&p->loop, 12345);
    assert_non_null(p->w);
    char addr[64];
    snprintf(addr, sizeof(addr), "127.0.0.1:%u", p->a.port);
    assert_int_equal(wanem_add_node(p->w, "a", addr), 0);
    snprintf(addr, sizeof(addr), "127.0.0.1:%u", p->b.port);
    assert_int_equal(wanem_add_node(p->w, "b", addr), 1);
    int ab = wanem_add_link(p->w, 0, 1, "127.0.0.1:0");
    int ba = wanem_add_link(p->w, 1, 0, "127.0.0.1:0");
    assert_true(ab > 0 && ba > 0);
    char cmd[256], out[512];
    snprintf(cmd, sizeof(cmd), "setall %s", params);
    assert_int_equal(wanem_command(p->w, cmd, out, sizeof(out)), 0);

    node via_ab = p->b, via_ba = p->a; /* what each side believes the other's address is */
    via_ab.port = (uint16_t)ab;
    via_ba.port = (uint16_t)ba;
    node *pa[] = {&via_ab}, *pb[] = {&via_ba};
    assert_int_equal(node_start_ex(&p->loop, &p->a, "ca", "a", pa, 1, tuning), 0);
    assert_int_equal(node_start_ex(&p->loop, &p->b, "ca", "b", pb, 1, tuning), 0);
    assert_true(wait_up(&p->loop, &p->a, 2, 10000));
    assert_true(wait_up(&p->loop, &p->b, 1, 10000));
}

static void wan_stop(wan_pair *p)
{
    node_stop(&p->a);
    node_stop(&p->b);
    wanem_close(p->w);
    assert_int_equal(loop_finish(&p->loop), 0);
}

typedef struct batch {
    int total, done, bad;
    uint8_t *big;
    size_t biglen;
} batch;

static void batch_done(void *arg, int err, int status, const uint8_t *body, size_t len)
{
    struct cell {
        batch *b;
        int i;
    } *c = arg;
    batch *b = c->b;
    if (c->i < 0) {
        if (err || status != 200 || len != b->biglen || memcmp(body, b->big, len) != 0) b->bad++;
    } else {
        char want[32];
        int n = snprintf(want, sizeof(want), "wan-%d", c->i);
        if (err || status != 200 || len != (size_t)n || memcmp(body, want, len) != 0) b->bad++;
    }
    b->done++;
    free(c);
}

static bool pred_batch(void *arg)
{
    batch *b = arg;
    return b->done == b->total;
}

static void print_path_stats(wan_pair *p, const char *label)
{
    transport_peer_stats ps;
    assert_int_equal(transport_peer_info(p->a.t, 2, &ps), 0);
    print_message("# %s: rtt a->b smoothed %.2f ms, min %.2f ms, latest %.2f ms, var %.2f ms; "
                  "pkts out %llu in %llu, loss timer fires %llu, congestion events %llu\n",
                  label, ps.rtt_smoothed_us / 1000.0, ps.rtt_min_us / 1000.0, ps.rtt_latest_us / 1000.0,
                  ps.rtt_var_us / 1000.0, (unsigned long long)ps.packets_out, (unsigned long long)ps.packets_in,
                  (unsigned long long)ps.pto_count, (unsigned long long)ps.congestion_events);
    static char out[8192];
    wanem_command(p->w, "stats", out, sizeof(out));
    for (char *save, *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        print_message("# wanem %s\n", l);
}

static void test_rpcs_complete_through_lossy_wan(void **state)
{
    (void)state;
    wan_pair p;
    wan_start(&p, "delay_ms=10 jitter_ms=2 loss=0.01 dup=0.01 reorder=0.01 reorder_ms=5", NULL);

    batch b = {.total = 0};
    b.biglen = 256 * 1024;
    b.big = malloc(b.biglen);
    for (size_t i = 0; i < b.biglen; i++) b.big[i] = (uint8_t)(i * 31 + 7);
    struct cell {
        batch *b;
        int i;
    };
    /* Both directions: 200 small requests each (within the window of 64, in rounds) and one
     * 256 KiB body each way. */
    node *from[] = {&p.a, &p.b};
    uint16_t to[] = {2, 1};
    for (int dir = 0; dir < 2; dir++) {
        struct cell *c = malloc(sizeof(*c));
        c->b = &b;
        c->i = -1;
        assert_int_equal(transport_post_deltas(from[dir]->t, to[dir], b.big, b.biglen, batch_done, c), 0);
        b.total++;
    }
    for (int round = 0; round < 4; round++) {
        for (int dir = 0; dir < 2; dir++)
            for (int i = 0; i < 50; i++) {
                struct cell *c = malloc(sizeof(*c));
                c->b = &b;
                c->i = round * 1000 + dir * 100 + i;
                char body[32];
                int n = snprintf(body, sizeof(body), "wan-%d", c->i);
                assert_int_equal(
                    transport_post_deltas(from[dir]->t, to[dir], (const uint8_t *)body, (size_t)n, batch_done, c), 0);
                b.total++;
            }
        assert_true(run_until(&p.loop, pred_batch, &b, 30000));
    }
    assert_int_equal(b.bad, 0);
    assert_int_equal(p.a.deltas, 201);
    assert_int_equal(p.b.deltas, 201);

    /* Measured, not asserted: configured one-way 10 ms +-2 ms each way, i.e. ~20 ms RTT. */
    print_path_stats(&p, "lossy wan (10 ms each way, 1% loss/dup/reorder)");
    call_result r = {0};
    assert_int_equal(transport_get_status(p.a.t, 2, call_done, &r), 0);
    assert_true(run_until(&p.loop, pred_call_done, &r, 10000));
    assert_int_equal(r.status, 200);
    free(r.body);
    free(b.big);
    wan_stop(&p);
}

typedef struct not_up {
    node *n;
    uint16_t peer;
} not_up;

static bool pred_down(void *arg)
{
    not_up *x = arg;
    return transport_peer_get_state(x->n->t, x->peer) != TRANSPORT_PEER_UP;
}

static void test_cut_and_heal(void **state)
{
    (void)state;
    wan_pair p;
    transport_config fast = {.idle_timeout_ms = 1500, .keepalive_ms = 300};
    wan_start(&p, "delay_ms=5", &fast);
    char out[256];
    assert_int_equal(wanem_command(p.w, "cut a b", out, sizeof(out)), 0);
    not_up da = {&p.a, 2}, db = {&p.b, 1};
    assert_true(run_until(&p.loop, pred_down, &da, 10000));
    assert_true(run_until(&p.loop, pred_down, &db, 10000));
    transport_peer_stats ps;
    assert_int_equal(transport_peer_info(p.a.t, 2, &ps), 0);
    print_message("# after cut: a sees b %s (%s)\n", transport_state_name(ps.state), ps.last_reason);
    assert_true(strstr(ps.last_reason, "timeout") != NULL);

    assert_int_equal(wanem_command(p.w, "heal a b", out, sizeof(out)), 0);
    assert_true(wait_up(&p.loop, &p.a, 2, 10000));
    assert_true(wait_up(&p.loop, &p.b, 1, 10000));
    call_result r = {0};
    assert_int_equal(transport_post_deltas(p.a.t, 2, (const uint8_t *)"healed", 6, call_done, &r), 0);
    assert_true(run_until(&p.loop, pred_call_done, &r, 10000));
    assert_int_equal(r.err, 0);
    assert_memory_equal(r.body, "healed", 6);
    free(r.body);
    assert_int_equal(transport_peer_info(p.a.t, 2, &ps), 0);
    assert_true(ps.connects >= 2);
    print_path_stats(&p, "after heal (5 ms each way)");
    wan_stop(&p);
}

static void test_wanem_commands(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    wanem *w = wanem_new(&loop, 1);
    assert_int_equal(wanem_add_node(w, "x", "127.0.0.1:1"), 0);
    assert_int_equal(wanem_add_node(w, "y", "[::1]:2"), 1);
    assert_int_equal(wanem_add_node(w, "x", "127.0.0.1:3"), -1); /* duplicate */
    char out[4096];
    assert_int_equal(wanem_command(w, "set x y delay_ms=12.5 loss=0.5", out, sizeof(out)), 0);
    assert_int_equal(wanem_command(w, "set x y loss=2", out, sizeof(out)), -1); /* probability > 1 */
    assert_int_equal(wanem_command(w, "set x y nonsense=1", out, sizeof(out)), -1);
    assert_int_equal(wanem_command(w, "set x z delay=1", out, sizeof(out)), -1);
    assert_int_equal(wanem_command(w, "cut x y oneway", out, sizeof(out)), 0);
    assert_int_equal(wanem_command(w, "stats", out, sizeof(out)), 0);
    assert_non_null(strstr(out, "x y pkts=0"));
    assert_non_null(strstr(out, "delay_ms=12.5"));
    assert_non_null(strstr(out, "p_loss=0.5"));
    assert_non_null(strstr(out, "cut=1"));
    assert_non_null(strstr(out, "y x pkts=0 bytes=0 lost=0 dup=0 reordered=0 cut_drops=0 overflow=0 delay_ms=0"));
    assert_int_equal(wanem_command(w, "", out, sizeof(out)), -1);
    assert_int_equal(wanem_command(w, "ping", out, sizeof(out)), 0);
    assert_string_equal(out, "pong\n");
    wanem_close(w);
    assert_int_equal(loop_finish(&loop), 0);
}

typedef struct reconnects {
    node *n;
    uint16_t peer;
    uint32_t want;
} reconnects;

static bool pred_connects(void *arg)
{
    reconnects *r = arg;
    transport_peer_stats ps;
    return transport_peer_info(r->n->t, r->peer, &ps) == 0 && ps.state == TRANSPORT_PEER_UP &&
           ps.connects >= r->want;
}

static bool pred_two_conns(void *arg)
{
    transport_stats st;
    transport_get_stats(arg, &st);
    return st.connections == 2;
}

static bool pred_close_dropped(void *arg)
{
    wanem *w = arg;
    return w->dir[1][0].cut_drops > 0;
}

/* b "crashes" behind a cut (a never sees its CONNECTION_CLOSE) and restarts on the same port.
 * a's old connection looks alive until b's new incarnation answers it with a stateless reset;
 * a then reconnects long before its 30 s idle timeout would have noticed. */
static void test_peer_restart_detected_by_stateless_reset(void **state)
{
    (void)state;
    wan_pair p;
    transport_config keepalive = {.keepalive_ms = 200};
    wan_start(&p, "delay_ms=2", &keepalive);
    char out[256];
    assert_int_equal(wanem_command(p.w, "cut a b", out, sizeof(out)), 0);
    transport_del(p.b.t);
    p.b.t = NULL;
    assert_true(run_until(&p.loop, pred_close_dropped, p.w, 5000));
    assert_int_equal(transport_peer_get_state(p.a.t, 2), TRANSPORT_PEER_UP); /* stale, as after kill -9 */

    /* Restart b on its port once the old socket is gone. */
    node via_ba = p.a;
    via_ba.port = (uint16_t)wanem_add_link(p.w, 1, 0, "127.0.0.1:0");
    node *pb[] = {&via_ba};
    uint16_t port = p.b.port;
    int rc = -1;
    for (uint64_t deadline = uv_hrtime() + 5000000000ull; rc != 0 && uv_hrtime() < deadline;) {
        node_init(&p.b, "b", 2);
        p.b.port = port;
        rc = node_start_ex(&p.loop, &p.b, "ca", "b", pb, 1, &keepalive);
        if (rc != 0) uv_run(&p.loop, UV_RUN_NOWAIT);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(wanem_command(p.w, "heal a b", out, sizeof(out)), 0);

    reconnects r = {&p.a, 2, 2};
    bool reconnected = run_until(&p.loop, pred_connects, &r, 5000);
    assert_true(reconnected); /* far below the 30 s idle timeout */
    transport_stats st;
    transport_get_stats(p.b.t, &st);
    assert_true(st.resets_sent > 0);
    transport_peer_stats ps;
    assert_int_equal(transport_peer_info(p.a.t, 2, &ps), 0);
    print_message("# a's old connection ended: %s; b sent %llu stateless reset(s)\n", ps.last_reason,
                  (unsigned long long)st.resets_sent);
    /* a's incoming connection from b's first life is superseded by b's new dial. */
    assert_true(run_until(&p.loop, pred_two_conns, p.a.t, 5000));
    call_result res = {0};
    assert_int_equal(transport_post_deltas(p.a.t, 2, (const uint8_t *)"back", 4, call_done, &res), 0);
    assert_true(run_until(&p.loop, pred_call_done, &res, 5000));
    assert_int_equal(res.err, 0);
    free(res.body);
    wan_stop(&p);
}

/* The five AWS regions with one-way delay = typical RTT / 2 (tests/tools/rtt_ms.json), all
 * links through the emulator: every node reaches every other, one delta crosses each directed
 * pair, and the RTT matrix each node measures is printed (not asserted). */
static void test_five_regions_rtt_matrix(void **state)
{
    (void)state;
    static const char *regions[5] = {"us-east-1", "eu-west-1", "ap-southeast-1", "us-west-2", "sa-east-1"};
    enum { N = 5 };
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node n[N];
    for (int i = 0; i < N; i++) {
        node_init(&n[i], regions[i], (uint16_t)(i + 1));
        assert_int_equal(harness_make_cert("ca", regions[i], regions[i], i + 1), 0);
    }
    wanem *w = wanem_new(&loop, 99);
    char addr[64];
    for (int i = 0; i < N; i++) {
        snprintf(addr, sizeof(addr), "127.0.0.1:%u", n[i].port);
        assert_int_equal(wanem_add_node(w, regions[i], addr), i);
    }
    json_error_t je;
    json_t *rtt = json_load_file("tests/tools/rtt_ms.json", 0, &je);
    assert_non_null(rtt);
    int link[N][N];
    char cmd[256], out[256];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            if (i == j) continue;
            link[i][j] = wanem_add_link(w, i, j, "127.0.0.1:0");
            assert_true(link[i][j] > 0);
            double r = wanem_rtt_lookup(rtt, regions[i], regions[j]);
            assert_true(r > 0);
            snprintf(cmd, sizeof(cmd), "set %s %s delay_ms=%g jitter_ms=1", regions[i], regions[j], r / 2);
            assert_int_equal(wanem_command(w, cmd, out, sizeof(out)), 0);
        }
    transport_config wan = {.initial_rtt_ms = 100, .max_ack_delay_ms = 10, .handshake_timeout_ms = 10000};
    for (int i = 0; i < N; i++) {
        node via[N - 1];
        node *peers[N - 1];
        int k = 0;
        for (int j = 0; j < N; j++) {
            if (j == i) continue;
            via[k] = n[j];
            via[k].port = (uint16_t)link[i][j];
            peers[k] = &via[k];
            k++;
        }
        assert_int_equal(node_start_ex(&loop, &n[i], "ca", regions[i], peers, N - 1, &wan), 0);
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            if (i != j) assert_true(wait_up(&loop, &n[i], n[j].id, 15000));
    call_result res[N][N];
    memset(res, 0, sizeof(res));
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            if (i != j)
                assert_int_equal(transport_post_deltas(n[i].t, n[j].id, (const uint8_t *)regions[i],
                                                       strlen(regions[i]), call_done, &res[i][j]),
                                 0);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            if (i == j) continue;
            assert_true(run_until(&loop, pred_call_done, &res[i][j], 15000));
            assert_int_equal(res[i][j].err, 0);
            assert_int_equal(res[i][j].len, strlen(regions[i]));
            free(res[i][j].body);
        }
    print_message("# RTT matrix through the emulator, smoothed ms (configured = typical RTT):\n");
    for (int i = 0; i < N; i++) {
        char line[256];
        int pos = snprintf(line, sizeof(line), "# %-15s", regions[i]);
        for (int j = 0; j < N; j++) {
            transport_peer_stats ps;
            if (i == j) {
                pos += snprintf(line + pos, sizeof(line) - (size_t)pos, " %13s", "-");
                continue;
            }
            assert_int_equal(transport_peer_info(n[i].t, n[j].id, &ps), 0);
            pos += snprintf(line + pos, sizeof(line) - (size_t)pos, " %6.1f (%4.0f)", ps.rtt_smoothed_us / 1000.0,
                            wanem_rtt_lookup(rtt, regions[i], regions[j]));
        }
        print_message("%s\n", line);
    }
    json_decref(rtt);
    for (int i = 0; i < N; i++) node_stop(&n[i]);
    wanem_close(w);
    assert_int_equal(loop_finish(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wanem_commands),
        cmocka_unit_test(test_rpcs_complete_through_lossy_wan),
        cmocka_unit_test(test_cut_and_heal),
        cmocka_unit_test(test_peer_restart_detected_by_stateless_reset),
        cmocka_unit_test(test_five_regions_rtt_matrix),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
