"""The write side: read -> decode -> repair -> language -> chrome -> metadata -> write."""
