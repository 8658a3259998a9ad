"""The web front end: server-rendered pages, with htmx where a page changes in place."""
