"""Test servers for the social networks, built from each network's own source and documentation."""
