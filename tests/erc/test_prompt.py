"""The EACL prompt: one mask token, the pooled position is that token, oldest turns go first,
for a BERT-style (WordPiece) and a RoBERTa-style (byte-level BPE) tokenizer, both built here."""

import pytest

from emopipe.erc.prompt import Turn, conversation_prompts, prompt_ids


def test_one_mask_and_it_is_the_last_content_token(tokenizer):
    ids = prompt_ids(tokenizer, [Turn("Joey", "how you doin?")], Turn("Rachel", "I am so happy"), 64)
    assert ids.count(tokenizer.mask_token_id) == 1
    position = ids.index(tokenizer.mask_token_id)
    assert ids[position + 1 :] == [tokenizer.sep_token_id]  # only the closing special follows ([SEP] or </s>)
    decoded = tokenizer.decode(ids)
    assert "says" in decoded and "feels" in decoded and decoded.lower().index("joey") < decoded.lower().index("rachel")


def test_a_typed_mask_token_stays_text(tokenizer):
    ids = prompt_ids(tokenizer, [Turn("Joey", f"a {tokenizer.mask_token} b")], Turn("Rachel", tokenizer.mask_token), 64)
    assert ids.count(tokenizer.mask_token_id) == 1


def test_oldest_turns_go_first_and_the_query_always_stays(tokenizer):
    history = [Turn(f"s{i}", f"n{i}") for i in range(12, 20)]
    current = Turn("Rachel", "I am so happy")
    full = prompt_ids(tokenizer, history, current, 512)
    cut = prompt_ids(tokenizer, history, current, len(full) - 3)
    assert len(cut) <= len(full) - 3 and cut.count(tokenizer.mask_token_id) == 1
    decoded = tokenizer.decode(cut).replace(" ", "").lower()
    assert "n19" in decoded and "n12" not in decoded  # the newest turn kept, the oldest dropped
    assert decoded.count("says") == tokenizer.decode(full).replace(" ", "").lower().count("says") - 1
    long_utterance = prompt_ids(tokenizer, [], Turn("Rachel", "happy " * 500), 32)
    assert len(long_utterance) <= 32 and long_utterance.count(tokenizer.mask_token_id) == 1


def test_at_most_eight_past_turns_and_empty_or_unknown_parts(tokenizer):
    history = [Turn("A", f"t{i}") for i in range(12)]
    ids = prompt_ids(tokenizer, history, Turn("", ""), 512)
    assert tokenizer.decode(ids).count("says") == 8
    prompts = conversation_prompts(tokenizer, [Turn("A", "hi"), Turn("B", ""), Turn("A", "ok")], 64)
    assert [p.count(tokenizer.mask_token_id) for p in prompts] == [1, 1, 1]
    with pytest.raises(ValueError, match="cannot hold"):
        prompt_ids(tokenizer, [], Turn("Rachel", "hi"), 4)


def test_past_turns_are_separated_by_the_separator_token_as_in_the_reference(tokenizer):
    ids = prompt_ids(tokenizer, [Turn("Joey", "hi"), Turn("Ross", "yo")], Turn("Rachel", "hey"), 64)
    sep = tokenizer.sep_token_id
    assert ids.count(sep) == 3  # after each past turn, and the closing one
    first, second, _ = [i for i, t in enumerate(ids) if t == sep]
    assert "joey" in tokenizer.decode(ids[:first]).lower() and "ross" in tokenizer.decode(ids[first:second]).lower()
    assert "for utterance" in tokenizer.decode(ids[second:]).lower()
