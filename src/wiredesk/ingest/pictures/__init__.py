"""Agency pictures fetched, sized and hosted by the site, beside ingest and never in its way.

A copy is published the moment it arrives; the picture fetcher (`worker.PictureFetcher`,
run by the runtime beside the poller) reads the versions stored since it last looked, fetches
the pictures they name with the feeds' own hardened fetcher, makes them into renditions once
(`renditions`), and records them (store/ledger/pictures.py), which tells the page caches:
the copy's pages gain the picture within a second or two. A picture that cannot be fetched
leaves the copy as it is and says why in source health.
"""


class PictureRefused(Exception):
    """The bytes are not a picture the site will serve; the message says why, in one line.

    Here rather than beside Pillow (`renditions`), so a process that never makes a picture
    never loads Pillow."""
