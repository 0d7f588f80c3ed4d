"""Scripts that run outside the browser — Python, Node and shell files a plugin ships — and what their HTTP
requests send to WordPress (WPR010): an ``X-WP-Nonce`` header, a ``wordpress_logged_in_*`` cookie, HTTP Basic
credentials. One extractor per language (:mod:`.python` with libcst, :mod:`.node` with tree-sitter,
:mod:`.shell`), all producing :class:`.ir.ScriptFacts`.
"""
