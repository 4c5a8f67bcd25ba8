"""SSRF: only https URLs whose host resolves to public addresses only, checked with ``ipaddress``."""

import ipaddress

import pytest

from ..addresses import UnsafeURL, check_url, refusal
from .conftest import PUBLIC


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.5.5.5",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        str(ipaddress.IPv4Address(0)),  # "this host", the unspecified address
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_refused(address):
    assert refusal(address)
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(UnsafeURL, match="public addresses"):
        check_url(f"https://{host}/hook")


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_accepted(address):
    assert refusal(address) == ""


@pytest.mark.parametrize("host", ["internal.example.com", "metadata.example.com", "mixed.example.com"])
def test_a_name_resolving_to_any_private_address_is_refused(host):
    with pytest.raises(UnsafeURL, match="is refused"):
        check_url(f"https://{host}/hook")


def test_a_public_name_gives_the_checked_address_to_connect_to():
    target = check_url("https://hooks.example.com:8443/in?source=acme")
    assert (target.host, target.port, target.path, target.address) == (
        "hooks.example.com",
        8443,
        "/in?source=acme",
        PUBLIC,
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/", "Only https"),
        ("ftp://hooks.example.com/", "Only https"),
        ("https://user:pass@hooks.example.com/", "no user name"),
        ("https:///path", "no host"),
        ("https://nowhere.example.com/", "does not resolve"),
        ("https://hooks.example.com:99999/", "not a valid URL"),
    ],
)
def test_other_urls_are_refused_with_the_reason(url, reason):
    with pytest.raises(UnsafeURL, match=reason):
        check_url(url)
