"""The public read side of the store: the only part that `wiredesk.channels` may import.

`gate` decides what the public may see at a time; `reader.PublicReader` runs every public
query through it; `views` holds the records it returns; `status` what a health check reads.
"""
