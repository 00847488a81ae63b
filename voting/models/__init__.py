from .ballots import Ballot, BallotOption, ClassWeight
from .casting import BallotPaper, Envelope, Receipt, RollEntry, RoomCount, Vote, VoteMark

__all__ = ["Ballot", "BallotOption", "BallotPaper", "ClassWeight", "Envelope", "Receipt",
           "RollEntry", "RoomCount",
           "Vote", "VoteMark"]
