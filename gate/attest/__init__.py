"""Signed, verifiable decisions: DSSE envelopes, in-toto decision attestations, trust files.

The signing and verification of envelopes is done by ``securesystemslib`` (the library
in-toto and TUF build on): one Envelope type for local keys (``CryptoSigner``, ed25519 or
ECDSA through ``cryptography``) and keyless Sigstore (``SigstoreSigner``/``SigstoreKey``,
installed with the ``sigstore`` extra). See docs/audit.md for the formats.
"""
