"""A site's content: users, posts, comments, votes, history, links, tags and badges.

The models follow the Stack Exchange data dump table by table, ids included, so that a dump
imports without renumbering and exports back unchanged. They live in each site's own database.
"""
