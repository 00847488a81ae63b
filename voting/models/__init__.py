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
from .helping import VotingHelp
from .pictures import OptionPicture

__all__ = ["Ballot", "BallotOption", "BallotPaper", "ClassWeight", "Envelope", "OptionPicture",
           "Receipt", "RollCount", "RollEntry", "RoomCount",
           "Vote", "VoteMark", "VotingHelp"]
