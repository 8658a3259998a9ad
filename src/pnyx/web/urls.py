"""Network-level URLs. A site's own pages are in `site_urls`, chosen by `SiteMiddleware`."""

from django.urls import path

from pnyx.accounts.urls import account_urlpatterns
from pnyx.web.views import crawlers, health, network

urlpatterns = [
    path("", network.network_home, name="network_home"),
    path("-/ping", health.ping, name="ping"),
    path("robots.txt", crawlers.network_robots, name="network_robots"),
    # Sign-up, log-in and the account pages, also on every site (see pnyx.accounts.urls).
    *account_urlpatterns,
]

handler404 = "pnyx.web.views.errors.not_found"
