import pytest

from pnyx.errors import ConfigurationError, ValidationError
from pnyx.network.models import Site
from pnyx.sites.services import create_site


@pytest.mark.parametrize("name", ["Politics", "a", "-x", "x_y", "static", "has space", "x" * 41])
def test_site_name_must_be_a_slug(name: str) -> None:
    with pytest.raises(ValidationError):
        create_site(name, "Title")
    assert not Site.objects.filter(name=name).exists()


def test_unopenable_database_leaves_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    with pytest.raises(ConfigurationError):
        create_site("blocked", "Blocked", database_url=f"sqlite:///{blocked}/sub/site.sqlite3")
    with pytest.raises(ConfigurationError):
        create_site("nowhere", "Nowhere", database_url="postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(ConfigurationError):
        create_site("odd", "Odd", database_url="mysql://localhost/x")
    assert not Site.objects.filter(name__in=["blocked", "nowhere", "odd"]).exists()


def test_duplicate_site_is_refused(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    with pytest.raises(ValidationError, match="already exists"):
        create_site(site.name, "Again")


def test_each_site_has_its_own_database(make_site) -> None:  # type: ignore[no-untyped-def]
    from tests import factories

    from pnyx.posts.models import SiteUser
    from pnyx.sites.context import activated

    one, two = make_site(), make_site()
    assert one.database_url != two.database_url
    with activated(one):
        factories.create_user("Only on one")
    with activated(two):
        assert not SiteUser.objects.exists()
    with activated(one):
        assert SiteUser.objects.count() == 1
