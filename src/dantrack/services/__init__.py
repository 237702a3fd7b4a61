"""Domain operations. Keyword-only, take a session, return models, raise DantrackError.

They flush but never commit: the caller's session scope owns the transaction.
"""
