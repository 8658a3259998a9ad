"""Markdown to safe HTML: post bodies (CommonMark with tables and strikethrough) and comments."""
