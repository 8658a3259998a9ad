"""The network: the list of sites and, later, the accounts shared by all of them."""
