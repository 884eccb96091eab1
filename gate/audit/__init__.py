"""Audit trail: decision records, the hash-chained ledger, replay and documentation packs."""
