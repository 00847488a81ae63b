from .ballots import Ballot, BallotOption, ClassWeight
from .casting import BallotPaper, RollEntry, RoomCount, Vote, VoteMark

__all__ = ["Ballot", "BallotOption", "BallotPaper", "ClassWeight", "RollEntry", "RoomCount",
           "Vote", "VoteMark"]
