"""Peers for `protalent bench search`: the same documents, queries, filters and facets run by
PostgreSQL full-text search (tsvector + GIN) and by tantivy (a Lucene-class engine, through its
Python package). Run by `scripts/load/search-peers`, which makes the export with
`protalent bench search --export DIR` and passes DIR here.

The export holds the bench's live `search` read model (docs, search_text, tags) and the query mix
with each query's FTS5 expression (as `SearchText` wrote it, bilingual equivalents included), its
kinds and filters (field values already expanded). The peers apply the anonymous visitor's
visibility as a column computed at load (every peer gets the same help).

Prints one JSON object: per engine, p50/p99/max in milliseconds over all queries and per class.
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata

PG_BIN = "/usr/lib/postgresql/15/bin"


def fold(text):
    """Lowercase without diacritics, as the engines index."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


# -- the FTS5 expression SearchText writes: "quoted words"[*], AND, OR, NOT, parentheses -----------

TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"]|"")*)"(\*)?|(AND|OR|NOT)\b)')


def parse(expression):
    """The expression as a tree: ("term", words, prefix) | ("and"|"or", [children]) | ("not", a, b)."""
    tokens, position = [], 0
    while position < len(expression):
        match = TOKEN.match(expression, position)
        if not match or match.end() == position:
            raise ValueError(f"unexpected text at {position} in {expression!r}")
        position = match.end()
        if match.group(1):
            tokens.append("(")
        elif match.group(2):
            tokens.append(")")
        elif match.group(5):
            tokens.append(match.group(5))
        else:
            tokens.append(("term", match.group(3).replace('""', '"').split(), bool(match.group(4))))
    index = 0

    def primary():
        nonlocal index
        token = tokens[index]
        index += 1
        if token == "(":
            node = disjunction()
            index += 1  # ")"
            return node
        return token

    def conjunction():
        nonlocal index
        node = primary()
        while index < len(tokens) and tokens[index] in ("AND", "NOT"):
            operator = tokens[index]
            index += 1
            right = primary()
            node = ("and", [node, right]) if operator == "AND" else ("not", node, right)
        return node

    def disjunction():
        nonlocal index
        children = [conjunction()]
        while index < len(tokens) and tokens[index] == "OR":
            index += 1
            children.append(conjunction())
        return children[0] if len(children) == 1 else ("or", children)

    return disjunction()


def tsquery(node):
    kind = node[0]
    if kind == "term":
        words = [fold(w).replace("'", "''") for w in node[1]]
        lexemes = [f"'{w}'" for w in words]
        if node[2]:
            lexemes[-1] += ":*"
        return "(" + " <-> ".join(lexemes) + ")"
    if kind == "and":
        return "(" + " & ".join(tsquery(c) for c in node[1]) + ")"
    if kind == "or":
        return "(" + " | ".join(tsquery(c) for c in node[1]) + ")"
    return f"({tsquery(node[1])} & !{tsquery(node[2])})"


# -- the export --------------------------------------------------------------------------------------

def load_export(directory):
    with open(os.path.join(directory, "queries.json")) as file:
        mix = json.load(file)
    db = sqlite3.connect(os.path.join(directory, "search.sqlite"))
    admins = {doc for (doc,) in db.execute("SELECT doc FROM tags WHERE facet = 'role' AND value = 'admin'")}
    verified = {doc for (doc,) in db.execute("SELECT doc FROM tags WHERE facet = 'verified' AND value = 'true'")}
    docs = []
    for row in db.execute("""SELECT d.doc, d.kind, d.ref, d.title, d.summary, d.date, d.online, d.closed, d.sort_key,
                                    d.visibility, d.private, t.title, t.body
                             FROM docs d JOIN search_text t ON t.doc = d.doc"""):
        doc, kind, ref, title, summary, date, online, closed, sort_key, visibility, private, text_title, body = row
        visible = not ((kind == "person" and doc in admins) or (kind == "mentor" and doc not in verified)
                       or (kind in ("person", "mentor") and visibility != "public") or (kind == "post" and private))
        docs.append(dict(doc=doc, kind=kind, ref=ref, title=title, summary=summary, date=date, online=online, closed=closed,
                         sort_key=sort_key, visible=visible, text_title=text_title, body=body))
    tags = db.execute("SELECT doc, facet, lower(value) FROM tags").fetchall()
    db.close()
    return mix, docs, tags


def percentiles(samples):
    values = sorted(samples)
    pick = lambda p: values[min(len(values) - 1, len(values) * p // 100)]
    return {"requests": len(values), "p50Millis": round(pick(50), 3), "p99Millis": round(pick(99), 3), "maxMillis": round(values[-1], 3)}


def timed(mix, run, rounds):
    everything, by_class = [], {}
    for _ in range(rounds):
        for request in mix["requests"]:
            start = time.perf_counter()
            run(request)
            elapsed = (time.perf_counter() - start) * 1000
            everything.append(elapsed)
            by_class.setdefault(request["class"], []).append(elapsed)
    return {"all": percentiles(everything), "byClass": {name: percentiles(s) for name, s in sorted(by_class.items())}}


# -- PostgreSQL --------------------------------------------------------------------------------------

class Postgres:
    """A throwaway cluster owned by `postgres`, on a Unix socket in a temporary directory."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="protalent-pg-")
        os.chmod(self.directory, 0o777)
        self.data = os.path.join(self.directory, "data")
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.as_postgres = as_postgres
        subprocess.run(as_postgres + [f"{PG_BIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(as_postgres + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.directory, "log"), "-w", "start",
                                      "-o", f"-k {self.directory} -c listen_addresses='' -c shared_buffers=256MB -c fsync=off "
                                            "-c synchronous_commit=off -c jit=off"],
                       check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run(self.as_postgres + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", self.directory])


def run_postgres(mix, docs, tags, rounds):
    import psycopg
    server = Postgres()
    try:
        connection = psycopg.connect(host=server.directory, user="postgres", dbname="postgres", autocommit=True)
        sql = connection.execute
        sql("CREATE EXTENSION unaccent")
        sql("CREATE TEXT SEARCH CONFIGURATION folded (COPY = simple)")
        sql("ALTER TEXT SEARCH CONFIGURATION folded ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple")
        sql("""CREATE TABLE docs (doc bigint PRIMARY KEY, kind text NOT NULL, ref text, title text, summary text, date text,
                                  online boolean, closed int, sort_key text, visible boolean, tsv tsvector)""")
        sql("CREATE TABLE tags (doc bigint, facet text, value text)")
        begin = time.perf_counter()
        with connection.cursor().copy("COPY docs (doc, kind, ref, title, summary, date, online, closed, sort_key, visible) FROM STDIN") as copy:
            for d in docs:
                copy.write_row((d["doc"], d["kind"], d["ref"], d["title"], d["summary"], d["date"],
                                None if d["online"] is None else bool(d["online"]), d["closed"], d["sort_key"], d["visible"]))
        with connection.cursor().copy("COPY tags (doc, facet, value) FROM STDIN") as copy:
            for row in tags:
                copy.write_row(row)
        sql("CREATE TEMP TABLE texts (doc bigint, title text, body text)")
        with connection.cursor().copy("COPY texts (doc, title, body) FROM STDIN") as copy:
            for d in docs:
                copy.write_row((d["doc"], d["text_title"], d["body"]))
        sql("""UPDATE docs SET tsv = setweight(to_tsvector('folded', t.title), 'A') || setweight(to_tsvector('folded', t.body), 'D')
               FROM texts t WHERE t.doc = docs.doc""")
        sql("CREATE INDEX docs_tsv ON docs USING gin (tsv)")
        sql("CREATE INDEX docs_kind_sort ON docs (kind, sort_key, doc)")
        sql("CREATE INDEX tags_by_value ON tags (facet, value, doc)")
        sql("CREATE INDEX tags_by_doc ON tags (doc)")
        sql("VACUUM ANALYZE")
        load_seconds = time.perf_counter() - begin
        now = mix["now"]
        # ts_rank weights {D, C, B, A}: the body (D) 1, the title (A) 10, as bm25(search, 0, 10, 1).
        rank = "ts_rank('{0.1, 0, 0, 1.0}', d.tsv, q.query)"

        def statement(request):
            conditions, arguments = ["d.visible"], []
            if request["kinds"]:
                conditions.append("d.kind = ANY(%s)")
                arguments.append(request["kinds"])
            for tag in request["tags"]:
                conditions.append("d.doc IN (SELECT doc FROM tags WHERE facet = %s AND value = ANY(%s))")
                arguments += [tag["facet"], [v.lower() for v in tag["values"]] + ["*"]]
            if request.get("from"):
                conditions.append("d.date >= %s")
                arguments.append(request["from"])
            if request.get("to"):
                conditions.append("d.date < %s")
                arguments.append(request["to"])
            if request.get("open") is not None:
                arguments.append(now)
                conditions.append("(d.kind NOT IN ('event', 'scholarship') OR (d.closed = 0 AND d.date >= %s))" if request["open"]
                                  else "(d.kind IN ('event', 'scholarship') AND (d.closed = 1 OR d.date < %s))")
            if request.get("online") is not None:
                conditions.append("d.online = %s")
                arguments.append(request["online"])
            where = " AND ".join(conditions)
            facets = """SELECT 1 AS part, NULL::bigint, NULL, NULL, NULL, NULL, NULL::real, t.facet, t.value, count(*)
                        FROM matched m JOIN tags t ON t.doc = m.doc WHERE t.value <> '*' AND t.facet <> 'verified' GROUP BY t.facet, t.value
                        UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, 'online', online::text, count(*) FROM matched
                        WHERE online IS NOT NULL GROUP BY online
                        UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, 'kind', kind, count(*) FROM matched GROUP BY kind"""
            if request.get("expression"):
                text = tsquery(parse(request.get("expression")))
                sql_text = f"""WITH q AS (SELECT to_tsquery('folded', %s) AS query),
                    matched AS MATERIALIZED (SELECT d.doc, d.kind, d.ref, d.title, d.summary, d.date, d.online, {rank} AS rank
                                             FROM docs d, q WHERE d.tsv @@ q.query AND {where})
                    (SELECT 0 AS part, doc, kind, ref, title, summary, rank, NULL, NULL, NULL FROM matched ORDER BY rank DESC, doc LIMIT %s)
                    UNION ALL {facets}"""
                return sql_text, [text] + arguments + [request["limit"] + 1]
            sql_text = f"""WITH matched AS MATERIALIZED (SELECT d.doc, d.kind, d.ref, d.title, d.summary, d.date, d.online, d.sort_key
                                                         FROM docs d WHERE {where})
                (SELECT 0 AS part, doc, kind, ref, title, summary, NULL::real, NULL, NULL, NULL FROM matched ORDER BY sort_key, doc LIMIT %s)
                UNION ALL {facets}"""
            return sql_text, arguments + [request["limit"] + 1]

        prepared = [statement(r) for r in mix["requests"]]
        by_request = {id(r): p for r, p in zip(mix["requests"], prepared)}
        cursor = connection.cursor()

        def run(request):
            text, arguments = by_request[id(request)]
            cursor.execute(text, arguments, prepare=True)
            cursor.fetchall()

        for request in mix["requests"]:  # warm: plans prepared, pages cached, as the bench's own warm model
            run(request)
        result = timed(mix, run, rounds)
        result["loadSeconds"] = round(load_seconds, 2)
        result["notes"] = "psycopg 3 over a Unix socket, prepared statements; ts_rank (title weight A, body D); GIN on tsvector"
        connection.close()
        return result
    finally:
        server.stop()


# -- tantivy -----------------------------------------------------------------------------------------

def run_tantivy(mix, docs, tags, rounds):
    import tantivy
    from datetime import datetime
    folded = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase()) \
        .filter(tantivy.Filter.ascii_fold()).build()
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc", stored=True, indexed=True, fast=True)
    builder.add_text_field("kind", stored=True, tokenizer_name="raw", fast=True)
    builder.add_text_field("title", stored=False, tokenizer_name="folded")
    builder.add_text_field("body", stored=False, tokenizer_name="folded")
    builder.add_text_field("tags", stored=False, tokenizer_name="raw", fast=True)
    builder.add_integer_field("date", indexed=True, fast=True)
    builder.add_integer_field("online", indexed=True, fast=True)  # -1 unknown
    builder.add_integer_field("closed", indexed=True, fast=True)
    builder.add_integer_field("visible", indexed=True, fast=True)
    builder.add_integer_field("sort_rank", indexed=True, fast=True)
    schema = builder.build()
    directory = tempfile.mkdtemp(prefix="protalent-tantivy-")
    index = tantivy.Index(schema, path=directory)
    index.register_tokenizer("folded", folded)

    def epoch(text):
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()) if text else -1

    by_doc = {}
    for doc, facet, value in tags:
        by_doc.setdefault(doc, []).append(f"{facet}={value}")
    order = {doc["doc"]: rank for rank, doc in enumerate(sorted(docs, key=lambda d: (d["sort_key"], d["doc"])))}
    begin = time.perf_counter()
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    for d in docs:
        writer.add_document(tantivy.Document(
            doc=d["doc"], kind=d["kind"], title=d["text_title"], body=d["body"], tags=by_doc.get(d["doc"], []),
            date=epoch(d["date"]), online=-1 if d["online"] is None else int(d["online"]), closed=d["closed"],
            visible=int(d["visible"]), sort_rank=order[d["doc"]]))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    load_seconds = time.perf_counter() - begin
    searcher = index.searcher()
    Occur = tantivy.Occur
    now = epoch(mix["now"])

    def text_query(node):
        kind = node[0]
        if kind == "term":
            words = [fold(w) for w in node[1]]
            per_field = []
            for field, boost in (("title", 10.0), ("body", 1.0)):
                if len(words) == 1 and node[2]:
                    query = tantivy.Query.regex_query(schema, field, re.escape(words[0]) + ".*")
                elif len(words) == 1:
                    query = tantivy.Query.term_query(schema, field, words[0])
                elif node[2]:
                    query = tantivy.Query.phrase_prefix_query(schema, field, words)
                else:
                    query = tantivy.Query.phrase_query(schema, field, words)
                per_field.append((Occur.Should, tantivy.Query.boost_query(query, boost)))
            return tantivy.Query.boolean_query(per_field)
        if kind == "and":
            return tantivy.Query.boolean_query([(Occur.Must, text_query(c)) for c in node[1]])
        if kind == "or":
            return tantivy.Query.boolean_query([(Occur.Should, text_query(c)) for c in node[1]])
        return tantivy.Query.boolean_query([(Occur.Must, text_query(node[1])), (Occur.MustNot, text_query(node[2]))])

    def term(field, value):
        return tantivy.Query.term_query(schema, field, value)

    def any_of(queries):
        return tantivy.Query.boolean_query([(Occur.Should, q) for q in queries])

    def query_of(request):
        must = [(Occur.Must, term("visible", 1))]
        if request.get("expression"):
            must.append((Occur.Must, text_query(parse(request.get("expression")))))
        if request["kinds"]:
            must.append((Occur.Must, any_of([term("kind", k) for k in request["kinds"]])))
        for tag in request["tags"]:
            must.append((Occur.Must, any_of([term("tags", f"{tag['facet']}={v.lower()}") for v in tag["values"] + ["*"]])))
        if request.get("from") or request.get("to"):
            lower = epoch(request["from"]) if request.get("from") else -2**62
            upper = epoch(request["to"]) if request.get("to") else 2**62
            must.append((Occur.Must, tantivy.Query.range_query(schema, "date", tantivy.FieldType.Integer, lower, upper, True, False)))
        if request.get("open") is not None:
            dated = any_of([term("kind", "event"), term("kind", "scholarship")])
            still_open = tantivy.Query.boolean_query([
                (Occur.Must, term("closed", 0)),
                (Occur.Must, tantivy.Query.range_query(schema, "date", tantivy.FieldType.Integer, now, 2**62, True, True))])
            if request["open"]:
                must.append((Occur.Must, any_of([tantivy.Query.boolean_query([(Occur.Must, tantivy.Query.all_query()), (Occur.MustNot, dated)]),
                                                  still_open])))
            else:
                must.append((Occur.Must, dated))
                must.append((Occur.MustNot, still_open))
        if request.get("online") is not None:
            must.append((Occur.Must, term("online", int(request["online"]))))
        return tantivy.Query.boolean_query(must)

    queries = {id(r): query_of(r) for r in mix["requests"]}
    aggregations = {"tags": {"terms": {"field": "tags", "size": 1000}}, "kind": {"terms": {"field": "kind", "size": 10}},
                    "online": {"terms": {"field": "online", "size": 3}}}

    def run(request):
        query = queries[id(request)]
        if request.get("expression"):
            hits = searcher.search(query, limit=request["limit"] + 1).hits
        else:
            hits = searcher.search(query, limit=request["limit"] + 1, order_by_field="sort_rank", order=tantivy.Order.Asc).hits
        for _, address in hits:
            searcher.doc(address)
        searcher.aggregate(query, aggregations)

    for request in mix["requests"]:
        run(request)
    result = timed(mix, run, rounds)
    result["loadSeconds"] = round(load_seconds, 2)
    result["notes"] = "tantivy-py in process, one searcher; BM25 (title boost 10); terms aggregations for facets"
    subprocess.run(["rm", "-rf", directory])
    return result


def summary(report):
    """The report as lines to read."""
    lines = [f"{report['documents']} documents, {report['rounds']} rounds of {report['requests']} searches"]
    for engine in ("postgresql", "tantivy"):
        result = report[engine]
        if "skipped" in result:
            lines.append(f"{engine}: skipped ({result['skipped']})")
            continue
        a = result["all"]
        lines.append(f"{engine}: p50 {a['p50Millis']:.2f} ms, p99 {a['p99Millis']:.2f} ms, max {a['maxMillis']:.2f} ms over "
                     f"{a['requests']} requests (load {result['loadSeconds']} s; {result['notes']})")
        for name, c in result["byClass"].items():
            lines.append(f"  {name}: p50 {c['p50Millis']:.2f} ms, p99 {c['p99Millis']:.2f} ms")
    return "\n".join(lines)


def main():
    """search_peers.py DIR [ROUNDS] [--summary]: one JSON object, or lines with --summary."""
    directory, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    mix, docs, tags = load_export(directory)
    report = {"documents": len(docs), "requests": len(mix["requests"]), "rounds": rounds}
    for name, runner in (("postgresql", run_postgres), ("tantivy", run_tantivy)):
        try:
            report[name] = runner(mix, docs, tags, rounds)
        except ImportError as error:
            report[name] = {"skipped": str(error)}
    print(summary(report) if "--summary" in sys.argv[3:] else json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main()
