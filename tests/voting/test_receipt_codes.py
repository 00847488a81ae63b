"""Receipt codes: read off a screen or paper and typed back in, so 16 symbols from an alphabet
without look-alikes, in groups of four; drawn evenly, so no code is likelier than another."""

import re
from collections import Counter

from voting.secrecy import ALPHABET, code_hash, new_receipt_code, normalise_code


def test_a_code_is_four_groups_of_four_from_the_alphabet():
    for _ in range(200):
        code = new_receipt_code()
        assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code), code
        assert set(code.replace("-", "")) <= set(ALPHABET)


def test_every_symbol_is_as_likely_in_every_position():
    draws = 100 * len(ALPHABET)
    codes = [new_receipt_code().replace("-", "") for _ in range(draws)]
    for position in range(16):
        seen = Counter(code[position] for code in codes)
        assert set(seen) == set(ALPHABET), position
        # 100 expected each; outside 40-170 happens by chance about once in 10^10 tries.
        assert 40 < min(seen.values()) and max(seen.values()) < 170, (position, seen)
    assert len(set(codes)) == draws


def test_a_code_typed_back_carelessly_still_matches():
    code = new_receipt_code()
    typed = code.lower().replace("-", " ")
    assert normalise_code(typed) == code
    assert code_hash(typed) == code_hash(code)
