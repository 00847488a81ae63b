"""BLT files (voting/blt.py) and `manage.py count_blt`."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from voting import selectors, services, stv
from voting.blt import BltError, parse_blt, write_blt

from .conftest import option

DATA = Path(__file__).parent / "data"
MORAY = DATA / "moray_2022_ward6.blt"


def short(name: str) -> str:
    """'Jérémie FERNANDES "Scottish National Party (SNP)"' -> 'FERNANDES'."""
    return next(word for word in name.split() if word.isupper() and len(word) > 1)


# --- a published election ---------------------------------------------------------------------

def test_moray_2022_elgin_city_north_elects_the_declared_councillors():
    """Moray Council, 5 May 2022, Ward 6 (Elgin City North), 3 seats: the full preference
    data the council published, as a BLT file (from the mggg/scot-elex collection). The
    declared result: Fernandes (SNP), Keith (Labour) and Dunbar (Conservative), all with
    the quota at the first stage; 3,678 valid votes, quota 920."""
    election = parse_blt(MORAY.read_text(encoding="utf-8"))

    result = election.count()

    assert election.title == "Ward 6 - Elgin City North"
    assert election.names[2] == 'Jérémie FERNANDES "Scottish National Party (SNP)"'
    assert (result.valid_votes, result.quota) == (3678, 920)
    assert [short(result.names[c]) for c in result.elected] == ["FERNANDES", "KEITH", "DUNBAR"]
    first = result.stages[0].totals
    assert [first[c] for c in election.candidates] == [144, 952, 1199, 170, 165, 1048]


def test_count_blt_prints_quota_stages_and_the_elected(capsys):
    call_command("count_blt", str(MORAY), "--seats", "4")

    out = capsys.readouterr().out
    assert "Ward 6 - Elgin City North" in out
    assert "Quota: 736.00000" in out  # floor(3678 / 5) + 1
    assert "Stage 1: First preferences counted" in out
    assert 'Graham JARVIS "Independent" excluded, with the fewest votes' in out
    elected = out.split("Elected, in order:")[1].strip().splitlines()
    assert [short(line) for line in elected] == ["FERNANDES", "KEITH", "DUNBAR", "KAIL"]


def test_count_blt_uses_the_files_own_seats_by_default(capsys):
    call_command("count_blt", str(MORAY))

    out = capsys.readouterr().out
    assert "Seats: 3   Valid votes: 3678   Quota: 920.00000" in out
    assert "Stage 2" not in out


@pytest.mark.parametrize(("text", "message"), [
    ("3 1\n1 1 4 0\n0\n\"A\"\n\"B\"\n\"C\"\n", "Line 2: there is no candidate 4"),
    ("3\n", "Line 1: the first line must be"),
])
def test_count_blt_reports_a_bad_file_as_a_command_error(tmp_path, text, message):
    path = tmp_path / "bad.blt"
    path.write_text(text)

    with pytest.raises(CommandError, match=message):
        call_command("count_blt", str(path))


def test_count_blt_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nothing.blt: No such file"):
        call_command("count_blt", str(tmp_path / "nothing.blt"))


# --- reading ------------------------------------------------------------------------------------

def test_parse_blt_reads_comments_withdrawn_candidates_ids_and_equal_multiplicities():
    text = """# an election with everything the format allows
    4 2   # candidates, seats
    -4
    3 1 2 0
    3 1 2 0        # the same ranking again on its own line
    (b7) 2 3 0
    1 4 1 0
    1 0
    0
    "Ann Lee"
    "Bob ""Robbie"" Kerr"
    Cat Dunn
    "Dan Ode"
    "Board 2026"
    """
    election = parse_blt(text)

    assert election.names == ["Ann Lee", 'Bob "Robbie" Kerr', "Cat Dunn", "Dan Ode"]
    assert (election.seats, election.title, election.withdrawn) == (2, "Board 2026", {4})
    assert election.ballots == [((1, 2), 3), ((1, 2), 3), ((3,), 2), ((4, 1), 1), ((), 1)]
    assert election.candidates == [1, 2, 3]
    result = election.count()
    # Dan withdrew: his voter's next preference (Ann) counts; the blank ballot is not valid.
    assert result.valid_votes == 9 and result.stages[0].totals[1] == 7
    assert result.quota == 4


@pytest.mark.parametrize(("text", "message"), [
    ("", "The file is empty"),
    ("x 1\n", "Line 1: expected the number of candidates, found 'x'"),
    ("2 0\n", "Line 1: there must be at least one candidate and one seat"),
    ("2 1\n-3\n0\n", "Line 2: there is no candidate 3"),
    ("2 1\n1 1 2\n0\n", "Line 2: a ballot line must end with 0"),
    ("2 1\n1 1 1 0\n0\n", "Line 2: candidate 1 is ranked twice"),
    ("2 1\n# note\n1 1 x 0\n0\n", "Line 3: expected a candidate number, found 'x'"),
    ("2 1\n-1 1 0\n", "Line 2: the withdrawn candidates line takes only negative"),
    ("2 1\n1 1 0\n", "The file ends before the 0 line"),
    ("2 1\n1 1 0\n0\n\"A\"\n", "Line 4: the file ends before the name of candidate 2"),
    ("2 1\n0\n\"A\"\n\"B\"\n\"T\"\nmore\n", "Line 6: unexpected text after the title"),
    ("2 1\n0\n\"A\" B\n\"B\"\n", "Line 3: expected a candidate name in double quotes"),
    ("2 1\n0\n\"A\" \"Red\" \"Blue\"\n\"B\"\n",
     "Line 3: a candidate line holds a name and at most"),
    ("2 1\n0\n# ALTERNATIVE NAME 1: \"A\"\n\"T\"\n",
     "Line 4: the file ends before the name of candidate 2"),
    ("2 1\n0\n# ALTERNATIVE NAME 3: \"C\"\n", "Line 3: there is no candidate 3"),
    ("2 1\n0\n# ALTERNATIVE NAME 1: \"A\"\n# ALTERNATIVE NAME 1: \"B\"\n",
     "Line 4: candidate 1's alternative name is given twice"),
    ("2 1\n0\n# ALTERNATIVE NAME x: \"A\"\n", "Line 3: expected a candidate number, found 'x'"),
])
def test_parse_blt_names_the_line_of_a_mistake(text, message):
    with pytest.raises(BltError, match=message):
        parse_blt(text)


PARTY_FILE = """3 2
4 1 2 0
3 2 1 0
2 3 0
0
"Ann LEE" "Scottish Green Party"
"Bob KERR" "Independent"
"Cat DUNN"
"Ward 9 - Riverside"
"""

ALTERNATIVE_FILE = """3 2
4 1 2 0
3 2 1 0
2 3 0
0
# ALTERNATIVE NAME 1: "Ann LEE" "Scottish Green Party"
# ALTERNATIVE NAME 2: "Bob KERR"
#alternative name 3: Cat DUNN
"Ward 9 - Riverside"
"""


def test_parse_blt_keeps_a_second_quoted_field_as_the_candidates_affiliation():
    election = parse_blt(PARTY_FILE)

    assert election.names == ["Ann LEE", "Bob KERR", "Cat DUNN"]
    assert election.affiliations == ["Scottish Green Party", "Independent", ""]
    assert election.title == "Ward 9 - Riverside"
    assert election.labels[0] == "Ann LEE (Scottish Green Party)"


def test_parse_blt_reads_names_given_only_in_alternative_name_comments():
    election = parse_blt(ALTERNATIVE_FILE)

    assert election.names == ["Ann LEE", "Bob KERR", "Cat DUNN"]
    assert election.affiliations == ["Scottish Green Party", "", ""]
    assert election.title == "Ward 9 - Riverside"


def test_name_lines_win_over_alternative_name_comments():
    text = PARTY_FILE.replace("0\n\"Ann", "0\n# ALTERNATIVE NAME 1: \"Annie LEE\"\n\"Ann")

    assert parse_blt(text).names[0] == "Ann LEE"


@pytest.mark.parametrize("text", [PARTY_FILE, ALTERNATIVE_FILE])
def test_count_blt_counts_both_variants_and_shows_the_party(tmp_path, capsys, text):
    path = tmp_path / "ward9.blt"
    path.write_text(text, encoding="utf-8")

    call_command("count_blt", str(path))

    out = capsys.readouterr().out
    assert "Ward 9 - Riverside" in out
    assert "Seats: 2   Valid votes: 9   Quota: 4.00000" in out
    elected = [line.strip() for line in out.split("Elected, in order:")[1].strip().splitlines()]
    assert elected == ["1. Ann LEE (Scottish Green Party)", "2. Bob KERR" +
                       (" (Independent)" if text is PARTY_FILE else "")]


# --- writing: a real ballot round trip ------------------------------------------------------

def test_a_closed_election_round_trips_through_blt_to_the_same_count(
        society, secretary, classes, make_members, open_ballot):
    users, carers, _ = classes
    voters = make_members(users, 7) + make_members(carers, 4)
    ballot = open_ballot(kind="ranked", weighting="one_member", seats=2, title="Board 2026",
                         options=["Ann Lee", 'Bob "Robbie" Kerr', "Cat Dunn", "Dan Ode"])
    ann, bob, cat, dan = (option(ballot, label) for label in
                          ("Ann Lee", 'Bob "Robbie" Kerr', "Cat Dunn", "Dan Ode"))
    rankings = [(ann, bob)] * 5 + [(cat, dan, bob)] * 3 + [(dan,)] * 2 + [(bob, cat, ann)]
    for member, ranking in zip(voters, rankings, strict=True):
        services.cast_vote(ballot, member, {o.pk: rank for rank, o in enumerate(ranking, 1)})
    services.close_ballot(ballot, by=secretary, reason="Everyone has voted")

    text = write_blt(ballot)

    assert text.splitlines()[:4] == ["4 2", "5 1 2 0", "3 3 4 2 0", "2 4 0"]
    assert text.endswith('"Ann Lee"\n"Bob ""Robbie"" Kerr"\n"Cat Dunn"\n"Dan Ode"\n'
                         '"Board 2026"\n')
    election = parse_blt(text)
    from_file = election.count()
    direct = selectors.count_election(ballot)
    assert [from_file.names[c] for c in from_file.elected] == \
        [direct.names[c] for c in direct.elected] == ["Ann Lee", "Cat Dunn"]
    assert [list(s.totals.values()) for s in from_file.stages] == \
        [list(s.totals.values()) for s in direct.stages]
    assert election.title == "Board 2026"


def test_write_blt_holds_no_voter_identity(society, secretary, classes, make_members,
                                           open_ballot):
    users = classes[0]
    voters = make_members(users, 2)
    ballot = open_ballot(kind="ranked", weighting="one_member", seats=1, options=["A", "B"])
    for member in voters:
        services.cast_vote(ballot, member, {option(ballot, "A").pk: 1})

    text = write_blt(ballot)

    assert text.splitlines()[1] == "2 1 0"  # grouped: two identical ballots, one line
    for member in voters:
        assert member.full_name not in text and member.user.email not in text
    assert stv.count([1, 2], parse_blt(text).ballots, 1).elected == [1]
