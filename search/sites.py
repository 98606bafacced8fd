"""Hosts as `site:` matches them: a site covers itself and every subdomain under it.

The index holds, per document, every suffix of its host cut at a dot ("a.b.example.org"
→ "a.b.example.org", "b.example.org", "example.org", "org"), so `site:example.org` is one
term lookup that finds www.example.org and a.b.example.org, and never
example.org.evil.com or notexample.org (their suffixes are other strings).
"""

from __future__ import annotations


def normalise(host: str) -> str:
    """A host or `site:` value as the index writes hosts: lower case, no trailing dot, no
    "www." (indexer.metadata.host_of drops it too), no scheme, port or path."""
    host = host.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1]
    if host.count(":") == 1:  # host:port (an IPv6 address has several colons)
        host = host.split(":", 1)[0]
    host = host.strip(".")
    return host.removeprefix("www.")


def suffixes(host: str | None) -> list[str]:
    """Every suffix of the host at a dot boundary, longest first (what `site` indexes)."""
    if not host:
        return []
    labels = normalise(host).split(".")
    return [".".join(labels[i:]) for i in range(len(labels)) if labels[i]]
