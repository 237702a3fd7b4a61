"""dantrack: a tracker for citizen reception work — meetings, dialogues, petitions, reports."""

__version__ = "0.1.0"
