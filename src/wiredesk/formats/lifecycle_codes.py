"""The words agency formats use for a version's lifecycle (IPTC pubStatus and signal).

NewsML-G2, ninjs and NITF all speak IPTC's lifecycle vocabulary, each in its own spelling
(a qcode, a URI, a bare word, an attribute). The meaning of the words must not depend on
which format carried them, so the shared words are mapped here once; a format adds only the
spellings that are its own.
"""

from __future__ import annotations

from wiredesk.model import PubStatus, Signal

# The last segment of a pubStatus code (`stat:usable`, `.../pubstatusg2/canceled`, `withheld`).
PUB_STATUS_CODES = {
    "usable": PubStatus.USABLE,
    "withheld": PubStatus.WITHHELD,
    "canceled": PubStatus.CANCELED,
    "cancelled": PubStatus.CANCELED,
}
# The last segment of a signal code (`sig:update`, `.../signal/correction`) that every format
# reads the same way. Each parser extends this with its own format's other spellings.
SIGNAL_CODES = {
    "update": Signal.UPDATE,
    "correction": Signal.CORRECTION,
    "correct": Signal.CORRECTION,
    "kill": Signal.KILL,
}
