"""near_dapp_build: generated NEAR contracts, built and tested in the sandbox (see README.md)."""


def prepare(languages: tuple[str, ...] = ("rust", "js"), log=print) -> None:
    """Fill the near-sdk caches (``nearcoder prepare dapp-build``); an evaluation never does it mid-run."""
    from nearcoder.tasks.near_dapp_build.cache import prepare as _prepare

    _prepare(languages, log=log)
