"""Network-wide accounts: sign-up and sign-in (django-allauth), membership of sites, profiles."""
