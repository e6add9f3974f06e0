/* Unit tests for replication/transport: two and three endpoints on one loop over loopback with
 * mutual TLS — handshake, GET /v1/status, POST /v1/deltas (1 MiB, many in flight, answered
 * asynchronously), malformed requests, reconnect after a peer restarts, clean shutdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/replication/harness.h"

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

/* Two nodes a(1) and b(2) dialling each other, both UP. */
static void start_pair(uv_loop_t *loop, node *a, node *b)
{
    assert_int_equal(uv_loop_init(loop), 0);
    node_init(a, "a", 1);
    node_init(b, "b", 2);
    node *pa[] = {b}, *pb[] = {a};
    assert_int_equal(node_start(loop, a, pa, 1), 0);
    assert_int_equal(node_start(loop, b, pb, 1), 0);
    assert_true(wait_up(loop, a, 2, 5000));
    assert_true(wait_up(loop, b, 1, 5000));
}

static void stop_all(uv_loop_t *loop, node **nodes, int n)
{
    for (int i = 0; i < n; i++) node_stop(nodes[i]);
    assert_int_equal(loop_finish(loop), 0);
}

static void test_handshake_and_status(void **state)
{
    (void)state;
    uv_loop_t loop;
    node a, b;
    start_pair(&loop, &a, &b);

    call_result r = {0};
    assert_int_equal(transport_get_status(a.t, 2, call_done, &r), 0);
    assert_true(run_until(&loop, pred_call_done, &r, 5000));
    assert_int_equal(r.err, 0);
    assert_int_equal(r.status, 200);
    const char *want = "{\"node\":\"b\",\"id\":2,\"asked_by\":1}";
    assert_int_equal(r.len, strlen(want));
    assert_memory_equal(r.body, want, r.len);
    free(r.body);

    transport_peer_stats ps;
    assert_int_equal(transport_peer_info(a.t, 2, &ps), 0);
    assert_int_equal(ps.state, TRANSPORT_PEER_UP);
    assert_string_equal(ps.name, "b");
    assert_true(ps.rtt_smoothed_us > 0);
    assert_true(ps.bytes_out > 0 && ps.bytes_in > 0 && ps.packets_out > 0 && ps.packets_in > 0);
    assert_int_equal(ps.connects, 1);
    assert_int_equal(transport_peer_info(a.t, 9, &ps), TRANSPORT_ENOPEER);

    transport_stats st;
    transport_get_stats(a.t, &st);
    assert_int_equal(st.connections, 2); /* our dial to b and b's dial to us */
    assert_int_equal(st.refused, 0);

    /* Unknown peer, oversized body: refused synchronously, no callback. */
    assert_int_equal(transport_post_deltas(a.t, 7, (const uint8_t *)"x", 1, call_done, &r), TRANSPORT_ENOPEER);
    node *all[] = {&a, &b};
    stop_all(&loop, all, 2);
}

static void test_post_large_body(void **state)
{
    (void)state;
    uv_loop_t loop;
    node a, b;
    start_pair(&loop, &a, &b);
    size_t len = 1024 * 1024;
    uint8_t *body = malloc(len);
    for (size_t i = 0; i < len; i++) body[i] = (uint8_t)(i * 2654435761u >> 13);

    call_result r = {0};
    assert_int_equal(transport_post_deltas(a.t, 2, body, len, call_done, &r), 0);
    assert_true(run_until(&loop, pred_call_done, &r, 10000));
    assert_int_equal(r.err, 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, len);
    assert_memory_equal(r.body, body, len);
    assert_int_equal(b.deltas, 1);
    assert_int_equal(b.deltas_bytes, len);
    free(r.body);
    free(body);
    node *all[] = {&a, &b};
    stop_all(&loop, all, 2);
}

/* Many small requests through the window, both directions, half answered asynchronously. */
typedef struct many {
    node *from;
    uint16_t to;
    int next, total, done, bad, eagain;
} many;

static void many_pump(many *m);

static void many_done(void *arg, int err, int status, const uint8_t *body, size_t len)
{
    /* arg encodes (many*, index) via a small heap cell */
    struct cell {
        many *m;
        int i;
    } *c = arg;
    char want[32];
    int n = snprintf(want, sizeof(want), "delta-%d", c->i);
    if (err != 0 || status != 200 || len != (size_t)n || memcmp(body, want, len) != 0) c->m->bad++;
    c->m->done++;
    many *m = c->m;
    free(c);
    many_pump(m);
}

static void many_pump(many *m)
{
    while (m->next < m->total) {
        struct cell {
            many *m;
            int i;
        } *c = malloc(sizeof(*c));
        c->m = m;
        c->i = m->next;
        char b[32];
        int n = snprintf(b, sizeof(b), "delta-%d", m->next);
        int rc = transport_post_deltas(m->from->t, m->to, (const uint8_t *)b, (size_t)n, many_done, c);
        if (rc == TRANSPORT_EAGAIN) {
            m->eagain++;
            free(c);
            return;
        }
        assert_int_equal(rc, 0);
        m->next++;
    }
}

typedef struct many_pair {
    many *x, *y;
    node *hold_node;
} many_pair;

static bool pred_many(void *arg)
{
    many_pair *p = arg;
    /* Answer what b held so far: responses sent from outside any transport callback. */
    if (p->hold_node->nheld > 0) node_release_held(p->hold_node);
    return p->x->done == p->x->total && p->y->done == p->y->total;
}

static void test_many_small_in_flight(void **state)
{
    (void)state;
    uv_loop_t loop;
    node a, b;
    start_pair(&loop, &a, &b);
    b.hold = true; /* b answers later (asynchronously), a answers inside the handler */
    many ab = {.from = &a, .to = 2, .total = 1000};
    many ba = {.from = &b, .to = 1, .total = 1000};
    many_pump(&ab);
    many_pump(&ba);
    assert_int_equal(ab.next, 64); /* default window */
    assert_true(ab.eagain > 0);
    many_pair p = {&ab, &ba, &b};
    assert_true(run_until(&loop, pred_many, &p, 20000));
    assert_int_equal(ab.bad, 0);
    assert_int_equal(ba.bad, 0);
    assert_int_equal(b.deltas, 1000);
    assert_int_equal(a.deltas, 1000);
    transport_peer_stats ps;
    assert_int_equal(transport_peer_info(a.t, 2, &ps), 0);
    assert_int_equal(ps.inflight, 0);
    assert_int_equal(ps.requests_sent, 1000);
    assert_int_equal(ps.requests_served, 1000);
    node *all[] = {&a, &b};
    stop_all(&loop, all, 2);
}

static void test_malformed_requests(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node a, b;
    node_init(&a, "a", 1);
    node_init(&b, "b", 2);
    node *pa[] = {&b}, *pb[] = {&a};
    transport_config small = {.max_body = 1000};
    assert_int_equal(node_start(&loop, &a, pa, 1), 0);
    assert_int_equal(node_start_ex(&loop, &b, "ca", "b", pb, 1, &small), 0);
    assert_true(wait_up(&loop, &a, 2, 5000));

    struct {
        const char *method, *path;
        size_t len;
        int want;
    } cases[] = {
        {"GET", "/v1/deltas", 0, 405},  {"POST", "/v1/status", 3, 405}, {"POST", "/v1/nope", 3, 404},
        {"PUT", "/", 0, 404},           {"POST", "/v1/deltas", 1001, 413},
        {"POST", "/v1/deltas", 1000, 200},
    };
    uint8_t *body = calloc(1, 17u * 1024 * 1024);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        call_result r = {0};
        assert_int_equal(transport_request(a.t, 2, cases[i].method, cases[i].path, body, cases[i].len, call_done, &r),
                         0);
        assert_true(run_until(&loop, pred_call_done, &r, 5000));
        assert_int_equal(r.err, 0);
        assert_int_equal(r.status, cases[i].want);
        free(r.body);
    }
    /* Bounded on the client side too: an oversized path or body never leaves. */
    assert_int_equal(transport_request(a.t, 2, "POST", "/this-path-is-far-too-long-to-be-accepted-by-the-"
                                                       "client-side-limit-of-64",
                                       body, 1, call_done, NULL),
                     TRANSPORT_EINVAL);
    assert_int_equal(transport_request(a.t, 2, "POST", "/v1/deltas", body, 17u * 1024 * 1024, call_done, NULL),
                     TRANSPORT_ETOOBIG);
    /* The connection survived every error. */
    assert_int_equal(transport_peer_get_state(a.t, 2), TRANSPORT_PEER_UP);
    free(body);
    node *all[] = {&a, &b};
    stop_all(&loop, all, 2);
}

typedef struct gone {
    node *n;
    uint16_t peer;
} gone;

static bool pred_not_up(void *arg)
{
    gone *g = arg;
    return transport_peer_get_state(g->n->t, g->peer) != TRANSPORT_PEER_UP;
}

static bool pred_two_conns(void *arg)
{
    transport_stats st;
    transport_get_stats(arg, &st);
    return st.connections == 2;
}

static bool pred_held(void *arg) { return ((node *)arg)->nheld > 0; }

static void test_reconnect_after_restart(void **state)
{
    (void)state;
    uv_loop_t loop;
    node a, b;
    start_pair(&loop, &a, &b);
    call_result r = {0};

    /* b goes away while holding a request of a's, unanswered. */
    b.hold = true;
    assert_int_equal(transport_post_deltas(a.t, 2, (const uint8_t *)"lost", 4, call_done, &r), 0);
    assert_true(run_until(&loop, pred_held, &b, 5000));
    transport_del(b.t);
    b.t = NULL;
    gone g = {&a, 2};
    assert_true(run_until(&loop, pred_not_up, &g, 5000));
    assert_true(run_until(&loop, pred_call_done, &r, 5000));
    assert_int_equal(r.err, TRANSPORT_ECONNLOST);
    /* b's handler answers late: the request is orphaned, the answer only frees it. */
    assert_int_equal(node_release_held(&b), 0);
    transport_peer_stats ps;
    assert_int_equal(transport_peer_info(a.t, 2, &ps), 0);
    assert_true(ps.last_reason[0] != 0);
    assert_int_equal(transport_post_deltas(a.t, 2, (const uint8_t *)"x", 1, call_done, &r), TRANSPORT_ENOTCONN);

    /* While b is down, a keeps retrying with backoff: several attempts, none succeed. */
    uint32_t attempts0 = ps.attempts;
    run_until(&loop, pred_never, NULL, 400);
    assert_int_equal(transport_peer_info(a.t, 2, &ps), 0);
    assert_true(ps.attempts > attempts0);
    assert_true(ps.state != TRANSPORT_PEER_UP);

    /* b comes back on the same port: a reconnects and requests flow again. */
    uint16_t port = b.port;
    node_init(&b, "b", 2);
    b.port = port;
    node *pb[] = {&a};
    assert_int_equal(node_start(&loop, &b, pb, 1), 0);
    assert_true(wait_up(&loop, &a, 2, 5000));
    memset(&r, 0, sizeof(r));
    assert_int_equal(transport_post_deltas(a.t, 2, (const uint8_t *)"again", 5, call_done, &r), 0);
    assert_true(run_until(&loop, pred_call_done, &r, 5000));
    assert_int_equal(r.err, 0);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "again", 5);
    free(r.body);
    assert_int_equal(transport_peer_info(a.t, 2, &ps), 0);
    assert_int_equal(ps.connects, 2);
    /* Whatever a still held from b's first life is gone: one connection each way remains. */
    assert_true(run_until(&loop, pred_two_conns, a.t, 5000));
    node *all[] = {&a, &b};
    stop_all(&loop, all, 2);
}

typedef struct tri {
    call_result r[6];
} tri;

static bool pred_tri(void *arg)
{
    tri *t = arg;
    for (int i = 0; i < 6; i++)
        if (!t->r[i].done) return false;
    return true;
}

static void test_three_nodes_full_mesh(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node n[3];
    node_init(&n[0], "a", 1);
    node_init(&n[1], "b", 2);
    node_init(&n[2], "c", 3);
    for (int i = 0; i < 3; i++) {
        node *peers[2];
        int k = 0;
        for (int j = 0; j < 3; j++)
            if (j != i) peers[k++] = &n[j];
        assert_int_equal(node_start(&loop, &n[i], peers, 2), 0);
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (i != j) assert_true(wait_up(&loop, &n[i], n[j].id, 5000));
    tri t;
    memset(&t, 0, sizeof(t));
    int k = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (i != j) {
                char b[16];
                snprintf(b, sizeof(b), "%d->%d", i, j);
                assert_int_equal(transport_post_deltas(n[i].t, n[j].id, (const uint8_t *)b, strlen(b), call_done,
                                                       &t.r[k++]),
                                 0);
            }
    assert_true(run_until(&loop, pred_tri, &t, 5000));
    k = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (i != j) {
                char b[16];
                snprintf(b, sizeof(b), "%d->%d", i, j);
                assert_int_equal(t.r[k].err, 0);
                assert_int_equal(t.r[k].len, strlen(b));
                assert_memory_equal(t.r[k].body, b, strlen(b));
                free(t.r[k].body);
                k++;
            }
    for (int i = 0; i < 3; i++) {
        transport_stats st;
        transport_get_stats(n[i].t, &st);
        assert_int_equal(st.connections, 4);
        assert_int_equal(n[i].deltas, 2);
    }
    node *all[] = {&n[0], &n[1], &n[2]};
    stop_all(&loop, all, 3);
}

static void test_shutdown_fails_pending_calls(void **state)
{
    (void)state;
    uv_loop_t loop;
    node a, b;
    start_pair(&loop, &a, &b);
    b.hold = true;
    call_result r = {0};
    assert_int_equal(transport_post_deltas(a.t, 2, (const uint8_t *)"pending", 7, call_done, &r), 0);
    node_stop(&a);
    node *rest[] = {&b};
    stop_all(&loop, rest, 1);
    assert_int_equal(r.done, 1);
    assert_int_equal(r.err, TRANSPORT_ESHUTDOWN);
}

static void test_request_timeout_cancels(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node a, b;
    node_init(&a, "a", 1);
    node_init(&b, "b", 2);
    node *pa[] = {&b}, *pb[] = {&a};
    transport_config quick = {.request_timeout_ms = 200};
    assert_int_equal(node_start_ex(&loop, &a, "ca", "a", pa, 1, &quick), 0);
    assert_int_equal(node_start(&loop, &b, pb, 1), 0);
    assert_true(wait_up(&loop, &a, 2, 5000));
    b.hold = true; /* b never answers in time */
    call_result r = {0};
    assert_int_equal(transport_post_deltas(a.t, 2, (const uint8_t *)"slow", 4, call_done, &r), 0);
    assert_true(run_until(&loop, pred_call_done, &r, 5000));
    assert_int_equal(r.err, TRANSPORT_ETIMEDOUT);
    /* The cancellation reaches b: its late answer finds the stream gone; a's window frees up. */
    assert_int_equal(b.nheld, 1);
    transport_peer_stats ps;
    for (uint64_t deadline = uv_hrtime() + 5000000000ull; uv_hrtime() < deadline;) {
        assert_int_equal(transport_peer_info(a.t, 2, &ps), 0);
        if (ps.inflight == 0) break;
        uv_run(&loop, UV_RUN_ONCE);
    }
    assert_int_equal(ps.inflight, 0);
    /* b's late answer (whether or not b has seen the cancellation yet) must not resurrect the
     * call, and the connection stays usable. */
    node_release_held(&b);
    call_result s = {0};
    assert_int_equal(transport_get_status(a.t, 2, call_done, &s), 0);
    assert_true(run_until(&loop, pred_call_done, &s, 5000));
    assert_int_equal(s.status, 200);
    free(s.body);
    assert_int_equal(r.done, 1); /* exactly once */
    node *all[] = {&a, &b};
    stop_all(&loop, all, 2);
}

static void test_ipv6(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node a, b;
    node_init(&a, "a", 1);
    node_init(&b, "b", 2);
    a.host = b.host = "::1";
    node *pa[] = {&b}, *pb[] = {&a};
    if (node_start(&loop, &a, pa, 1) != 0) {
        assert_int_equal(loop_finish(&loop), 0);
        skip(); /* no IPv6 loopback here */
    }
    assert_int_equal(node_start(&loop, &b, pb, 1), 0);
    assert_true(wait_up(&loop, &a, 2, 5000));
    call_result r = {0};
    assert_int_equal(transport_post_deltas(a.t, 2, (const uint8_t *)"v6", 2, call_done, &r), 0);
    assert_true(run_until(&loop, pred_call_done, &r, 5000));
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "v6", 2);
    free(r.body);
    node *all[] = {&a, &b};
    stop_all(&loop, all, 2);
}

static void test_config_errors(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    char caf[300], cf[300], kf[300];
    snprintf(caf, sizeof(caf), "%s/ca.pem", harness_dir);
    snprintf(cf, sizeof(cf), "%s/a.pem", harness_dir);
    snprintf(kf, sizeof(kf), "%s/a.key", harness_dir);
    transport_peer_config peers[2] = {{"b", 2, "127.0.0.1", 9}, {"c", 3, "localhost", 9}};
    transport_config good = {.listen_host = "127.0.0.1", .self_name = "a", .self_id = 1, .ca_file = caf,
                             .cert_file = cf, .key_file = kf, .peers = peers, .npeers = 2};
    node sink; /* collects the log lines */
    memset(&sink, 0, sizeof(sink));
    good.cb.on_log = node_on_log;
    good.user_data = &sink;
    transport *t = NULL;
    transport_config c = good;

    transport_peer_config dup[2] = {{"b", 2, "127.0.0.1", 9}, {"c", 2, "127.0.0.1", 10}};
    c.peers = dup;
    assert_int_equal(transport_new(&loop, &c, &t), TRANSPORT_EINVAL); /* duplicate id */
    transport_peer_config self[1] = {{"b", 1, "127.0.0.1", 9}};
    c.peers = self;
    c.npeers = 1;
    assert_int_equal(transport_new(&loop, &c, &t), TRANSPORT_EINVAL); /* our own id */
    transport_peer_config v6[1] = {{"b", 2, "::1", 9}};
    c.peers = v6;
    assert_int_equal(transport_new(&loop, &c, &t), TRANSPORT_EINVAL); /* family differs from listen */
    assert_non_null(strstr(sink.last_log, "IPv4"));
    c = good;
    c.listen_host = "not-an-address";
    assert_int_equal(transport_new(&loop, &c, &t), TRANSPORT_EINVAL);
    c = good;
    c.self_id = 0;
    assert_int_equal(transport_new(&loop, &c, &t), TRANSPORT_EINVAL);
    c = good;
    c.cert_file = caf; /* a certificate without its key */
    assert_int_equal(transport_new(&loop, &c, &t), TRANSPORT_ETLS);
    c = good;
    c.ca_file = "/nonexistent/ca.pem";
    assert_int_equal(transport_new(&loop, &c, &t), TRANSPORT_ETLS);

    /* A good one ("localhost" resolved), then a second on the same port: EIO. */
    assert_int_equal(transport_new(&loop, &good, &t), 0);
    transport *t2 = NULL;
    c = good;
    c.listen_port = transport_port(t);
    assert_int_equal(transport_new(&loop, &c, &t2), TRANSPORT_EIO);
    assert_null(t2);
    transport_del(t);
    assert_int_equal(loop_finish(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_and_status),
        cmocka_unit_test(test_post_large_body),
        cmocka_unit_test(test_many_small_in_flight),
        cmocka_unit_test(test_malformed_requests),
        cmocka_unit_test(test_reconnect_after_restart),
        cmocka_unit_test(test_three_nodes_full_mesh),
        cmocka_unit_test(test_shutdown_fails_pending_calls),
        cmocka_unit_test(test_request_timeout_cancels),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_config_errors),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
