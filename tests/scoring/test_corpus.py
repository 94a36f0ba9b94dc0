"""A user's corpus in each real format, with the bad rows users have: each is reported by its line
and left out, the good rows are kept in file order, and only a file that cannot be read at all is
an error naming it."""

import json
import re

import polars as pl
import pytest

from emopipe.scoring.corpus import CorpusError, read_corpus

GOOD = ["I am so happy for you!", "This is the worst day ever.", "meh"]
LONG = "a" * 100_000


def _problems(corpus) -> list[tuple[int, str]]:
    return [(line, problem.split(" (")[0]) for line, problem in corpus.problems.iter_rows()]


def test_jsonl_reports_empty_non_utf8_long_and_broken_lines(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(b"\n".join([
        json.dumps({"text": GOOD[0]}).encode(),
        b'{"text": ""}',
        b'{"text": "caf\xe9"}',                      # Latin-1, not UTF-8
        json.dumps({"text": LONG}).encode(),
        b'{"text": "unclosed',
        b"",                                          # a blank line is not a row
        json.dumps({"text": GOOD[1], "id": 7}).encode(),
        b'["a list"]',
        json.dumps({"text": 42}).encode(),
        json.dumps({"text": GOOD[2]}).encode(),
    ]) + b"\n")
    corpus = read_corpus(path)
    assert corpus.rows.to_dicts() == [{"line": 1, "text": GOOD[0]}, {"line": 7, "text": GOOD[1]}, {"line": 10, "text": GOOD[2]}]
    assert _problems(corpus) == [(2, "empty text"), (3, "not UTF-8"), (4, "text of 100,000 characters, more than 20,000"),
                                 (5, "not JSON"), (8, 'a JSON list, not an object with "text"'), (9, "text is a int, not a string")]
    assert not corpus.conversations


def test_csv_counts_physical_lines_across_quoted_newlines(tmp_path):
    path = tmp_path / "corpus.csv"
    path.write_bytes(
        b"id,text\n"
        b'1,"a text\nover two lines"\n'            # lines 2-3
        b"2,\n"                                       # line 4: empty
        b"3,d\xe9j\xe0 vu\n"                          # line 5: not UTF-8
        b"4,too,many\n"                               # line 6: three fields
        + f'5,"{LONG}"\n'.encode()                    # line 7
        + f"6,{GOOD[0]}\n".encode()                   # line 8
    )
    corpus = read_corpus(path)
    assert corpus.rows.to_dicts() == [{"line": 2, "text": "a text\nover two lines"}, {"line": 8, "text": GOOD[0]}]
    assert _problems(corpus) == [(4, "empty text"), (5, "not UTF-8"), (6, "3 fields where the header has 2"),
                                 (7, "text of 100,000 characters, more than 20,000")]


def test_parquet_rows_by_number_binary_text_decoded_leniently(tmp_path):
    path = tmp_path / "corpus.parquet"
    pl.DataFrame({"text": [GOOD[0].encode(), None, b"\xff\xfe", GOOD[1].encode()]}, schema={"text": pl.Binary}).write_parquet(path)
    corpus = read_corpus(path)
    assert corpus.rows.to_dicts() == [{"line": 1, "text": GOOD[0]}, {"line": 4, "text": GOOD[1]}]
    assert _problems(corpus) == [(2, "empty text"), (3, "not UTF-8")]


def test_conversations_keep_dialogue_speaker_and_file_order(tmp_path):
    path = tmp_path / "talk.jsonl"
    turns = [{"dialogue": 1, "speaker": "Ross", "text": "We were on a break!"}, {"dialogue": 2, "speaker": "Joey", "text": "How you doin?"},
             {"dialogue": 1, "text": "No."}, {"speaker": "Ross", "text": "no dialogue"}]
    path.write_text("\n".join(json.dumps(t) for t in turns) + "\n")
    corpus = read_corpus(path)
    assert corpus.conversations
    assert corpus.rows.select("line", "dialogue", "speaker").rows() == [(1, "1", "Ross"), (2, "2", "Joey"), (3, "1", "")]
    assert _problems(corpus) == [(4, "no dialogue id")]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("words.csv", b"id,words\n1,hello\n", "no `text` column (found id, words)"),
    ("broken.parquet", b"PAR1 this is not parquet", "not a readable Parquet file"),
    ("empty.jsonl", b"\n\n", "no rows"),
    ("notes.txt", b"hello\n", "cannot tell the format from the name"),
])
def test_a_file_that_cannot_be_scored_is_an_error_naming_it(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=re.escape(message)) as caught:
        read_corpus(path)
    assert str(path) in str(caught.value)
