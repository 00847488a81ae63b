from .ballots import Ballot, BallotOption, ClassWeight
from .casting import BallotPaper, RollEntry, Vote, VoteMark

__all__ = ["Ballot", "BallotOption", "BallotPaper", "ClassWeight", "RollEntry", "Vote",
           "VoteMark"]
