"""`pnyx reputation --check/--fix` and the privilege stages of `pnyx site`."""

from __future__ import annotations

import pytest
from django.utils import timezone
from tests import factories

from pnyx.cli import main
from pnyx.errors import PrivilegeRequired, ValidationError
from pnyx.network.models import Site
from pnyx.posts import actions
from pnyx.posts.models import SiteUser
from pnyx.sites.registry import reload_sites

BODY = "This body is long enough to pass the thirty character minimum."


def test_reputation_check_reports_and_fix_applies(site, capsys) -> None:
    asker = factories.create_user("Asker")
    voter = factories.create_user("Voter", reputation=15)
    question = factories.ask_question(
        asker, "A question worth voting for", BODY, "ale", at=timezone.now()
    )
    actions.check_vote(actor=voter, post_id=question.pk, vote="up")
    assert main(["reputation", "--site", site.name]) == 0
    assert "agrees with their events" in capsys.readouterr().out
    SiteUser.objects.filter(pk=asker.pk).update(reputation=999)
    assert main(["reputation", "--site", site.name, "--check"]) == 1
    out = capsys.readouterr().out
    assert f"user {asker.pk} (Asker): stored 999, events give 11" in out
    assert main(["reputation", "--site", site.name, "--fix"]) == 0
    assert SiteUser.objects.get(pk=asker.pk).reputation == 11
    assert main(["reputation", "--site", "no-such-site"]) == 2


def test_privilege_stage_is_chosen_at_creation_and_changed_later(make_site, capsys) -> None:
    beta = make_site(privilege_level="private-beta")
    assert beta.privilege_level == "private-beta"
    with pytest.raises(ValidationError, match="not one of"):
        make_site(privilege_level="alpha")
    assert main(["site", "privileges", beta.name, "graduated"]) == 0
    assert "graduated site" in capsys.readouterr().out
    reload_sites()
    site = Site.objects.get(pk=beta.pk)
    from pnyx.sites.context import activated

    with activated(site):
        newcomer = factories.create_user("Newcomer", reputation=5)
        asker = factories.create_user("Asker")
        question = factories.ask_question(asker, "A question on a graduated site", BODY, "ale")
        with pytest.raises(PrivilegeRequired, match="Voting up requires 15"):
            actions.check_vote(actor=newcomer, post_id=question.pk, vote="up")
    assert main(["site", "privileges", beta.name, "private-beta"]) == 0
    with activated(Site.objects.get(pk=beta.pk)) as private:
        assert actions.check_vote(actor=newcomer, post_id=question.pk, vote="up", site=private)
    with pytest.raises(SystemExit):
        main(["site", "privileges", beta.name, "nonsense"])
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err
