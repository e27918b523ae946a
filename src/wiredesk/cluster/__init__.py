"""Cluster mode: `wiredesk worker` processes and `wiredesk web` processes on one PostgreSQL.

The one-process runtime (`wiredesk run`, runtime/embedded.py) stays the default and the only
mode on SQLite. On PostgreSQL the same work is split into jobs that procrastinate keeps in the
site's own database (`queue`): polling a source when it is due, accepting a stored payload,
and sending WebSub notifications. Any worker takes any job (`jobs`); each worker also runs a
short loop (`dispatch`) that queues the polls the stored schedule says are due, payloads left
unprocessed, and jobs of workers that died. `web` serves the site and the desk and hands
pushed payloads to the queue once they are stored.
"""
