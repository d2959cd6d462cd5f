"""Exports: the JSON dump of an account, the readable thread file, and the profile's reading."""
