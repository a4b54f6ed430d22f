"""Static knowledge-site generator for learning-oriented Party organizations.

The build is a pipeline: ``load`` (YAML with positions) -> ``validate`` (typed
content model) -> ``index`` (taxonomy, cross-references, related entries) ->
``render`` (Jinja templates from ``theme/``). ``plugin`` adapts it to MkDocs and
``cli`` exposes it as the ``kb`` command.
"""
