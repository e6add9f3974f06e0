/* tests/unit/sql/test_sqlnotify.c — LISTEN / NOTIFY's parts (server/sql/sqlnotify.h): a
 * transaction's record (PostgreSQL's checks, folding of equal notifications with and without
 * the hash index, savepoint truncation, the size limit), the hub (delivery by channel, in
 * order, the kick only when a queue becomes non-empty, UNLISTEN, the per-session bound).
 * Storage's part (handing every applied entry's notifications over) is test_store's
 * test_notify_hook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/sql/sqlnotify.h"

static int kicks[4];

static void kick(void *arg)
{
    kicks[(intptr_t)arg]++;
}

static void test_txn_checks(void **state)
{
    (void)state;
    sqlnotify_txn t = {0};
    sqlerr err;
    assert_int_equal(sqlnotify_txn_notify(&t, "", "x", &err), SQL_ERR);
    assert_string_equal(err.code, "22023");
    assert_string_equal(err.message, "channel name cannot be empty");
    char ch[65];
    memset(ch, 'c', 64);
    ch[64] = 0;
    assert_int_equal(sqlnotify_txn_notify(&t, ch, "x", &err), SQL_ERR);
    assert_string_equal(err.message, "channel name too long");
    ch[63] = 0;
    assert_int_equal(sqlnotify_txn_notify(&t, ch, "x", &err), SQL_OK);
    char *p = malloc(8001);
    memset(p, 'p', 8000);
    p[8000] = 0;
    assert_int_equal(sqlnotify_txn_notify(&t, "a", p, &err), SQL_ERR);
    assert_string_equal(err.message, "payload string too long");
    p[7999] = 0;
    assert_int_equal(sqlnotify_txn_notify(&t, "a", p, &err), SQL_OK);
    assert_int_equal(sqlnotify_txn_notify(&t, "a", NULL, &err), SQL_OK); /* empty payload */
    assert_int_equal(t.nnotes, 3);
    assert_string_equal(t.notes[2].payload, "");
    /* the size limit: distinct 8 kB payloads until 16 MiB, then 54000 */
    int rc = SQL_OK, n = 0;
    for (; rc == SQL_OK && n < 3000; n++) {
        snprintf(p, 16, "%08d", n);
        p[8] = 'p';
        rc = sqlnotify_txn_notify(&t, "big", p, &err);
    }
    assert_int_equal(rc, SQL_ERR);
    assert_string_equal(err.code, "54000");
    assert_true(n > 2000 && n < 2100);
    assert_true(t.bytes <= SQLNOTIFY_TXN_MAX_BYTES);
    free(p);
    sqlnotify_txn_clear(&t);
}

/* Folding: equal (channel, payload) pairs kept once, in first-sent order, with the scan (few
 * notes) and the hash index (many), also after a truncation rebuilt the index. */
static void test_txn_fold(void **state)
{
    (void)state;
    sqlnotify_txn t = {0};
    sqlerr err;
    char pl[16];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 40; i++) {
            snprintf(pl, sizeof pl, "%d", i);
            assert_int_equal(sqlnotify_txn_notify(&t, i % 2 ? "odd" : "even", pl, &err), SQL_OK);
        }
    assert_int_equal(t.nnotes, 40);
    assert_non_null(t.hash);
    for (int i = 0; i < 40; i++) {
        snprintf(pl, sizeof pl, "%d", i);
        assert_string_equal(t.notes[i].payload, pl);
    }
    /* same payload, other channel: a different notification */
    assert_int_equal(sqlnotify_txn_notify(&t, "other", "0", &err), SQL_OK);
    assert_int_equal(t.nnotes, 41);
    /* back to 10 (ROLLBACK TO): the dropped ones can be sent again, the kept ones still fold */
    sqlnotify_txn_truncate(&t, 0, 10);
    assert_int_equal(t.nnotes, 10);
    assert_int_equal(sqlnotify_txn_notify(&t, "even", "20", &err), SQL_OK);
    assert_int_equal(sqlnotify_txn_notify(&t, "even", "2", &err), SQL_OK);
    assert_int_equal(t.nnotes, 11);
    assert_string_equal(t.notes[10].payload, "20");
    sqlnotify_txn_clear(&t);
    assert_int_equal(t.nnotes, 0);
}

static int pop_all(sqlnotify_sess *s, char out[][32], int max, uint32_t *pid)
{
    int n = 0;
    sqlnotify_msg m;
    while (n < max && sqlnotify_pop(s, &m)) {
        snprintf(out[n++], 32, "%s:%s", m.channel, m.payload);
        if (pid) *pid = m.pid;
        sqlnotify_msg_free(&m);
    }
    return n;
}

static void listen(sqlnotify_sess *s, int op, const char *ch)
{
    sqlnotify_txn t = {0};
    assert_int_equal(sqlnotify_txn_action(&t, op, ch), 0);
    assert_int_equal(sqlnotify_sess_commit(s, &t), 0);
    sqlnotify_txn_clear(&t);
}

static void test_hub_dispatch(void **state)
{
    (void)state;
    memset(kicks, 0, sizeof kicks);
    sqlnotify_hub *h = sqlnotify_hub_new();
    sqlnotify_sess *s1 = sqlnotify_sess_new(h, kick, (void *)1);
    sqlnotify_sess *s2 = sqlnotify_sess_new(h, kick, (void *)2);
    assert_false(sqlnotify_hub_active(h));
    listen(s1, SQLNOTIFY_LISTEN, "b");
    listen(s1, SQLNOTIFY_LISTEN, "a");
    listen(s1, SQLNOTIFY_LISTEN, "b"); /* twice: once */
    listen(s2, SQLNOTIFY_LISTEN, "b");
    assert_true(sqlnotify_hub_active(h));
    char **chans;
    int nch;
    assert_int_equal(sqlnotify_sess_channels(s1, &chans, &nch), 0);
    assert_int_equal(nch, 2);
    assert_string_equal(chans[0], "b"); /* the order of the first LISTEN */
    assert_string_equal(chans[1], "a");
    free(chans);

    logentry_catalog items[4] = {
        {LOGENTRY_NOTIFY, (const uint8_t *)"a", 1, (const uint8_t *)"1", 1},
        {LOGENTRY_CATALOG_PUT, (const uint8_t *)"a", 1, (const uint8_t *)"x", 1},
        {LOGENTRY_NOTIFY, (const uint8_t *)"b", 1, (const uint8_t *)"2", 1},
        {LOGENTRY_NOTIFY, (const uint8_t *)"c", 1, NULL, 0},
    };
    sqlnotify_dispatch(h, 77, items, 4);
    sqlnotify_dispatch(h, 78, items + 2, 1);
    assert_int_equal(kicks[1], 1); /* only when its queue became non-empty */
    assert_int_equal(kicks[2], 1);
    assert_true(sqlnotify_sess_pending(s1));
    assert_true(sqlnotify_hub_usage(h) > 0);
    char got[8][32];
    uint32_t pid = 0;
    assert_int_equal(pop_all(s1, got, 8, &pid), 3);
    assert_string_equal(got[0], "a:1");
    assert_string_equal(got[1], "b:2");
    assert_string_equal(got[2], "b:2");
    assert_int_equal(pid, 78);
    assert_int_equal(pop_all(s2, got, 8, NULL), 2);
    assert_false(sqlnotify_sess_pending(s2));
    assert_true(sqlnotify_hub_usage(h) == 0);
    sqlnotify_dispatch(h, 1, items, 1);
    assert_int_equal(kicks[1], 2); /* empty again: kicked again */
    assert_int_equal(kicks[2], 1); /* not listening on a */

    /* UNLISTEN b; then UNLISTEN *: s1 gets nothing more, s2 still does */
    listen(s1, SQLNOTIFY_UNLISTEN, "b");
    sqlnotify_dispatch(h, 1, items + 2, 1);
    assert_int_equal(pop_all(s1, got, 8, NULL), 1); /* the "a" sent before */
    assert_int_equal(pop_all(s2, got, 8, NULL), 1);
    listen(s1, SQLNOTIFY_UNLISTEN_ALL, NULL);
    assert_int_equal(sqlnotify_sess_channels(s1, &chans, &nch), 0);
    assert_int_equal(nch, 0);
    free(chans);
    sqlnotify_dispatch(h, 1, items, 4);
    assert_int_equal(pop_all(s1, got, 8, NULL), 0);
    assert_int_equal(pop_all(s2, got, 8, NULL), 1);
    sqlnotify_sess_free(s2);
    assert_false(sqlnotify_hub_active(h));
    sqlnotify_sess_free(s1);
    sqlnotify_hub_free(h);
}

/* A session that does not take its notifications: past SQLNOTIFY_SESS_MAX_BYTES it is marked
 * overflowed, its queue dropped (the hub's count with it) and kicked; others are unaffected. */
static void test_overflow(void **state)
{
    (void)state;
    memset(kicks, 0, sizeof kicks);
    sqlnotify_hub *h = sqlnotify_hub_new();
    sqlnotify_sess *slow = sqlnotify_sess_new(h, kick, (void *)1);
    sqlnotify_sess *fast = sqlnotify_sess_new(h, kick, (void *)2);
    listen(slow, SQLNOTIFY_LISTEN, "x");
    listen(fast, SQLNOTIFY_LISTEN, "x");
    static uint8_t pay[LOGENTRY_NOTIFY_PAYLOAD_MAX];
    memset(pay, 'p', sizeof pay);
    logentry_catalog it = {LOGENTRY_NOTIFY, (const uint8_t *)"x", 1, pay, sizeof pay};
    int sent = 0;
    while (!sqlnotify_sess_overflowed(slow) && sent < 20000) {
        sqlnotify_dispatch(h, 5, &it, 1);
        sent++;
        sqlnotify_msg m;
        assert_int_equal(sqlnotify_pop(fast, &m), 1);
        assert_int_equal(strlen(m.payload), sizeof pay);
        sqlnotify_msg_free(&m);
    }
    assert_true(sqlnotify_sess_overflowed(slow));
    assert_true(sent > (int)(SQLNOTIFY_SESS_MAX_BYTES / (2 * sizeof pay)));
    assert_int_equal(kicks[1], 2); /* non-empty, then overflowed */
    sqlnotify_msg m;
    assert_int_equal(sqlnotify_pop(slow, &m), 0);
    assert_true(sqlnotify_sess_pending(slow)); /* the overflow itself is pending */
    assert_true(sqlnotify_hub_usage(h) == 0);
    sqlnotify_dispatch(h, 5, &it, 1); /* an overflowed session takes nothing more */
    assert_int_equal(sqlnotify_pop(slow, &m), 0);
    assert_int_equal(sqlnotify_pop(fast, &m), 1);
    sqlnotify_msg_free(&m);
    sqlnotify_sess_free(slow);
    sqlnotify_sess_free(fast);
    sqlnotify_hub_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_txn_checks),
        cmocka_unit_test(test_txn_fold),
        cmocka_unit_test(test_hub_dispatch),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
