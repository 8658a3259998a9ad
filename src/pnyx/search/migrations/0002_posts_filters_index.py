"""An index on the posts' columns that search filters and sorts read, keyed by id: for each
match the engine joins `posts` by id, and this narrow copy of those columns answers without
reading the post's row (SQLite reads a post's HTML with it; PostgreSQL can scan it alone)."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS search_posts_filters ON posts (id, post_type, score, owner_id, "
    "parent_id, answer_count, view_count, accepted_answer_id, closed_date, creation_date, "
    "last_activity_date)"
)
DROP = "DROP INDEX IF EXISTS search_posts_filters"


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("posts", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
