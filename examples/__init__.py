"""Example clients, one per provider, each with the contract harness's ``adapter``.

A package so that tests and ``vidukit verify --adapter examples.<provider>_client:adapter``
import them from the project root; each module uses only httpx and `examples.common`.
"""
