// Go: pgx v4 (CopyFrom, = ANY($1) of a Go slice, arrays, transactions) and lib/pq through
// database/sql (pq.Array, pq.Error codes), from Debian's golang-github-* packages. Prints what it
// read; compared with client.go.expected (what PostgreSQL 15 gives).
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/jackc/pgx/v4"
	"github.com/lib/pq"
)

func main() {
	port, db := os.Args[1], "postgres"
	if len(os.Args) > 2 {
		db = os.Args[2]
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%s/%s?sslmode=disable", port, db))
	if err != nil {
		fmt.Println("pgx connect", err)
		os.Exit(1)
	}
	defer c.Close(ctx)
	c.Exec(ctx, "DROP TABLE IF EXISTS go_t")
	if _, err := c.Exec(ctx, "CREATE TABLE go_t (id int PRIMARY KEY, name text, tags text[], n numeric(6,2), at timestamptz)"); err != nil {
		fmt.Println("create", err)
	}
	rows := [][]interface{}{{1, "a", []string{"x", "y"}, 1.5, nil}, {2, "b", []string{}, nil, nil}, {3, "c", nil, 2.25, nil}}
	n, err := c.CopyFrom(ctx, pgx.Identifier{"go_t"}, []string{"id", "name", "tags", "n", "at"}, pgx.CopyFromRows(rows))
	fmt.Println("copyfrom", n, err)
	var names []string
	r, err := c.Query(ctx, "SELECT name FROM go_t WHERE id = ANY($1) ORDER BY id", []int32{1, 3})
	if err == nil {
		for r.Next() {
			var s string
			r.Scan(&s)
			names = append(names, s)
		}
		r.Close()
	}
	fmt.Println("any", names, err)
	var tags []string
	err = c.QueryRow(ctx, "SELECT tags FROM go_t WHERE id = $1", 1).Scan(&tags)
	fmt.Println("array", tags, err)
	tx, _ := c.Begin(ctx)
	tx.Exec(ctx, "UPDATE go_t SET name = 'z' WHERE id = 2")
	tx.Rollback(ctx)
	var nm string
	c.QueryRow(ctx, "SELECT name FROM go_t WHERE id = 2").Scan(&nm)
	fmt.Println("rollback", nm)

	sdb, err := sql.Open("postgres", fmt.Sprintf("host=127.0.0.1 port=%s user=postgres dbname=%s sslmode=disable", port, db))
	if err != nil {
		fmt.Println("libpq open", err)
	}
	var cnt int
	err = sdb.QueryRow("SELECT count(*) FROM go_t WHERE name = ANY($1)", pq.Array([]string{"a", "c"})).Scan(&cnt)
	fmt.Println("lib/pq any", cnt, err)
	_, err = sdb.Exec("INSERT INTO go_t (id, name) VALUES ($1, $2)", 1, "dup")
	if pe, ok := err.(*pq.Error); ok {
		fmt.Println("lib/pq error", pe.Code)
	}
	sdb.Close()
	c.Exec(ctx, "DROP TABLE go_t")
	fmt.Println("done")
}
