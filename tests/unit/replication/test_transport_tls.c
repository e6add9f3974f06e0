/* Unit tests for replication/transport's mutual-TLS admission: a certificate from another CA,
 * a name that is not a configured peer, a wrong or missing node id, and a server answering
 * under another peer's address are all refused during the handshake, counted and logged with
 * the reason; neither side ever reports the peer UP. */
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
    if (harness_certs_setup()) return -1;
    if (harness_make_cert("otherca", "b_foreign", "b", 2)) return -1; /* right name, wrong CA */
    if (harness_make_cert("ca", "mallory", "mallory", 9)) return -1;  /* unlisted name */
    if (harness_make_cert("ca", "b_wrongid", "b", 5)) return -1;      /* listed name, wrong id */
    if (harness_make_cert("ca", "b_nouri", "b", 0)) return -1;        /* no helios URI */
    if (harness_sh("cd %s && cat ca.pem otherca.pem > bothca.pem", harness_dir)) return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    harness_certs_teardown();
    return 0;
}

typedef struct refusals {
    node *n;
    uint64_t want;
} refusals;

static bool pred_refused(void *arg)
{
    refusals *r = arg;
    transport_stats st;
    transport_get_stats(r->n->t, &st);
    return st.refused >= r->want;
}

static void assert_refused(uv_loop_t *loop, node *n, uint64_t want, const char *reason_part)
{
    refusals r = {n, want};
    assert_true(run_until(loop, pred_refused, &r, 5000));
    transport_stats st;
    transport_get_stats(n->t, &st);
    if (reason_part && !strstr(st.last_refusal, reason_part))
        fail_msg("refusal reason '%s' lacks '%s'", st.last_refusal, reason_part);
    /* The refusal was logged too. */
    assert_true(n->logs > 0);
}

static void finish(uv_loop_t *loop, node *x, node *y)
{
    node_stop(x);
    node_stop(y);
    assert_int_equal(loop_finish(loop), 0);
}

/* a trusts "ca"; the impostor calls itself b (id 2) but its certificate comes from "otherca". */
static void test_cert_from_other_ca_refused(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node a, e;
    node_init(&a, "a", 1);
    node_init(&e, "b", 2);
    node *pa[] = {&e}, *pe[] = {&a};
    assert_int_equal(node_start(&loop, &a, pa, 1), 0);
    assert_int_equal(node_start_ex(&loop, &e, "otherca", "b_foreign", pe, 1, NULL), 0);
    /* Each side refuses the other's server certificate. */
    assert_refused(&loop, &a, 1, "not trusted by the cluster CA");
    assert_refused(&loop, &e, 1, "not trusted by the cluster CA");
    assert_true(transport_peer_get_state(a.t, 2) != TRANSPORT_PEER_UP);
    assert_true(transport_peer_get_state(e.t, 1) != TRANSPORT_PEER_UP);
    transport_peer_stats ps;
    assert_int_equal(transport_peer_info(a.t, 2, &ps), 0);
    assert_int_equal(ps.connects, 0);
    assert_true(ps.last_reason[0] != 0);
    call_result r = {0};
    assert_int_equal(transport_post_deltas(a.t, 2, (const uint8_t *)"x", 1, call_done, &r), TRANSPORT_ENOTCONN);
    assert_int_equal(a.deltas + e.deltas, 0);
    finish(&loop, &a, &e);
}

/* The impostor trusts our CA as well, so it accepts a's server certificate; a must still refuse
 * its client side (GnuTLS withholds a certificate whose issuer a did not list: "no certificate"). */
static void test_client_cert_from_other_ca_refused(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node a, e;
    node_init(&a, "a", 1);
    node_init(&e, "b", 2);
    node *pe[] = {&a};
    assert_int_equal(node_start(&loop, &a, NULL, 0), 0); /* a only accepts */
    assert_int_equal(node_start_ex(&loop, &e, "bothca", "b_foreign", pe, 1, NULL), 0);
    assert_refused(&loop, &a, 1, NULL);
    transport_stats st;
    transport_get_stats(a.t, &st);
    if (!strstr(st.last_refusal, "certificate")) fail_msg("reason: %s", st.last_refusal);
    transport_peer_stats ps;
    assert_int_equal(transport_peer_info(e.t, 1, &ps), 0);
    assert_true(ps.state != TRANSPORT_PEER_UP);
    assert_int_equal(ps.connects, 0);
    assert_int_equal(a.deltas, 0);
    finish(&loop, &a, &e);
}

static void test_unlisted_name_refused(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node a, m;
    node_init(&a, "a", 1);
    node_init(&m, "mallory", 9);
    node *pm[] = {&a};
    assert_int_equal(node_start(&loop, &a, NULL, 0), 0);
    assert_int_equal(node_start(&loop, &m, pm, 1), 0);
    assert_refused(&loop, &a, 1, "'mallory' is not a configured peer");
    /* mallory learns it was refused: it never reaches UP and records the TLS alert. */
    transport_peer_stats ps;
    assert_int_equal(transport_peer_info(m.t, 1, &ps), 0);
    assert_true(ps.state != TRANSPORT_PEER_UP);
    assert_int_equal(ps.connects, 0);
    assert_int_equal(a.deltas, 0);
    finish(&loop, &a, &m);
}

static void test_wrong_node_id_refused(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node a, b;
    node_init(&a, "a", 1);
    node_init(&b, "b", 2);
    node *pa[] = {&b}, *pb[] = {&a};
    assert_int_equal(node_start(&loop, &a, pa, 1), 0);
    assert_int_equal(node_start_ex(&loop, &b, "ca", "b_wrongid", pb, 1, NULL), 0);
    assert_refused(&loop, &a, 2, NULL); /* as client ("expected ... id 2") and as server */
    assert_true(transport_peer_get_state(a.t, 2) != TRANSPORT_PEER_UP);
    assert_true(transport_peer_get_state(b.t, 1) != TRANSPORT_PEER_UP);
    finish(&loop, &a, &b);
}

static void test_missing_node_id_refused(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node a, b;
    node_init(&a, "a", 1);
    node_init(&b, "b", 2);
    node *pb[] = {&a};
    assert_int_equal(node_start(&loop, &a, (node *[]){&b}, 1), 0);
    assert_int_equal(node_start_ex(&loop, &b, "ca", "b_nouri", pb, 1, NULL), 0);
    assert_refused(&loop, &a, 1, NULL);
    assert_true(transport_peer_get_state(a.t, 2) != TRANSPORT_PEER_UP);
    finish(&loop, &a, &b);
}

/* a believes b lives at c's address: c's valid certificate names c, not b. */
static void test_server_answering_for_another_peer_refused(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    node a, c, fake_b;
    node_init(&a, "a", 1);
    node_init(&c, "c", 3);
    node_init(&fake_b, "b", 2);
    fake_b.port = c.port;
    node *pa[] = {&fake_b};
    assert_int_equal(node_start(&loop, &a, pa, 1), 0);
    assert_int_equal(node_start(&loop, &c, NULL, 0), 0);
    assert_refused(&loop, &a, 1, "server presented 'c' (id 3), expected 'b' (id 2)");
    assert_true(transport_peer_get_state(a.t, 2) != TRANSPORT_PEER_UP);
    finish(&loop, &a, &c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cert_from_other_ca_refused),
        cmocka_unit_test(test_client_cert_from_other_ca_refused),
        cmocka_unit_test(test_unlisted_name_refused),
        cmocka_unit_test(test_wrong_node_id_refused),
        cmocka_unit_test(test_missing_node_id_refused),
        cmocka_unit_test(test_server_answering_for_another_peer_refused),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
