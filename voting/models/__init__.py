from .ballots import Ballot, BallotOption, ClassWeight
from .casting import (
    BallotPaper,
    Envelope,
    Receipt,
    RollCount,
    RollEntry,
    RoomCount,
    Vote,
    VoteMark,
)

__all__ = ["Ballot", "BallotOption", "BallotPaper", "ClassWeight", "Envelope", "Receipt",
           "RollCount", "RollEntry", "RoomCount",
           "Vote", "VoteMark"]
