// doc-test: node
// Up/down votes and view counts with node-postgres (npm pg). Votes are a pn_counter (they go
// both ways), views a g_counter (only up). App servers in every region add to the same row
// without read-modify-write: concurrent increments from anywhere all count. bigint counters
// come back from pg as strings; parse them (or set a type parser) in your code.
const { Client } = require('pg');

async function vote(c, postId, delta) {
  // An upsert: the first vote creates the row, later ones add to the counter (a plain INSERT of
  // an existing post_id fails with 23505, as in PostgreSQL).
  await c.query('INSERT INTO post_votes (post_id, score) VALUES ($1, $2) '
                + 'ON CONFLICT (post_id) DO UPDATE SET score = post_votes.score + excluded.score',
                [postId, delta]);
}

async function main() {
  const c = new Client(); // PGHOST, PGPORT, PGUSER, PGDATABASE from the environment
  await c.connect();
  await c.query('CREATE TABLE post_votes (post_id bigint PRIMARY KEY, score pn_counter, views g_counter)');
  for (const d of [1, 1, 1, -1, 1]) await vote(c, 10, d);
  await vote(c, 11, -1);
  await c.query('UPDATE post_votes SET views = views + $1 WHERE post_id = $2', [40, 10]);
  await c.query('UPDATE post_votes SET score = score - $1 WHERE post_id = $2', [2, 11]);

  const r = await c.query('SELECT post_id, score, views FROM post_votes ORDER BY score DESC');
  for (const row of r.rows) {
    console.log(`post ${row.post_id}: score ${Number(row.score)}, views ${Number(row.views)}`);
  }
  // Expressions a counter cannot merge are refused with the SQLSTATE and the allowed forms.
  for (const sql of ['UPDATE post_votes SET views = views - 1',
                     'UPDATE post_votes SET score = score * 2']) {
    try {
      await c.query(sql);
    } catch (e) {
      console.log(`refused ${e.code}: ${e.message}`);
    }
  }
  await c.end();
}
main().catch((e) => { console.error(e); process.exit(1); });
