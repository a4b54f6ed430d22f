"""The HTTP server pages are served from on this computer: the preview (`kb serve`), and the
checks and benchmarks that open the built site in a browser."""

from __future__ import annotations

import http.server


class LocalHTTPServer(http.server.ThreadingHTTPServer):
    """A thread per connection, stopped with the server.

    A browser opening a page asks for its styles, scripts and pictures over several new
    connections at once. Python's default queue of 5 connections not yet taken is overrun
    by that when the computer is busy: the system then drops the connection, and the browser
    tries again only a second or more later (or, after several drops, not before a check or
    a reader has given up on the page).
    """

    daemon_threads = True
    request_queue_size = 128
