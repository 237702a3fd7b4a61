"""The domain's limits and fixed lists, each written once and imported wherever it is needed.

Kept free of imports so that the command line can use them for its options without loading
the database layer or pydantic.
"""

from __future__ import annotations

import re

# Refs and codes; names, titles and addresses; subjects, notes, topics and reasons.
KEY_MAX = 50
NAME_MAX = 200
TEXT_MAX = 4000
# The years a record's date may have: outside them a date is a typing error, and deadlines
# counted from it stay within the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2999
# A denouncer's identity (SPEC §1 Confidentiality): masked unless revealed, never echoed.
SECRET_FIELDS = ("petitioner", "id_number", "phone", "address")
# A visit's identity columns (the reception book's): the visitor is the petitioner of the
# matter, and is masked as a petitioner is when the matter is a denunciation.
VISIT_IDENTITY = ("visitor", *SECRET_FIELDS[1:])
# Every name an identity field goes by: an error names these fields, never their values.
IDENTITY_NAMES = frozenset((*SECRET_FIELDS, *VISIT_IDENTITY))
# A ref in the generated form, M/V/D/P<year>-<nnnnn>; ASCII digits only, and past nine digits
# a number is not a sequence's (it would overflow its INTEGER column).
GENERATED_REF = re.compile(r"^([MVDP])(\d{4})-(\d{1,9})$", re.ASCII)
