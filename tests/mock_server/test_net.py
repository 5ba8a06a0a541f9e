"""The listening socket both `vidukit serve` and the tests' live servers use."""

from __future__ import annotations

import socket

import pytest

from vidukit.mock_server.net import listening_socket


def test_the_listening_socket_disables_nagle_for_accepted_connections() -> None:
    sock = listening_socket("127.0.0.1", 0)
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        assert sock.getsockname()[1] > 0
    finally:
        sock.close()


def test_a_taken_port_is_an_oserror_and_leaks_no_socket() -> None:
    taken = listening_socket("127.0.0.1", 0)
    taken.listen()
    try:
        with pytest.raises(OSError):
            listening_socket("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()
