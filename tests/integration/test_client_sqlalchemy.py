#!/usr/bin/python3
"""tests/integration/test_client_sqlalchemy.py — SQLAlchemy 1.4 (Debian's python3-sqlalchemy, over
psycopg2) against heliosdb --dev, as an application uses it: the dialect's connect-time
queries (hstore lookup, version, settings), Core `create_all` of tables with SERIAL and
BigInteger ids, varchar lengths, a numeric scale and a foreign key, ORM inserts that read their
ids back (INSERT ... RETURNING), relationship loads, `Query.count()`, an update and a delete
refused by the foreign key, and reflection (tables, columns, primary and foreign keys, a Table
autoloaded), served by the pg_catalog relations; a native Enum (CREATE TYPE ... AS ENUM at
create_all, ordered by its labels, reflected, dropped with drop_all). Each check asserts the
values read back."""
import os
import sys

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session, declarative_base, relationship  # noqa: E402

Base = declarative_base()


class Author(Base):
    __tablename__ = "authors"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(40), nullable=False)
    balance = sa.Column(sa.Numeric(10, 2), default=0)
    books = relationship("Book", back_populates="author")


class Book(Base):
    __tablename__ = "books"
    id = sa.Column(sa.BigInteger, primary_key=True)
    author_id = sa.Column(sa.Integer, sa.ForeignKey("authors.id"), nullable=False)
    title = sa.Column(sa.Text)
    author = relationship("Author", back_populates="books")


class Review(Base):  # a native enum: CREATE TYPE stars AS ENUM at create_all
    __tablename__ = "reviews"
    id = sa.Column(sa.Integer, primary_key=True)
    rating = sa.Column(sa.Enum("poor", "good", "great", name="stars"), nullable=False)


def main():
    tap = wirelib.Tap()
    srv = wirelib.Server(dev=True)
    try:
        eng = sa.create_engine("postgresql+psycopg2://postgres@127.0.0.1:%d/postgres" % srv.port,
                               future=True)
        with eng.connect() as c:
            tap.ok(c.execute(sa.text("SELECT 1")).scalar() == 1, "connects (dialect's start-up queries)")
        Base.metadata.create_all(eng)
        insp = sa.inspect(eng)
        tap.ok(sorted(insp.get_table_names()) == ["authors", "books", "reviews"],
               "create_all makes the tables", insp.get_table_names())
        with Session(eng) as s:
            le_guin = Author(name="Le Guin", balance=12.345)
            s.add(le_guin)
            s.flush()
            s.add_all([Book(author=le_guin, title="The Dispossessed"),
                       Book(author=le_guin, title="The Lathe of Heaven")])
            s.add(Author(name="Jemisin"))
            s.commit()
            tap.ok(le_guin.id == 1, "SERIAL id read back by the ORM", le_guin.id)
            ids = [b.id for b in s.query(Book).order_by(Book.id)]
            tap.ok(ids == [1, 2], "BIGSERIAL ids in insert order", ids)
            tap.ok(s.query(Book).count() == 2, "Query.count()")
            a = s.query(Author).filter_by(name="Le Guin").one()
            tap.ok(str(a.balance) == "12.35", "numeric(10,2) rounds as PostgreSQL", a.balance)
            tap.ok(sorted(b.title for b in a.books) == ["The Dispossessed", "The Lathe of Heaven"],
                   "relationship load (a join on the foreign key)")
            a.name = "Ursula K. Le Guin"
            s.commit()
            tap.ok(s.query(Author.name).filter(Author.id == 1).scalar() == "Ursula K. Le Guin", "update")
            try:
                s.add(Author(name="x" * 41))
                s.commit()
                tap.ok(False, "varchar(40) refuses 41 characters")
            except sa.exc.DataError as e:
                s.rollback()
                tap.ok(e.orig.pgcode == "22001", "varchar(40) refuses 41 characters (22001)", e.orig.pgcode)
            try:
                s.execute(sa.delete(Author).where(Author.id == 1))
                s.commit()
                tap.ok(False, "deleting a referenced author is refused")
            except sa.exc.IntegrityError as e:
                s.rollback()
                tap.ok(e.orig.pgcode == "23503", "deleting a referenced author is refused (23503)")
            try:
                s.add(Book(author_id=99, title="orphan"))
                s.commit()
                tap.ok(False, "a book of an unknown author is refused")
            except sa.exc.IntegrityError as e:
                s.rollback()
                tap.ok(e.orig.pgcode == "23503", "a book of an unknown author is refused (23503)")
        cols = {c["name"]: c for c in insp.get_columns("authors")}
        tap.ok(list(cols) == ["id", "name", "balance"], "reflected columns in order", list(cols))
        tap.ok(isinstance(cols["name"]["type"], sa.String) and cols["name"]["type"].length == 40 and
               not cols["name"]["nullable"], "reflected VARCHAR(40) NOT NULL", cols["name"])
        tap.ok(isinstance(cols["balance"]["type"], sa.Numeric) and cols["balance"]["type"].scale == 2,
               "reflected NUMERIC(10, 2)", cols["balance"])
        tap.ok("nextval('authors_id_seq'::regclass)" in str(cols["id"]["default"]),
               "reflected SERIAL default", cols["id"]["default"])
        tap.ok(insp.has_table("books") and not insp.has_table("nope"), "has_table")
        tap.ok(insp.get_pk_constraint("authors") == {"constrained_columns": ["id"], "name": "authors_pkey"},
               "reflected primary key", insp.get_pk_constraint("authors"))
        fks = insp.get_foreign_keys("books")
        tap.ok([(f["constrained_columns"], f["referred_table"], f["referred_columns"]) for f in fks] ==
               [(["author_id"], "authors", ["id"])], "reflected foreign key", fks)
        md = sa.MetaData()
        books = sa.Table("books", md, autoload_with=eng)
        tap.ok([c.name for c in books.columns] == ["id", "author_id", "title"] and
               list(books.primary_key.columns.keys()) == ["id"] and
               [fk.target_fullname for fk in books.foreign_keys] == ["authors.id"],
               "Table(..., autoload_with=engine)")
        with Session(eng) as s:
            s.add_all([Review(rating="great"), Review(rating="poor"), Review(rating="good")])
            s.commit()
            got = [r.rating for r in s.query(Review).order_by(Review.rating)]
            tap.ok(got == ["poor", "good", "great"], "a native Enum column orders by its labels", got)
            n = s.query(Review).filter(Review.rating > "poor").count()
            tap.ok(n == 2, "a native Enum compares by its labels", n)
            try:
                s.execute(sa.text("INSERT INTO reviews (rating) VALUES ('awful')"))
                s.commit()
                tap.ok(False, "a label not in the Enum is refused")
            except sa.exc.DataError as e:
                s.rollback()
                tap.ok(e.orig.pgcode == "22P02", "a label not in the Enum is refused (22P02)", e.orig.pgcode)
        rcols = {c["name"]: c for c in sa.inspect(eng).get_columns("reviews")}
        rt = rcols["rating"]["type"]
        tap.ok(isinstance(rt, sa.Enum) and list(rt.enums) == ["poor", "good", "great"] and rt.name == "stars",
               "reflected Enum with its labels in order", rt)
        tap.ok([e["name"] for e in sa.inspect(eng).get_enums()] == ["stars"], "get_enums()",
               sa.inspect(eng).get_enums())
        Base.metadata.drop_all(eng)
        with eng.connect() as c:
            left = c.execute(sa.text("SELECT count(*) FROM pg_type WHERE typname = 'stars'")).scalar()
            tables = sa.inspect(eng).get_table_names()
        tap.ok(left == 0 and tables == [], "drop_all drops the tables and the enum type", (left, tables))
        eng.dispose()
    finally:
        srv.stop()
    tap.done()


if __name__ == "__main__":
    main()
