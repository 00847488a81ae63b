"""BLT ballot files: the plain-text format that STV counting programs (OpenSTV, Droop, eSTV,
pref-voting's readers) share, so a scrutineer can recount an election with other software.

    3 2                 candidates, seats
    -2                  optional: withdrawn candidates, as negative numbers
    4 1 3 0             4 ballots ranking candidate 1, then candidate 3
    1 2 0
    0                   end of ballots
    "Ann Lee"           candidate names, in number order
    "Bob Kerr"
    "Cat Dunn"
    "Board election"    title

Candidates are numbered from 1 in the order of the ballot's options. The reader also accepts
comments (from `#` to the end of a line), names written without quotes, doubled quotes
inside a name (`"Sam ""Red"" Jones"`), a ballot id in brackets at the start of a ballot line
(`(a12) 1 2 3 0`), and equal rankings joined with `=` (counted in the written order, since
the Scottish rules do not allow equal preferences).

Two variants found in published council files are read too:
- a candidate line with a second quoted field, `"Ann Lee" "Green Party"`: the second field is
  the candidate's affiliation (party), kept and shown beside the name;
- names given only in comment lines, `# ALTERNATIVE NAME 1: "Ann Lee"`, one per candidate,
  with nothing but the title after the ballots. Name lines, when the file has them, win.
"""

import re
from dataclasses import dataclass, field

from . import stv


class BltError(ValueError):
    """A BLT file that cannot be read; the message names the line."""


@dataclass
class BltElection:
    names: list[str]  # candidate k is names[k - 1]
    seats: int
    ballots: list[tuple[tuple[int, ...], int]]  # (candidate numbers, how many)
    title: str
    withdrawn: frozenset[int] = frozenset()
    affiliations: list[str] = field(default_factory=list)  # "" where none was given

    @property
    def labels(self) -> list[str]:
        """Names as shown in a count: with the affiliation in brackets where there is one."""
        parties = self.affiliations or [""] * len(self.names)
        return [f"{name} ({party})" if party else name
                for name, party in zip(self.names, parties, strict=True)]

    @property
    def candidates(self) -> list[int]:
        """Candidate numbers standing (withdrawn candidates left out)."""
        return [k for k in range(1, len(self.names) + 1) if k not in self.withdrawn]

    def count(self, seats: int | None = None) -> stv.StvResult:
        """Count by the project's STV rules; withdrawn candidates' preferences are skipped."""
        ballots = [(tuple(c for c in ranking if c not in self.withdrawn), n)
                   for ranking, n in self.ballots]
        return stv.count(self.candidates, ballots, seats or self.seats,
                         names=dict(enumerate(self.labels, start=1)))


def _quote(text: str) -> str:
    return '"' + " ".join(str(text).split()).replace('"', '""') + '"'


def write_blt(ballot) -> str:
    """The ballot's current ranked votes as a BLT file. It holds no voter identity: only the
    grouped rankings (as `selectors.ranked_ballots` gives them) and the option labels."""
    from .selectors import ranked_ballots

    options = list(ballot.options.all())
    number = {o.pk: k for k, o in enumerate(options, start=1)}
    lines = [f"{len(options)} {ballot.seats}"]
    for ranking, papers in ranked_ballots(ballot):
        lines.append(" ".join([str(papers), *(str(number[pk]) for pk in ranking), "0"]))
    lines.append("0")
    lines.extend(_quote(o.label) for o in options)
    lines.append(_quote(ballot.title))
    return "\n".join(lines) + "\n"


_TOKEN = re.compile(r'"((?:[^"]|"")*)"|(\S+)')


def _lines(text: str):
    """(line number, tokens) for each line that has anything but a comment on it."""
    for number, line in enumerate(text.splitlines(), start=1):
        tokens, rest = [], line
        for match in _TOKEN.finditer(line):
            if match.group(2) is not None and match.group(2).startswith("#"):
                rest = line[:match.start()]
                break
        rest = rest.strip()
        for match in _TOKEN.finditer(rest):
            quoted, bare = match.groups()
            tokens.append(("name", quoted.replace('""', '"')) if quoted is not None
                          else ("word", bare))
        if tokens:
            yield number, tokens, rest


def _int(word: str, number: int, what: str) -> int:
    try:
        return int(word)
    except ValueError:
        raise BltError(f"Line {number}: expected {what}, found {word!r}.") from None


def parse_blt(text: str) -> BltElection:
    """Read a BLT file. Raises BltError, naming the line, when it cannot be read."""
    lines = list(_lines(text))
    if not lines:
        raise BltError("The file is empty.")
    number, tokens, _ = lines[0]
    words = [w for kind, w in tokens]
    if len(words) != 2 or any(kind != "word" for kind, _ in tokens):
        raise BltError(f"Line {number}: the first line must be the number of candidates and "
                       "the number of seats.")
    n_candidates = _int(words[0], number, "the number of candidates")
    seats = _int(words[1], number, "the number of seats")
    if n_candidates < 1 or not 1 <= seats:
        raise BltError(f"Line {number}: there must be at least one candidate and one seat.")
    position, withdrawn = 1, set()
    if position < len(lines) and lines[position][1][0][1].startswith("-"):
        number, tokens, _ = lines[position]
        for _kind, word in tokens:
            if not word.startswith("-"):
                raise BltError(f"Line {number}: the withdrawn candidates line takes only "
                               f"negative numbers, found {word!r}.")
            k = -_int(word, number, "a withdrawn candidate (a negative number)")
            _check_candidate(k, n_candidates, number)
            withdrawn.add(k)
        position += 1
    ballots, position = _read_ballots(lines, position, n_candidates)
    alternative = _alternative_names(text, n_candidates)
    if len(alternative) == n_candidates and len(lines) - position <= 1:
        candidates = [alternative[k] for k in range(1, n_candidates + 1)]
    else:
        candidates = [_candidate(lines[position + i]) if position + i < len(lines)
                      else _missing(lines, f"the name of candidate {i + 1}")
                      for i in range(n_candidates)]
        position += n_candidates
    title = _text(lines[position], "the title") if position < len(lines) else ""
    if position + 1 < len(lines):
        raise BltError(f"Line {lines[position + 1][0]}: unexpected text after the title.")
    return BltElection(names=[name for name, _ in candidates], seats=seats, ballots=ballots,
                       title=title, withdrawn=frozenset(withdrawn),
                       affiliations=[party for _, party in candidates])


def _read_ballots(lines, position, n_candidates):
    ballots = []
    while position < len(lines):
        number, tokens, _ = lines[position]
        position += 1
        words = [w for _kind, w in tokens]
        if words and words[0].startswith("(") and words[0].endswith(")"):
            words = words[1:]  # a ballot id
        if words == ["0"]:
            return ballots, position
        if any(kind == "name" for kind, _ in tokens) or not words:
            raise BltError(f"Line {number}: expected a ballot line or the 0 that ends the "
                           "ballots, found a name.")
        if words[-1] != "0":
            raise BltError(f"Line {number}: a ballot line must end with 0.")
        papers = _int(words[0], number, "the number of ballots")
        if papers < 0:
            raise BltError(f"Line {number}: the number of ballots cannot be negative.")
        ranking = []
        for word in words[1:-1]:
            for part in word.split("="):
                k = _int(part, number, "a candidate number")
                _check_candidate(k, n_candidates, number)
                if k in ranking:
                    raise BltError(f"Line {number}: candidate {k} is ranked twice.")
                ranking.append(k)
        ballots.append((tuple(ranking), papers))
    raise BltError("The file ends before the 0 line that closes the ballots.")


def _check_candidate(k: int, n_candidates: int, number: int):
    if not 1 <= k <= n_candidates:
        raise BltError(f"Line {number}: there is no candidate {k} "
                       f"(the file has {n_candidates}).")


def _text(line, what: str) -> str:
    number, tokens, raw = line
    if len(tokens) == 1 and tokens[0][0] == "name":
        return tokens[0][1]
    if any(kind == "name" for kind, _ in tokens):
        raise BltError(f"Line {number}: expected {what} in double quotes.")
    return raw  # an unquoted name or title: take the whole line


def _candidate(line) -> tuple[str, str]:
    """A candidate line: a name, or a quoted name and a quoted affiliation (party)."""
    number, tokens, _ = line
    if len(tokens) == 2 and all(kind == "name" for kind, _ in tokens):
        return tokens[0][1], tokens[1][1]
    if len(tokens) > 2 and all(kind == "name" for kind, _ in tokens):
        raise BltError(f"Line {number}: a candidate line holds a name and at most one "
                       f"affiliation in double quotes, found {len(tokens)} quoted fields.")
    return _text(line, "a candidate name"), ""


_ALTERNATIVE = re.compile(r"\s*#\s*ALTERNATIVE\s+NAME\s+(\S+?)\s*:\s*(.*)$", re.IGNORECASE)


def _alternative_names(text: str, n_candidates: int) -> dict[int, tuple[str, str]]:
    """Candidate number -> (name, affiliation) from `# ALTERNATIVE NAME k: ...` comments."""
    found = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ALTERNATIVE.match(line)
        if not match:
            continue
        k = _int(match.group(1), number, "a candidate number")
        _check_candidate(k, n_candidates, number)
        if k in found:
            raise BltError(f"Line {number}: candidate {k}'s alternative name is given twice.")
        tokens = [("name", m.group(1).replace('""', '"')) if m.group(1) is not None
                  else ("word", m.group(2)) for m in _TOKEN.finditer(match.group(2))]
        if not tokens:
            raise BltError(f"Line {number}: the alternative name of candidate {k} is empty.")
        found[k] = _candidate((number, tokens, match.group(2).strip()))
    return found


def _missing(lines, what: str):
    raise BltError(f"Line {lines[-1][0]}: the file ends before {what}.")
